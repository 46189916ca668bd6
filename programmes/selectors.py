"""Reads that depend on who asks. Out of scope is a 404: views start from these querysets."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from core import roles

from .models import (
    Agreement,
    Country,
    CountryAssignment,
    ExchangeRate,
    Organisation,
    PartnerMembership,
    Region,
    TrainingRound,
)


def assigned_country_ids(user) -> frozenset[int] | None:
    """The countries an officer or editor works for (read by core.roles.country_ids, which checks the role and keeps
    the answer on the user): None for all of them (the global team), else their ids (none without an assignment)."""
    assignment = CountryAssignment.objects.filter(user=user).first()
    if assignment is None:
        return frozenset()
    if assignment.all_countries:
        return None
    return frozenset(assignment.countries.values_list("pk", flat=True))


def _in_countries(user, qs: QuerySet, field: str = "country_id") -> QuerySet:
    """``qs`` kept to the countries the user works for (an officer or an editor); all of it for the global team."""
    ids = roles.country_ids(user)
    return qs if ids is None else qs.filter(**{f"{field}__in": ids})


def organisation_ids_in_countries(ids) -> QuerySet:
    """The ids of the organisations working in any of these countries (for ``__in``)."""
    return Organisation.countries.through.objects.filter(country_id__in=ids).values("organisation_id")


def partner_organisation_id(user) -> int | None:
    """The organisation a user is a member of, or None (read by core.roles.partner_organisation_id, which checks the
    group and keeps the answer on the user)."""
    return PartnerMembership.objects.filter(user=user).values_list("organisation_id", flat=True).first()


def country_of(record) -> Country | None:
    """The country a record belongs to: its own (a round, an enterprise, news, an issue), else its parent's (a
    result's enterprise's, an issue section's issue's); None for what every country shares (modules, KPIs, people
    quoted) and for a record not placed yet."""
    if getattr(record, "country_id", None):
        return record.country
    for parent in ("issue", "enterprise", "result"):
        if getattr(record, f"{parent}_id", None):
            return country_of(getattr(record, parent))
    return None


def content_languages(record=None, countries=None) -> list[str]:
    """The content languages a record's text is written in, the main one first: what its forms offer (one input per
    language beyond the base one) and what its country's newsletter editions are.

    The one place that decides it (core.translated.languages_offered asks here): the record's country's languages;
    for a record of no country yet (a new one) or of all (a module, a KPI, a person quoted), those of ``countries``
    (the countries the user may put it in), else of every country programme, each once in the order met."""
    country = country_of(record)
    if country is not None:
        return list(country.languages)
    seen: dict[str, None] = {}
    for languages in (countries if countries is not None else Country.objects.order_by("pk")).values_list(
        "languages", flat=True
    ):
        seen.update(dict.fromkeys(languages))
    return list(seen) or [settings.LANGUAGE_CODE]


def content_languages_used() -> list[str]:
    """Every content language of every country programme, for a search across the languages a text may be in."""
    return content_languages()


def rounds_of_organisation(org_id: int) -> QuerySet[TrainingRound]:
    """The rounds an organisation organised or co-organised."""
    co_organised = TrainingRound.co_organisers.through.objects.filter(organisation_id=org_id).values("traininground_id")
    return TrainingRound.objects.filter(Q(organiser_id=org_id) | Q(pk__in=co_organised))


def rounds_visible_to(user) -> QuerySet[TrainingRound]:
    """Officers see every round; a partner the rounds its organisation organised or co-organised; a trainer the
    rounds they deliver."""
    qs = TrainingRound.objects.all()
    if roles.is_officer(user):
        return _in_countries(user, qs)
    org_id = roles.partner_organisation_id(user)
    if org_id is not None:
        return rounds_of_organisation(org_id)
    if roles.is_trainer(user):
        return qs.filter(pk__in=roles.trainer_round_ids(user))
    return qs.none()


def visible_round_or_404(user, pk) -> TrainingRound:
    """The round ``pk`` if the user may see it (with its module and organiser), else a 404: the start of every page
    and form of one round, in whichever app it lives."""
    return get_object_or_404(rounds_visible_to(user).select_related("module", "organiser", "country"), pk=pk)


def organisations_visible_to(user) -> QuerySet[Organisation]:
    """Officers see the organisations working in their countries (every one for the global team); a partner its
    own; a trainer none (their rounds name their organisers)."""
    qs = Organisation.objects.all()
    if roles.is_officer(user):
        ids = roles.country_ids(user)
        return qs if ids is None else qs.filter(pk__in=organisation_ids_in_countries(ids))
    org_id = roles.partner_organisation_id(user)
    if org_id is None:
        return qs.none()
    return qs.filter(pk=org_id)


def agreements_visible_to(user) -> QuerySet[Agreement]:
    """The agreements of the organisations a user sees, made for the countries they work for."""
    agreements = Agreement.objects.filter(organisation__in=organisations_visible_to(user))
    return _in_countries(user, agreements) if roles.is_officer(user) else agreements


def countries_visible_to(user) -> QuerySet[Country]:
    """An officer sees the country programmes they work for (the global team every one); others none."""
    qs = Country.objects.all()
    return _in_countries(user, qs, "pk") if roles.is_officer(user) else qs.none()


def countries_working_for(user) -> QuerySet[Country]:
    """The countries a user's records go to (what a form offers): an officer's or an editor's countries, a
    partner's organisation's."""
    if roles.is_editor(user):  # officers and editors
        return _in_countries(user, Country.objects.all(), "pk")
    org_id = roles.partner_organisation_id(user)
    if org_id is not None:
        return Country.objects.filter(organisations=org_id)
    return Country.objects.none()


def regions_visible_to(user) -> QuerySet[Region]:
    return Region.objects.filter(country__in=countries_visible_to(user))


def exchange_rates_visible_to(user) -> QuerySet[ExchangeRate]:
    """The rates of the currencies of the country programmes the user sees."""
    return ExchangeRate.objects.filter(currency__in=countries_visible_to(user).values("currency"))


def on_local_days(field: str, *, first: int | None = None, last: int | None = None, country: str = "country") -> Q:
    """Rows whose date ``field`` lies from ``first`` to ``last`` days after their own country's today (either end
    open when None; negative days are before today): "starting in the next 30 days" is ``first=0, last=30``,
    "ended" ``last=-1``. Each country programme counts from its own date, whatever the server's zone."""
    q = Q(pk__in=[])
    for country_id, zone in Country.objects.values_list("pk", "time_zone"):
        today = Country(time_zone=zone).today()
        bounds = {}
        if first is not None:
            bounds[f"{field}__gte"] = today + dt.timedelta(days=first)
        if last is not None:
            bounds[f"{field}__lte"] = today + dt.timedelta(days=last)
        q |= Q(**{f"{country}_id": country_id}, **bounds)
    return q
