"""Every write to country programmes, organisations, agreements and training rounds, and the programme rules they
obey.

Rules that need records from higher apps (a ToE round's trainers are qualified; Module 1 first) live in
those apps and register here with ``register_round_check``, so changing a round's module or dates from any
path (portal, admin, later API and imports) re-checks them without this app importing the ones above it.
Rows that higher apps keep from a round (which organisations reach its enterprises, which modules they have
taken: enterprises) are worked out again by the functions they register with ``register_round_saved``, called
by the services below in the transaction that saved the round.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.editing import edit_version_claim
from core.integrity import unique_refused

from .models import (
    Agreement,
    Country,
    CountryAssignment,
    ExchangeRate,
    Module,
    Organisation,
    PartnerMembership,
    Region,
    TrainingRound,
)

Status = TrainingRound.Status

# The life of a round: planned → classroom → consulting → completed, or cancelled from any state not final.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    Status.PLANNED: (Status.CLASSROOM, Status.CANCELLED),
    Status.CLASSROOM: (Status.CONSULTING, Status.CANCELLED),
    Status.CONSULTING: (Status.COMPLETED, Status.CANCELLED),
    Status.COMPLETED: (),
    Status.CANCELLED: (),
}
FINAL_STATUSES = (Status.COMPLETED, Status.CANCELLED)

RoundCheck = Callable[[TrainingRound], dict[str, list[str]]]
_round_checks: list[RoundCheck] = []

RoundSaved = Callable[[TrainingRound], None]
_round_saved: list[RoundSaved] = []

COST_FIELDS = ("cost_total", *TrainingRound.COST_SHARES)
ROUND_FIELDS = ("country", "module", "kind", "organiser", "province", "city", "start", "end", "notes", *COST_FIELDS)


def register_round_check(check: RoundCheck) -> RoundCheck:
    """Higher apps add a rule about a round's proposed values (``check(round) -> {field: [messages]}``)."""
    if check not in _round_checks:
        _round_checks.append(check)
    return check


def register_round_saved(refresh: RoundSaved) -> RoundSaved:
    """Higher apps add what they keep from a round (``refresh(round)``), called after every round saved, in its
    transaction."""
    if refresh not in _round_saved:
        _round_saved.append(refresh)
    return refresh


def _saved(training_round: TrainingRound) -> None:
    for refresh in _round_saved:
        refresh(training_round)


def _d(day) -> str:
    return date_format(day, "DATE_FORMAT")


def _merge(errors: dict[str, list[str]], more: dict[str, list[str]]) -> None:
    for field, messages in more.items():
        errors.setdefault(field, []).extend(messages)


# --- Rules -------------------------------------------------------------------------------------------------


def licence_check(
    *, organiser: Organisation, start, end, licences: Iterable[Agreement] | None = None, country_id: int | None = None
) -> dict:
    """A licensed training provider may only run rounds inside one of its licence agreements, made for the round's
    country (a licence in China does not cover a round in Viet Nam)."""
    if organiser is None or organiser.kind != Organisation.Kind.LICENSED_PROVIDER or not start:
        return {}
    if licences is None:
        licences = organiser.agreements.filter(kind=Agreement.Kind.LICENCE)
    licences = [lic for lic in licences if country_id is None or lic.country_id == country_id]
    if any(licence.covers(start, end or start) for licence in licences):
        return {}
    if not licences:
        return {
            "organiser": [
                _(
                    "%(org)s is a licensed training provider without a licence agreement: record its licence "
                    "before it runs a round."
                )
                % {"org": organiser.name}
            ]
        }
    terms = "; ".join(
        f"{_d(lic.start)} – {_d(lic.end) if lic.end else _('open-ended')}"
        for lic in sorted(licences, key=lambda a: a.start)
    )
    field = "end" if any(lic.covers(start, start) for lic in licences) else "start"
    return {
        field: [
            _(
                "%(org)s is a licensed training provider: its rounds must fall inside one of its licence "
                "agreements (%(terms)s)."
            )
            % {"org": organiser.name, "terms": terms}
        ]
    }


