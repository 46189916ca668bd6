"""Every write to enterprises, their participation in rounds and factory visits.

The rule that lives here: an enterprise takes Module 1 before any other module, unless an officer records
an exception with a reason (``Participation.module_order_exception``).

What is kept from participations, rounds and organisation links (scope, modules taken, a round's counts) is
worked out again by the service that changes them, in its transaction (``derived_refresh``); a round saved in
programmes.services calls ``_round_saved`` here. ``derived_rebuild`` (``manage.py rebuild_derived``) rebuilds it
all from the sources.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core import roles
from core.editing import edit_version_claim
from core.integrity import unique_refused
from programmes.models import TrainingRound
from programmes.selectors import rounds_visible_to
from programmes.services import (
    country_guess,
    register_organisation_country_use,
    register_round_check,
    register_round_saved,
    works_in_check,
)
from trainers.models import RoundTrainer, Trainer

from .derived import round_enterprises
from .models import Enterprise, FactoryVisit, Participation
from .scope import reach_rebuild, reach_refresh
from .taken import taken_rebuild, taken_refresh
from .tally import tally_rebuild, tally_refresh

ENTERPRISE_FIELDS = ("name", "sector", "country", "province", "city", "workers_women", "workers_men", "notes")
ATTENDANCE_FIELDS = ("managers_women", "managers_men", "workers_women", "workers_men")


def _refuse_if_cancelled(training_round: TrainingRound) -> None:
    if training_round.status == TrainingRound.Status.CANCELLED:
        raise ValidationError(_("This round is cancelled: it cannot be changed."))


# --- Module 1 first ---------------------------------------------------------------------------------------


def took_module_1_by(*, enterprise_id: int, day, exclude_round_id: int | None = None) -> bool:
    """True when the enterprise takes part in a Module 1 round (not cancelled) that starts on or before ``day``."""
    qs = Participation.objects.filter(
        enterprise_id=enterprise_id, training_round__module__code="M1", training_round__start__lte=day
    ).exclude(training_round__status=TrainingRound.Status.CANCELLED)
    if exclude_round_id:
        qs = qs.exclude(training_round_id=exclude_round_id)
    return qs.exists()


def module_order_check(
    *, training_round: TrainingRound, enterprise: Enterprise, exception: str, by: User | None
) -> dict[str, list[str]]:
    if training_round.module.is_foundation:
        return {}
    if exception.strip():
        if by is not None and not roles.is_officer(by):
            return {
                "module_order_exception": [_("Only a project officer may record an exception to 'Module 1 first'.")]
            }
        return {}
    if took_module_1_by(enterprise_id=enterprise.pk, day=training_round.start):
        return {}
    return {
        "enterprise": [
            _(
                "%(enterprise)s has not taken Module 1 by %(day)s: an enterprise takes Module 1 before any other "
                "module. An officer may record an exception with a reason."
            )
            % {"enterprise": enterprise.name, "day": date_format(training_round.start)}
        ]
    }


@register_round_check
def _participants_still_in_order(training_round: TrainingRound) -> dict[str, list[str]]:
    """When a round's module or start changes, its enterprises must still have taken Module 1 first."""
    if training_round.pk is None or training_round.module.is_foundation:
        return {}
    failing = [
        p.enterprise.name
        for p in Participation.objects.filter(
            training_round_id=training_round.pk, module_order_exception=""
        ).select_related("enterprise")
        if not took_module_1_by(
            enterprise_id=p.enterprise_id, day=training_round.start, exclude_round_id=training_round.pk
        )
    ]
    if not failing:
        return {}
    return {
        "module": [
            _(
                "With this module and start date, these enterprises would take it before Module 1: %(names)s. "
                "Record an exception for each on the round's page first."
            )
            % {"names": ", ".join(failing)}
        ]
    }


