"""A record's text in any number of languages (issue 22 §4), through django-modeltrans.

A translatable field ``<name>`` is a real column holding the record's base text, in the portal's base language
(``settings.LANGUAGE_CODE``, English); its text in every other language is a key ``<name>_<language>`` of the
record's ``i18n`` JSON field (``title_zh_hans``, ``title_vi``: modeltrans's own naming,
``modeltrans.utils.build_localized_fieldname``). Any language tag fits, so a country programme writing in a language
no one has used yet needs no column, no migration and no setting: the helpers below read and write the JSON by key.
modeltrans's virtual fields (``title_vi``, ``title_i18n``) exist for ``MODELTRANS_AVAILABLE_LANGUAGES`` only; the
portal's code goes through these helpers instead, so it never depends on that list.

Why modeltrans and not django-parler: bench/translations.py and docs/performance.md ("Languages as data").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.conf import settings
from django.db.models import F, Q
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Coalesce, NullIf
from django.db.models.lookups import IContains
from django.utils.translation import get_language
from modeltrans.fields import TranslatedVirtualField
from modeltrans.utils import build_localized_fieldname
from simple_history.models import HistoricalRecords

from core.standards import language_name

# A record's texts in other languages as services take them: {language: {field: text}}.
Translations = Mapping[str, Mapping[str, str]]


def base_language() -> str:
    return settings.LANGUAGE_CODE


def i18n_key(field: str, language: str) -> str:
    """Where ``field``'s text in ``language`` is kept in ``i18n``: ``title_zh_hans``."""
    return build_localized_fieldname(field, language)


def text(record, field: str, language: str | None = None) -> str:
    """``record``'s ``field`` in ``language`` (the active language unless given), else its base text."""
    language = language or get_language() or base_language()
    if language != base_language():
        found = (record.i18n or {}).get(i18n_key(field, language))
        if found:
            return found
    return getattr(record, field)


def text_in(record, field: str, language: str) -> str:
    """``record``'s own ``field`` in ``language``, no fallback ("" where it has none): what a form shows."""
    if language == base_language():
        return getattr(record, field)
    return (record.i18n or {}).get(i18n_key(field, language), "")


def translated(record, *fields: str, language: str) -> bool:
    """Each of ``fields`` that has a base text has its text in ``language`` too (an empty field needs none): the
    editor's "which records lack this edition's language"."""
    if language == base_language():
        return True
    return all(text_in(record, field, language) or not getattr(record, field) for field in fields)


def texts_set(record, texts: Mapping[str, Mapping[str, str]]) -> list[str]:
    """Put ``{language: {field: text}}`` on ``record`` (stripped; an empty text removes that language's key; the
    base language writes the column). Returns the names of the columns changed, for ``save(update_fields=...)``."""
    changed: set[str] = set()
    i18n = dict(record.i18n or {})
    for language, fields in texts.items():
        for field, value in fields.items():
            value = (value or "").strip()
            if language == base_language():
                setattr(record, field, value)
                changed.add(field)
            elif value:
                i18n[i18n_key(field, language)] = value
            else:
                i18n.pop(i18n_key(field, language), None)
    if i18n != (record.i18n or {}):
        record.i18n = i18n
        changed.add("i18n")
    return sorted(changed)


def text_expression(field: str, language: str | None = None):
    """The SQL of ``text``: the field in ``language`` (the active one unless given), else the base column, for an
    ``order_by`` or an ``annotate``."""
    language = language or get_language() or base_language()
    if language == base_language():
        return F(field)
    return Coalesce(NullIf(KeyTextTransform(i18n_key(field, language), "i18n"), ""), F(field))


def search_q(fields: Iterable[str], term: str, languages: Iterable[str], prefix: str = "") -> Q:
    """Each of ``fields`` (a translatable field reached through ``prefix``, e.g. ``"result__"``) contains ``term`` in
    its base text or in any of ``languages``."""
    found = Q()
    for field in fields:
        found |= Q(**{f"{prefix}{field}__icontains": term})
        for language in languages:
            if language != base_language():
                # an expression, not "i18n__title_zh_hans__icontains": modeltrans reads that lookup as its virtual
                # field title_zh_hans, and a language outside its settings would have none
                found |= Q(IContains(KeyTextTransform(i18n_key(field, language), f"{prefix}i18n"), term))
    return found


def translations_in(model, data: Mapping[str, str]) -> dict[str, dict[str, str]]:
    """The texts in other languages among a model form's cleaned data, posted under modeltrans's virtual field names
    (``name_zh_hans``, as the admin shows them), as services take them: ``{"zh-hans": {"name": ...}}``."""
    found: dict[str, dict[str, str]] = {}
    for field in model._meta.get_field("i18n").get_translated_fields():
        if field.language and field.language != base_language() and field.name in data:
            found.setdefault(field.language, {})[field.original_name] = data[field.name] or ""
    return found


def html_lang(language: str) -> str:
    """A Django language tag as HTML writes it: ``zh-hans`` -> ``zh-Hans``, ``pt-br`` -> ``pt-BR``."""
    main, _, rest = language.partition("-")
    if not rest:
        return main
    return f"{main}-{rest.title() if len(rest) == 4 else rest.upper()}"


# Which content languages a record's forms offer, and which a search reads: the countries' (programmes provides the
# lookups when its app is ready, as core.roles receives the memberships; core imports no app).
_lookups: dict = {}


def languages_provide(*, offered, used) -> None:
    _lookups.update(offered=offered, used=used)


def languages_offered(record=None, countries=None) -> list[str]:
    """The content languages ``record``'s text is written in, the main one first: its country's, else those of
    ``countries`` (where a new record may go). The base language alone until a lookup is provided."""
    return list(_lookups["offered"](record, countries)) if _lookups else [base_language()]


def languages_used() -> list[str]:
    """Every content language any record may be written in: what a search across languages reads."""
    return list(_lookups["used"]()) if _lookups else [base_language()]


def language_label(label, language: str) -> str:
    """A form field's label for its text in a language: "Title (Simplified Chinese)"."""
    return f"{label} ({language_name(language)})"


class TranslatedHistory(HistoricalRecords):
    """django-simple-history's ``HistoricalRecords`` for a model with an ``i18n`` field: a version keeps ``i18n``
    itself, not modeltrans's virtual fields (``title_i18n``, ``title_zh_hans``), which ``_meta.fields`` lists and
    which a historical row could not take beside their column (modeltrans refuses ``title`` and ``title_i18n``
    together)."""

    def fields_included(self, model):
        return [field for field in super().fields_included(model) if not isinstance(field, TranslatedVirtualField)]
