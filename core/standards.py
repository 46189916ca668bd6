"""The international codes a country programme is described with, and what makes one valid.

- a country: ISO 3166-1 alpha-2 (``CN``, ``VN``, ``CO``), two capital letters naming an assigned code;
- a currency: ISO 4217 (``CNY``, ``VND``, ``COP``), three capital letters naming a current currency;
- a time zone: a name of the IANA database as this machine's ``zoneinfo`` knows it (``Asia/Shanghai``);
- a language of content: a language tag as Django writes it (``en``, ``zh-hans``, ``es``, ``pt-br``): an
  ISO 639 language, then optionally a script (ISO 15924, ``hans``) or a region (ISO 3166-1, ``br``). Any
  language a programme writes in, not only the interface's ``LANGUAGES``: a Spanish programme is possible before
  the portal speaks Spanish.

The lists come from pycountry (the ISO tables, kept up to date with the standards) and Python's ``zoneinfo``;
nothing here is a list typed by hand. Validators are plain functions, so a migration names them, never their
lists (a newer pycountry adds a code without a migration).
"""

from __future__ import annotations

import re
import zoneinfo
from functools import cache

import pycountry
from django.conf.locale import LANG_INFO
from django.core.exceptions import ValidationError
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _

_COUNTRY_CODE = re.compile(r"[A-Z]{2}")
_CURRENCY_CODE = re.compile(r"[A-Z]{3}")
_LANGUAGE_TAG = re.compile(r"(?P<language>[a-z]{2,3})(?:-(?P<script>[a-z]{4})|-(?P<region>[a-z]{2}))?")


@cache
def time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in sorted(time_zones())]


def currency_choices() -> list[tuple[str, str]]:
    return sorted((c.alpha_3, f"{c.alpha_3} – {c.name}") for c in pycountry.currencies)


def country_name(code: str) -> str:
    """The English short name ISO 3166-1 gives a code, or "" for an unknown one."""
    found = pycountry.countries.get(alpha_2=code) if _COUNTRY_CODE.fullmatch(code or "") else None
    return found.name if found else ""


def _validate_code(value: str, pattern: re.Pattern, known, *, form: str, unknown: str) -> None:
    if not pattern.fullmatch(value or ""):
        raise ValidationError(form, code="format")
    if known(value) is None:
        raise ValidationError(unknown % {"code": value}, code="unknown", params={"code": value})


def validate_country_code(value: str) -> None:
    _validate_code(
        value,
        _COUNTRY_CODE,
        lambda code: pycountry.countries.get(alpha_2=code),
        form=_("Enter the country's ISO 3166-1 code: two capital letters, such as CN or VN."),
        unknown=_("%(code)s is not an ISO 3166-1 country code."),
    )


def validate_currency(value: str) -> None:
    _validate_code(
        value,
        _CURRENCY_CODE,
        lambda code: pycountry.currencies.get(alpha_3=code),
        form=_("Enter the currency's ISO 4217 code: three capital letters, such as CNY or USD."),
        unknown=_("%(code)s is not an ISO 4217 currency code."),
    )


def validate_time_zone(value: str) -> None:
    if value not in time_zones():
        raise ValidationError(
            _("%(zone)s is not a time zone of the IANA database (e.g. Asia/Shanghai, America/Bogota).")
            % {"zone": value},
            code="unknown",
            params={"zone": value},
        )


def _iso_language(code: str):
    return pycountry.languages.get(alpha_2=code) if len(code) == 2 else pycountry.languages.get(alpha_3=code)


def language_tag_known(tag: str) -> bool:
    """Whether ``tag`` (lower case, as Django writes it) names a language, with a known script or region."""
    found = _LANGUAGE_TAG.fullmatch(tag or "")
    if not found:
        return False
    if _iso_language(found["language"]) is None:
        return False
    if found["script"]:
        return pycountry.scripts.get(alpha_4=found["script"].title()) is not None
    if found["region"]:
        return pycountry.countries.get(alpha_2=found["region"].upper()) is not None
    return True


def language_name(tag: str) -> str:
    """A language tag's name: Django's where it has one ("Simplified Chinese", in the interface's language), else
    ISO 639's English name, else the tag itself."""
    if tag in LANG_INFO:
        return str(get_language_info(tag)["name_translated"])
    found = _LANGUAGE_TAG.fullmatch(tag or "")
    language = _iso_language(found["language"]) if found else None
    return language.name if language else tag


def validate_languages(value) -> None:
    """An ordered list of language tags, the main one first: at least one, each known, none twice."""
    if not isinstance(value, list) or not value:
        raise ValidationError(_("Name at least one language, the main one first."), code="empty")
    unknown = [tag for tag in value if not isinstance(tag, str) or not language_tag_known(tag)]
    if unknown:
        raise ValidationError(
            _("Not a known language code: %(codes)s. Use ISO 639 codes such as en, es, vi or zh-hans.")
            % {"codes": ", ".join(str(tag) for tag in unknown)},
            code="unknown",
        )
    twice = sorted({tag for tag in value if value.count(tag) > 1})
    if twice:
        raise ValidationError(
            _("Each language once: %(codes)s named twice.") % {"codes": ", ".join(twice)}, code="twice"
        )
