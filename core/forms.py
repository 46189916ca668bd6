"""What every form of the portal shares: single-line text stays on one line."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Line breaks (CR, LF, NEL, the Unicode line and paragraph separators) and the other C0/C1 control characters.
# A title with a line break was stored, then broke every e-mail header it went into (the subject).
_NOT_ONE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def single_line(value) -> None:
    """The validator of every single-line text field (a title, a name): no line break, no control character."""
    if value and _NOT_ONE_LINE.search(str(value)):
        raise ValidationError(
            _("Write this on one line: line breaks and control characters are not allowed here."),
            code="single_line",
        )


def one_line(text: str) -> str:
    """The text with every run of whitespace and control characters made one space: for an e-mail header."""
    return " ".join(_NOT_ONE_LINE.sub(" ", str(text)).split())


class SingleLineMixin:
    """Gives every text field of the form drawn as a one-line input (not a textarea) the ``single_line``
    validator, so a title or name posted with a line break is refused next to its field."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if (
                isinstance(field, forms.CharField)
                and not isinstance(field.widget, forms.Textarea)
                and single_line not in field.validators
            ):
                field.validators.append(single_line)


class TranslationsMixin:
    """A form that offers each of ``translated_fields`` in the content languages of its record beyond the base one:
    one input per language, named as modeltrans keys the text (``title_zh_hans``), labelled with the language's name
    ("Title (Simplified Chinese)") and marked with its ``lang`` for input methods, fonts and screen readers.

    The languages are ``languages`` when given, else those ``core.translated.languages_offered`` returns for the
    form's record (its country's, through the lookup its app provides) or, for a record of no country yet, for
    ``countries`` (those the user may put it in). A language not offered has no input, so a
    value posted for it is ignored: it never reaches the record. A model form puts the texts on its instance after
    cleaning (``form.save(commit=False)`` carries them); any form gives them as ``translations()`` for a service.
    """

    translated_fields: tuple[str, ...] = ()

    def __init__(self, *args, languages=None, record=None, countries=None, **kwargs):
        from core import translated

        super().__init__(*args, **kwargs)
        record = record if record is not None else getattr(self, "instance", None)
        if languages is None:
            languages = translated.languages_offered(record, countries)
        self.languages = [language for language in languages if language != translated.base_language()]
        self.language_field_names: list[str] = []
        for field in self.translated_fields:
            base = self.fields[field]
            for language in self.languages:
                name = translated.i18n_key(field, language)
                widget = (
                    forms.Textarea(attrs={**base.widget.attrs})
                    if isinstance(base.widget, forms.Textarea)
                    else (forms.TextInput(attrs={"maxlength": base.max_length} if base.max_length else {}))
                )
                widget.attrs["lang"] = translated.html_lang(language)
                self.fields[name] = forms.CharField(
                    label=translated.language_label(base.label or field, language),
                    max_length=base.max_length,
                    required=False,
                    widget=widget,
                    validators=[single_line] if single_line in base.validators else [],
                )
                if getattr(record, "pk", None) and hasattr(record, "i18n") and name not in self.initial:
                    self.initial[name] = translated.text_in(record, field, language)
                self.language_field_names.append(name)

    def translations(self) -> dict[str, dict[str, str]]:
        """``{language: {field: text}}`` as posted, for ``core.translated.texts_set`` or a service."""
        from core import translated

        return {
            language: {
                field: self.cleaned_data.get(translated.i18n_key(field, language), "")
                for field in self.translated_fields
            }
            for language in self.languages
        }

    def language_fields(self):
        """The inputs of the other languages, in order, for a template that sets them apart."""
        return [self[name] for name in self.language_field_names]

    def _post_clean(self):
        super()._post_clean()
        instance = getattr(self, "instance", None)
        if instance is not None and hasattr(instance, "i18n") and hasattr(self, "cleaned_data"):
            from core import translated

            translated.texts_set(instance, self.translations())