def cost_check(*, training_round: TrainingRound) -> dict[str, list[str]]:
    """The cost and who paid it: no negative amount, shares only with a total, and not more than it together."""
    r = training_round
    errors: dict[str, list[str]] = {}
    for name in COST_FIELDS:
        value = getattr(r, name)
        if value is not None and value < 0:
            errors[name] = [_("Enter an amount of zero or more.")]
    if errors:
        return errors
    shares = sum((getattr(r, name) or 0) for name in TrainingRound.COST_SHARES)
    if r.cost_total is None and shares:
        errors["cost_total"] = [_("Enter the total cost before what each paid.")]
    elif r.cost_total is not None and shares > r.cost_total:
        errors["cost_total"] = [
            _("The shares add up to %(shares)s, more than the total cost of %(total)s.")
            % {"shares": f"{shares:,.2f}", "total": f"{r.cost_total:,.2f}"}
        ]
    return errors


def works_in_check(*, country: Country | None, organisations: Iterable[Organisation], field: str) -> dict:
    """Each organisation works in the country (``Organisation.countries``): a record of a country is organised,
    co-organised or brought in by organisations working there."""
    if country is None:
        return {}
    outside = [org for org in organisations if org.pk and not org.countries.filter(pk=country.pk).exists()]
    if not outside:
        return {}
    return {
        field: [
            _(
                "%(orgs)s does not work in %(country)s: add %(country)s to its countries first, or choose another "
                "country."
            )
            % {"orgs": ", ".join(str(org) for org in outside), "country": country.name}
        ]
    }


def country_guess(organisations: Iterable[Organisation]) -> Country | None:
    """The one country all these organisations work in, when there is exactly one (else None: the person chooses)."""
    common: set[int] | None = None
    for org in organisations:
        ids = set(org.countries.values_list("pk", flat=True))
        common = ids if common is None else common & ids
    if not common or len(common) != 1:
        return None
    return Country.objects.get(pk=common.pop())


def round_validate(*, training_round: TrainingRound, co_organisers: Iterable[Organisation] | None = None) -> None:
    """Check a round's proposed values against every programme rule; raise ValidationError by field.

    ``co_organisers`` the proposed ones (the round's own when None and the round exists)."""
    errors: dict[str, list[str]] = {}
    r = training_round
    if r.start and r.end and r.end < r.start:
        errors["end"] = [_("A training round cannot end before it starts.")]
    _merge(errors, cost_check(training_round=r))
    country = r.country if r.country_id else None
    if country is not None:
        if r.organiser_id:
            _merge(errors, works_in_check(country=country, organisations=[r.organiser], field="organiser"))
        if co_organisers is None and r.pk:
            co_organisers = list(r.co_organisers.all())
        _merge(errors, works_in_check(country=country, organisations=co_organisers or (), field="co_organisers"))
    if r.organiser_id:
        _merge(errors, licence_check(organiser=r.organiser, start=r.start, end=r.end, country_id=r.country_id))
    if not errors and r.module_id and r.start:
        for check in _round_checks:
            _merge(errors, check(r))
    if errors:
        raise ValidationError(errors)


def transition_check(*, from_status: str, to_status: str) -> None:
    if to_status not in Status.values:
        raise ValidationError({"status": [_("Unknown status: %(status)s.") % {"status": to_status}]})
    if to_status == from_status:
        return
    if to_status not in TRANSITIONS.get(from_status, ()):
        allowed = TRANSITIONS.get(from_status, ())
        if allowed:
            hint = _("From %(from)s it can move to: %(allowed)s.") % {
                "from": Status(from_status).label,
                "allowed": ", ".join(str(Status(s).label) for s in allowed),
            }
        else:
            hint = _("%(from)s is final.") % {"from": Status(from_status).label}
        raise ValidationError(
            {
                "status": [
                    _("A round cannot move from %(from)s to %(to)s. %(hint)s")
                    % {"from": Status(from_status).label, "to": Status(to_status).label, "hint": hint}
                ]
            }
        )


