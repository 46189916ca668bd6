"""A record's text in a language, in templates (core/translated.py): ``{{ record|text_in:"zh-hans" }}``."""

from django import template

from core import standards, translated

register = template.Library()


@register.filter
def text_in(record, language: str) -> str:
    """The record's own text of its first translated field in ``language`` ("" where it has none):
    ``section|text_in:code`` for a section's heading. For another field, ``record|field_in:"caption,zh-hans"``."""
    field = record._meta.get_field("i18n").fields[0]
    return translated.text_in(record, field, language)


@register.filter
def field_in(record, field_and_language: str) -> str:
    """``record|field_in:"caption,zh-hans"``: the record's own ``caption`` in that language, no fallback."""
    field, _, language = field_and_language.partition(",")
    return translated.text_in(record, field, language) if record is not None else ""


@register.filter
def language_key(language: str) -> str:
    """``zh-hans`` -> ``zh_hans``, as a field's key in ``i18n`` ends."""
    return translated.i18n_key("", language)[1:]


@register.filter
def language_name(language: str) -> str:
    return standards.language_name(language)


@register.filter
def lang_attr(language: str) -> str:
    return translated.html_lang(language)


@register.filter
def lacks_language(record, language: str) -> bool:
    """Whether an edition in ``language`` prints some of ``record``'s text in the base language, lacking its own."""
    fields = getattr(record, "TRANSLATED", ())
    return bool(fields) and not translated.translated(record, *fields, language=language)


@register.filter
def languages_of(record) -> list[dict]:
    """Each language ``record`` has text in beyond the base one, in the order of ``languages_used``: its tag, its
    HTML ``lang``, its name and the texts by field (``{% for t in result|languages_of %}{{ t.texts.title }}``)."""
    stored = getattr(record, "i18n", None) or {}
    if not stored:
        return []
    fields = record._meta.get_field("i18n").fields
    found = []
    for language in dict.fromkeys([*translated.languages_used(), *_languages_in(stored, fields)]):
        texts = {field: stored.get(translated.i18n_key(field, language), "") for field in fields}
        if language != translated.base_language() and any(texts.values()):
            found.append(
                {
                    "language": language,
                    "lang": translated.html_lang(language),
                    "name": standards.language_name(language),
                    "texts": texts,
                }
            )
    return found


def _languages_in(stored: dict, fields) -> list[str]:
    """The languages of the keys stored (``title_zh_hans`` -> ``zh-hans``), for a language no country lists now."""
    languages = []
    for key in stored:
        for field in fields:
            if key.startswith(f"{field}_"):
                languages.append(key[len(field) + 1 :].replace("_", "-"))
                break
    return languages