@register_round_check
def _participants_in_its_country(training_round: TrainingRound) -> dict[str, list[str]]:
    """A round's enterprises are of its country: a round with enterprises does not move to another country."""
    if training_round.pk is None or not training_round.country_id:
        return {}
    elsewhere = Participation.objects.filter(training_round_id=training_round.pk).exclude(
        enterprise__country_id=training_round.country_id
    )
    names = list(elsewhere.values_list("enterprise__name", flat=True)[:5])
    if not names:
        return {}
    return {
        "country": [
            _("These enterprises of the round are in another country: %(names)s.") % {"names": ", ".join(names)}
        ]
    }


@register_organisation_country_use
def _enterprises_brought_in(organisation, country) -> str | None:
    count = Enterprise.objects.filter(organisations=organisation, country=country).count()
    if not count:
        return None
    return ngettext("%(count)d enterprise brought in", "%(count)d enterprises brought in", count) % {"count": count}


def enterprise_country_check(*, enterprise: Enterprise, organisations) -> dict[str, list[str]]:
    """The organisations that brought the enterprise in work in its country, and its rounds are of that country."""
    if not enterprise.country_id:
        return {"country": [_("Choose the country programme the enterprise belongs to.")]}
    errors = works_in_check(country=enterprise.country, organisations=organisations, field="organisations")
    if enterprise.pk:
        elsewhere = Participation.objects.filter(enterprise_id=enterprise.pk).exclude(
            training_round__country_id=enterprise.country_id
        )
        if elsewhere.exists():
            errors.setdefault("country", []).append(
                _("The enterprise took part in rounds of another country: it stays in that country.")
            )
    return errors


def attendance_check(counts: dict) -> dict[str, list[str]]:
    errors = {}
    for field in ATTENDANCE_FIELDS:
        value = counts.get(field, 0)
        if value is None or value < 0:
            errors[field] = [_("Attendance counts cannot be negative.")]
    return errors


# --- What is kept from participations, rounds and organisation links -------------------------------------------


def derived_refresh(*, enterprise_ids: Iterable[int] = (), round_ids: Iterable[int] = ()) -> None:
    """Work out again, from their sources, which organisations reach these enterprises and which modules they have
    taken, and these rounds' counts; in the caller's transaction. The services below call it; code that writes
    participations, rounds or organisation links without them (a bulk load) calls it too."""
    enterprise_ids = list(enterprise_ids)
    reach_refresh(enterprise_ids=enterprise_ids)
    taken_refresh(enterprise_ids=enterprise_ids)
    tally_refresh(round_ids=round_ids)


@register_round_saved
def _round_saved(training_round: TrainingRound) -> None:
    """A round's organiser, co-organisers, module or status may have changed: what its enterprises keep from it."""
    ids = round_enterprises([training_round.pk])
    reach_refresh(enterprise_ids=ids)
    taken_refresh(enterprise_ids=ids)


def derived_rebuild() -> None:
    """Every derived table again from its sources, each in one transaction (``manage.py rebuild_derived``)."""
    reach_rebuild()
    taken_rebuild()
    tally_rebuild()


# --- Enterprises ----------------------------------------------------------------------------------------


@unique_refused()
@transaction.atomic
def enterprise_save(
    *,
    enterprise: Enterprise | None = None,
    organisations=None,
    by: User | None = None,
    edit_version: int | None = None,
    **fields,
) -> Enterprise:
    unknown = set(fields) - set(ENTERPRISE_FIELDS)
    if unknown:
        raise TypeError(f"enterprise_save() got unexpected fields: {sorted(unknown)}")
    e = enterprise if enterprise is not None else Enterprise()
    edit_version_claim(e, edit_version)
    for name, value in fields.items():
        setattr(e, name, value)
    organisations = list(organisations) if organisations is not None else None
    if not e.country_id and organisations:  # brought in by organisations of one country only: that one
        e.country = country_guess(organisations)
    errors = enterprise_country_check(
        enterprise=e,
        organisations=organisations if organisations is not None else (e.organisations.all() if e.pk else []),
    )
    if errors:
        raise ValidationError(errors)
    for field in ("workers_women", "workers_men"):
        value = getattr(e, field)
        if value is not None and value < 0:
            raise ValidationError({field: [_("Workforce counts cannot be negative.")]})
    e.full_clean()
    e.save()
    if organisations is not None:
        e.organisations.set(organisations)
        reach_refresh(enterprise_ids=[e.pk])
    return e