def allowed_transitions(training_round: TrainingRound) -> list[tuple[str, str]]:
    return [(s, Status(s).label) for s in TRANSITIONS.get(training_round.status, ())]


# --- Training rounds ---------------------------------------------------------------------------------------


@transaction.atomic
def round_create(
    *,
    module: Module,
    kind: str,
    organiser: Organisation,
    province: str,
    country: Country | None = None,
    city: str,
    start,
    end,
    notes: str = "",
    co_organisers: Iterable[Organisation] = (),
    by: User | None = None,
    **costs,
) -> TrainingRound:
    unknown = set(costs) - set(COST_FIELDS)
    if unknown:
        raise TypeError(f"round_create() got unexpected fields: {sorted(unknown)}")
    costs = {name: value for name, value in costs.items() if value is not None or name == "cost_total"}
    co_organisers = list(co_organisers)
    if country is None:  # an organiser working in one country only: that one
        country = country_guess([organiser])
    if country is None:
        raise ValidationError({"country": [_("Choose the country programme the round belongs to.")]})
    training_round = TrainingRound(
        country=country,
        module=module,
        kind=kind,
        organiser=organiser,
        province=province,
        city=city,
        start=start,
        end=end,
        notes=notes,
        status=Status.PLANNED,
        **costs,
    )
    round_validate(training_round=training_round, co_organisers=co_organisers)
    training_round.full_clean()
    training_round.save()
    training_round.co_organisers.set(co_organisers)
    _saved(training_round)
    return training_round


@transaction.atomic
def round_update(
    *,
    training_round: TrainingRound,
    by: User | None = None,
    co_organisers: Iterable[Organisation] | None = None,
    edit_version: int | None = None,
    **fields,
) -> TrainingRound:
    unknown = set(fields) - set(ROUND_FIELDS)
    if unknown:
        raise TypeError(f"round_update() got unexpected fields: {sorted(unknown)}")
    locked = TrainingRound.objects.select_for_update().get(pk=training_round.pk)
    edit_version_claim(locked, edit_version)
    for name, value in fields.items():
        setattr(locked, name, value)
    co_organisers = list(co_organisers) if co_organisers is not None else None
    round_validate(training_round=locked, co_organisers=co_organisers)
    locked.full_clean()
    locked.save()
    if co_organisers is not None:
        locked.co_organisers.set(co_organisers)
    _saved(locked)
    return locked


@transaction.atomic
def round_transition(*, training_round: TrainingRound, to_status: str, by: User | None = None) -> TrainingRound:
    """Move a round through its life; an illegal move is refused with a message on ``status``."""
    locked = TrainingRound.objects.select_for_update().get(pk=training_round.pk)
    transition_check(from_status=locked.status, to_status=to_status)
    if locked.status != to_status:
        locked.status = to_status
        locked.save(update_fields=["status", "updated_at"])
        _saved(locked)
    training_round.status = locked.status
    return locked


# --- Organisations and agreements ------------------------------------------------------------------------

ORGANISATION_FIELDS = ("name", "short_name", "kind", "parent", "province", "city", "website", "email", "notes")
AGREEMENT_FIELDS = ("kind", "country", "signed_on", "start", "end", "territory", "notes")


def _rounds_outside_licences(organisation: Organisation, licences: list[Agreement]) -> list[TrainingRound]:
    if organisation.kind != Organisation.Kind.LICENSED_PROVIDER or organisation.pk is None:
        return []
    rounds = TrainingRound.objects.filter(organiser=organisation).exclude(status=Status.CANCELLED)
    return [
        r
        for r in rounds.select_related("module")
        if licence_check(organiser=organisation, start=r.start, end=r.end, licences=licences, country_id=r.country_id)
    ]


OrganisationCountryUse = Callable[[Organisation, Country], str | None]
_organisation_country_uses: list[OrganisationCountryUse] = []


def register_organisation_country_use(describe: OrganisationCountryUse) -> OrganisationCountryUse:
    """Higher apps add ``describe(organisation, country)``: what of theirs ties the organisation to the country
    ("4 enterprises brought in"), or None; an organisation keeps a country while something ties it there."""
    if describe not in _organisation_country_uses:
        _organisation_country_uses.append(describe)
    return describe


def organisation_countries_check(*, organisation: Organisation, countries: Iterable[Country]) -> dict:
    """An organisation works in at least one country, and keeps every country its records are in."""
    countries = list(countries)
    if not countries:
        return {"countries": [_("Choose the countries the organisation works in (one at least).")]}
    if organisation.pk is None:
        return {}
    kept = {c.pk for c in countries}
    messages = []
    for dropped in organisation.countries.exclude(pk__in=kept):
        uses = []
        rounds = TrainingRound.objects.filter(country=dropped).filter(
            Q(organiser=organisation) | Q(co_organisers=organisation)
        )
        if rounds.exists():
            count = rounds.distinct().count()
            uses.append(ngettext("%(count)d training round", "%(count)d training rounds", count) % {"count": count})
        if organisation.agreements.filter(country=dropped).exists():
            uses.append(_("its agreements there"))
        uses += [use for describe in _organisation_country_uses if (use := describe(organisation, dropped))]
        if uses:
            messages.append(
                _("%(org)s keeps %(country)s among its countries while it has records there: %(uses)s.")
                % {"org": organisation, "country": dropped.name, "uses": "; ".join(uses)}
            )
    return {"countries": messages} if messages else {}


def _outside_message(rounds: list[TrainingRound]) -> str:
    names = ", ".join(str(r) for r in rounds[:5]) + ("…" if len(rounds) > 5 else "")
    return _("These rounds would fall outside every licence agreement: %(rounds)s.") % {"rounds": names}


@unique_refused()
@transaction.atomic
def organisation_save(
    *,
    organisation: Organisation | None = None,
    countries: Iterable[Country] | None = None,
    by: User | None = None,
    edit_version: int | None = None,
    **fields,
) -> Organisation:
    """Create (organisation=None, with its ``countries``) or update an organisation."""
    unknown = set(fields) - set(ORGANISATION_FIELDS)
    if unknown:
        raise TypeError(f"organisation_save() got unexpected fields: {sorted(unknown)}")
    org = organisation if organisation is not None else Organisation()
    edit_version_claim(org, edit_version)
    for name, value in fields.items():
        setattr(org, name, value)
    if org.parent_id and org.pk and org.parent_id == org.pk:
        raise ValidationError({"parent": [_("An organisation cannot be its own parent.")]})
    outside = _rounds_outside_licences(org, list(org.agreements.filter(kind=Agreement.Kind.LICENCE)) if org.pk else [])
    if outside:
        raise ValidationError({"kind": [_outside_message(outside)]})
    if countries is not None or org.pk is None:
        countries = list(countries or ())
        errors = organisation_countries_check(organisation=org, countries=countries)
        if errors:
            raise ValidationError(errors)
    org.full_clean()
    org.save()
    if countries is not None:
        org.countries.set(countries)
    return org


def agreement_check(*, organisation: Organisation, agreement: Agreement) -> dict[str, list[str]]:
    """What is wrong with saving this (unsaved) state of an agreement; a licence may not leave rounds uncovered."""
    errors: dict[str, list[str]] = {}
    a = agreement
    if a.start and a.end and a.end < a.start:
        errors["end"] = [_("An agreement cannot end before it starts.")]
    if a.signed_on and a.end and a.signed_on > a.end:
        errors["signed_on"] = [_("An agreement cannot be signed after it ends.")]
    if a.country_id and organisation.pk and not organisation.countries.filter(pk=a.country_id).exists():
        errors["country"] = [
            _("%(org)s does not work in %(country)s: add the country to the organisation first.")
            % {"org": organisation, "country": a.country.name}
        ]
    others = list(organisation.agreements.filter(kind=Agreement.Kind.LICENCE).exclude(pk=a.pk))
    licences = others + ([a] if a.kind == Agreement.Kind.LICENCE else [])
    outside = _rounds_outside_licences(organisation, licences)
    if outside:
        errors.setdefault("end", []).append(_outside_message(outside))
    return errors