# --- Participation ------------------------------------------------------------------------------------------


def participation_validate(*, participation: Participation, by: User | None) -> None:
    """Every rule for an enterprise in a round (proposed values); raises ValidationError by field."""
    p = participation
    errors = attendance_check({f: getattr(p, f) for f in ATTENDANCE_FIELDS})
    if p.enterprise.country_id != p.training_round.country_id:
        errors.setdefault("enterprise", []).append(
            _("%(enterprise)s is in %(country)s: a round takes enterprises of its own country.")
            % {"enterprise": p.enterprise.name, "country": p.enterprise.country.name}
        )
    duplicate = Participation.objects.filter(training_round=p.training_round, enterprise=p.enterprise).exclude(pk=p.pk)
    if duplicate.exists():
        errors.setdefault("enterprise", []).extend(_already_in_round(p.enterprise).messages)
    else:
        stored = Participation.objects.filter(pk=p.pk).values_list("module_order_exception", flat=True).first()
        unchanged = p.pk is not None and (stored or "").strip() == p.module_order_exception.strip()
        for field, messages in module_order_check(
            training_round=p.training_round,
            enterprise=p.enterprise,
            exception=p.module_order_exception,
            by=None if unchanged else by,  # who may record an exception matters when it changes
        ).items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def participation_add(
    *,
    training_round: TrainingRound,
    enterprise: Enterprise,
    managers_women: int = 0,
    managers_men: int = 0,
    workers_women: int = 0,
    workers_men: int = 0,
    module_order_exception: str = "",
    by: User | None = None,
) -> Participation:
    _refuse_if_cancelled(training_round)
    p = Participation(
        training_round=training_round,
        enterprise=enterprise,
        managers_women=managers_women,
        managers_men=managers_men,
        workers_women=workers_women,
        workers_men=workers_men,
        module_order_exception=module_order_exception.strip(),
    )
    participation_validate(participation=p, by=by)
    p.full_clean()
    with unique_refused({"participation_unique": lambda: _already_in_round(enterprise)}):
        p.save()
    derived_refresh(enterprise_ids=[p.enterprise_id], round_ids=[p.training_round_id])
    return p


def _already_in_round(enterprise: Enterprise) -> ValidationError:
    return ValidationError(
        {"enterprise": _("%(enterprise)s already takes part in this round.") % {"enterprise": enterprise.name}}
    )


def _require_recorder(training_round: TrainingRound, by: User | None) -> None:
    """Officers record in any round, trainers in the rounds they deliver (None: the demo loader, commands)."""
    if by is None or roles.is_officer(by):
        return
    if not (roles.is_trainer(by) and rounds_visible_to(by).filter(pk=training_round.pk).exists()):
        raise PermissionDenied(_("Only project officers and the round's trainers record what happened in it."))


@transaction.atomic
def participation_update(
    *, participation: Participation, by: User | None = None, edit_version: int | None = None, **fields
) -> Participation:
    """Change the attendance counts (officers and the round's trainers) or the 'Module 1 first' exception
    (officers)."""
    unknown = set(fields) - {*ATTENDANCE_FIELDS, "module_order_exception"}
    if unknown:
        raise TypeError(f"participation_update() got unexpected fields: {sorted(unknown)}")
    _require_recorder(participation.training_round, by)
    _refuse_if_cancelled(participation.training_round)
    edit_version_claim(participation, edit_version)
    for name, value in fields.items():
        setattr(participation, name, value.strip() if isinstance(value, str) else value)
    participation_validate(participation=participation, by=by)
    participation.full_clean()
    with unique_refused({"participation_unique": lambda: _already_in_round(participation.enterprise)}):
        participation.save()
    tally_refresh(round_ids=[participation.training_round_id])  # the counts changed, not who takes part
    return participation