def agreement_delete_check(*, agreement: Agreement) -> str | None:
    """Why this agreement may not be deleted (rounds run under it as a licence), or None."""
    organisation = agreement.organisation
    licences = list(organisation.agreements.filter(kind=Agreement.Kind.LICENCE).exclude(pk=agreement.pk))
    outside = _rounds_outside_licences(organisation, licences)
    return _outside_message(outside) if outside else None


@unique_refused()
@transaction.atomic
def agreement_save(
    *,
    organisation: Organisation,
    agreement: Agreement | None = None,
    by: User | None = None,
    edit_version: int | None = None,
    **fields,
) -> Agreement:
    """Create or update an agreement; a licence may not shrink away from rounds already run under it."""
    unknown = set(fields) - set(AGREEMENT_FIELDS)
    if unknown:
        raise TypeError(f"agreement_save() got unexpected fields: {sorted(unknown)}")
    a = agreement if agreement is not None else Agreement(organisation=organisation)
    edit_version_claim(a, edit_version)
    for name, value in fields.items():
        setattr(a, name, value)
    if not a.country_id:  # an organisation working in one country only: that one
        a.country = country_guess([organisation])
    errors = agreement_check(organisation=organisation, agreement=a)
    if errors:
        raise ValidationError(errors)
    a.full_clean()
    a.save()
    return a


@transaction.atomic
def agreement_delete(*, agreement: Agreement, by: User | None = None) -> None:
    reason = agreement_delete_check(agreement=agreement)
    if reason:
        raise ValidationError(reason)
    agreement.delete()


# --- Partner memberships (a user works for one organisation) ----------------------------------------


@unique_refused()
@transaction.atomic
def partner_membership_set(*, user: User, organisation: Organisation, by: User | None) -> PartnerMembership:
    """Make the user a member of the organisation (moving them from any other); history records who did it."""
    membership = PartnerMembership.objects.select_for_update().filter(user=user).first()
    if membership is None:
        membership = PartnerMembership(user=user, organisation=organisation)
    elif membership.organisation_id == organisation.pk:
        return membership
    membership.organisation = organisation
    membership._history_user = by
    membership.save()
    return membership


@transaction.atomic
def partner_membership_end(*, user: User, by: User | None) -> None:
    """The user no longer works for a partner organisation (the history keeps that they did)."""
    for membership in PartnerMembership.objects.select_for_update().filter(user=user):
        membership._history_user = by
        membership.delete()


# --- Country assignments (an officer's or an editor's countries) ------------------------------------------------


@transaction.atomic
def country_assignment_set(
    *, user: User, countries: Iterable[Country] = (), all_countries: bool = False, by: User | None
) -> CountryAssignment:
    """The countries an officer works for, or all of them (``all_countries``: the global team), or those whose
    newsletter an editor edits; history records who gave them."""
    countries = list(countries)
    if not all_countries and not countries:
        raise ValidationError({"countries": [_("Choose the countries the person works for, or all countries.")]})
    assignment = CountryAssignment.objects.select_for_update().filter(user=user).first()
    if assignment is None:
        assignment = CountryAssignment(user=user)
    assignment.all_countries = all_countries
    assignment._history_user = by
    assignment.save()
    assignment.countries.set([] if all_countries else countries)
    user.__dict__.pop("_country_ids", None)
    return assignment


@transaction.atomic
def country_assignment_end(*, user: User, by: User | None) -> None:
    """The person no longer works for countries as an officer or an editor (the history keeps that they did)."""
    for assignment in CountryAssignment.objects.select_for_update().filter(user=user):
        assignment._history_user = by
        assignment.delete()
    user.__dict__.pop("_country_ids", None)


def country_assignment_label(user: User) -> str:
    """Which countries, in words: "all countries", "China, Viet Nam", or "" without an assignment."""
    assignment = CountryAssignment.objects.filter(user=user).first()
    if assignment is None:
        return ""
    if assignment.all_countries:
        return _("all countries")
    return ", ".join(c.name for c in assignment.countries.order_by("name"))


# --- Country programmes and their regions -------------------------------------------------------------------

COUNTRY_FIELDS = ("code", "name", "time_zone", "currency", "languages", *Country.OFFICE_FIELDS, "illustrative")

RegionUse = Callable[[Region], str | None]
_region_uses: list[RegionUse] = []


def register_region_use(describe: RegionUse) -> RegionUse:
    """Whatever comes to name a region (rounds, enterprises, organisations: issue 22) adds ``describe(region)``,
    which says what uses it ("3 training rounds") or None; a region in use is not removed."""
    if describe not in _region_uses:
        _region_uses.append(describe)
    return describe


def _country_set(country: Country, by: User | None, fields: dict) -> Country:
    unknown = set(fields) - set(COUNTRY_FIELDS)
    if unknown:
        raise TypeError(f"country fields unknown: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(country, name, value.strip() if isinstance(value, str) else value)
    country._history_user = by
    country.full_clean()
    country.save()
    return country


@unique_refused()
@transaction.atomic
def country_create(*, by: User | None = None, **fields) -> Country:
    """A new country programme (code, name, time zone, currency, content languages, office)."""
    return _country_set(Country(), by, fields)


@unique_refused()
@transaction.atomic
def country_update(*, country: Country, by: User | None = None, edit_version: int | None = None, **fields) -> Country:
    """Change a country programme. A new time zone changes what "today" is from now on and nothing stored: dates
    are stored as dates (a round's start stays the day it was), moments as UTC."""
    locked = Country.objects.select_for_update().get(pk=country.pk)
    edit_version_claim(locked, edit_version)
    return _country_set(locked, by, fields)


def _region_taken(country: Country, name: str) -> ValidationError:
    return ValidationError(
        {"name": [_("%(country)s already has a region named %(name)s.") % {"country": country.name, "name": name}]}
    )


@unique_refused(
    {"region_unique_name_per_country": lambda: ValidationError({"name": [_("This region exists already.")]})}
)
@transaction.atomic
def region_add(*, country: Country, name: str, kind: str = Region.Kind.PROVINCE, by: User | None = None) -> Region:
    """A province, state or city of the country; one name once per country (letter case aside)."""
    name = " ".join((name or "").split())
    if name and country.regions.filter(name__iexact=name).exists():
        raise _region_taken(country, name)
    region = Region(country=country, name=name, kind=kind)
    region._history_user = by
    region.full_clean()
    region.save()
    return region


@unique_refused(
    {
        "exchange_rate_unique_currency_year": lambda: ValidationError(
            {"year": [_("This currency already has a rate for this year.")]}
        )
    }
)
@transaction.atomic
def exchange_rate_set(*, currency: str, year: int, units_per_usd, by: User | None = None) -> ExchangeRate:
    """Set the currency's rate for the year: a new rate, or the year's rate corrected (one rate per currency and
    year). Figures converted to US dollars use it from the next time they are counted."""
    rate = ExchangeRate.objects.select_for_update().filter(currency=currency, year=year).first()
    rate = rate or ExchangeRate(currency=currency, year=year)
    rate.units_per_usd = units_per_usd
    rate._history_user = by
    rate.full_clean()
    rate.save()
    return rate


@transaction.atomic
def exchange_rate_remove(*, rate: ExchangeRate, by: User | None = None) -> None:
    """Remove a rate: figures in US dollars then leave the currency's rounds of that year out, and say so."""
    rate._history_user = by
    rate.delete()


def region_remove_check(*, region: Region) -> str | None:
    """Why the region may not be removed (records name it), or None."""
    uses = [use for describe in _region_uses if (use := describe(region))]
    if not uses:
        return None
    return _("%(region)s cannot be removed while records name it: %(uses)s.") % {
        "region": region.name,
        "uses": "; ".join(uses),
    }


@transaction.atomic
def region_remove(*, region: Region, by: User | None = None) -> None:
    """Remove a region no record names (the history keeps that it existed)."""
    locked = Region.objects.select_for_update().get(pk=region.pk)
    reason = region_remove_check(region=locked)
    if reason:
        raise ValidationError(reason)
    locked._history_user = by
    locked.delete()