def participation_remove_check(*, participation: Participation) -> str | None:
    """Why this participation may not be removed (a cancelled round, factory visits, later modules relying on
    this Module 1 round), or None."""
    if participation.training_round.status == TrainingRound.Status.CANCELLED:
        return _("This round is cancelled: it cannot be changed.")
    if FactoryVisit.objects.filter(
        training_round=participation.training_round_id, enterprise=participation.enterprise_id
    ).exists():
        return _("This enterprise has factory visits in this round: remove those visits first.")
    if participation.training_round.module.is_foundation:
        later = (
            Participation.objects.filter(enterprise=participation.enterprise_id, module_order_exception="")
            .exclude(training_round__module__code="M1")
            .exclude(training_round__status=TrainingRound.Status.CANCELLED)
            .select_related("training_round__module")
        )
        orphans = [
            p.training_round
            for p in later
            if not took_module_1_by(
                enterprise_id=participation.enterprise_id,
                day=p.training_round.start,
                exclude_round_id=participation.training_round_id,
            )
        ]
        if orphans:
            return _("Later modules of this enterprise rely on this Module 1 round: %(rounds)s.") % {
                "rounds": ", ".join(str(r) for r in orphans)
            }
    return None


@transaction.atomic
def participation_remove(*, participation: Participation, by: User | None = None) -> None:
    reason = participation_remove_check(participation=participation)
    if reason:
        raise ValidationError(reason)
    participation.delete()
    derived_refresh(enterprise_ids=[participation.enterprise_id], round_ids=[participation.training_round_id])


# --- Factory visits ----------------------------------------------------------------------------------------------


def factory_visit_check(
    *, training_round: TrainingRound, enterprise: Enterprise | None, trainer: Trainer | None, visited_on
) -> dict[str, list[str]]:
    """A visit is to an enterprise of the round, by a trainer of the round, once the round has started."""
    errors: dict[str, list[str]] = {}
    if enterprise and not Participation.objects.filter(training_round=training_round, enterprise=enterprise).exists():
        errors["enterprise"] = [_("%(enterprise)s does not take part in this round.") % {"enterprise": enterprise.name}]
    if trainer and not RoundTrainer.objects.filter(training_round=training_round, trainer=trainer).exists():
        errors["trainer"] = [_("%(trainer)s does not deliver this round.") % {"trainer": trainer.name}]
    if visited_on and visited_on < training_round.start:
        errors["visited_on"] = [
            _("A factory visit cannot be before the round starts (%(day)s).")
            % {"day": date_format(training_round.start)}
        ]
    return errors


@transaction.atomic
def factory_visit_add(
    *,
    training_round: TrainingRound,
    enterprise: Enterprise,
    trainer: Trainer,
    visited_on,
    notes: str = "",
    by: User | None = None,
) -> FactoryVisit:
    _require_recorder(training_round, by)
    _refuse_if_cancelled(training_round)
    errors = factory_visit_check(
        training_round=training_round, enterprise=enterprise, trainer=trainer, visited_on=visited_on
    )
    if errors:
        raise ValidationError(errors)
    visit = FactoryVisit(
        training_round=training_round, enterprise=enterprise, trainer=trainer, visited_on=visited_on, notes=notes
    )
    visit.full_clean()
    visit.save()
    return visit


def factory_visit_remove_check(*, visit: FactoryVisit) -> str | None:
    """Why this visit may not be removed (its round is cancelled), or None."""
    if visit.training_round.status == TrainingRound.Status.CANCELLED:
        return _("This round is cancelled: it cannot be changed.")
    return None


@transaction.atomic
def factory_visit_remove(*, visit: FactoryVisit, by: User | None = None) -> None:
    _require_recorder(visit.training_round, by)
    _refuse_if_cancelled(visit.training_round)
    visit.delete()
