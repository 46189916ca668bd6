"""Every write to trainers, their qualifications and who delivers a round.

The rule that lives here: a ToE round's trainers hold a qualification for the round's module that is valid
on the round's start date (ToT candidates excepted: they are being trained, or delivering their supervised
cycle).
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.editing import edit_version_claim
from core.integrity import unique_refused
from programmes.models import Country, Module, TrainingRound
from programmes.services import register_round_check

from .models import Qualification, RoundTrainer, Trainer, TrainerAccount

TRAINER_FIELDS = ("name", "sex", "organisation", "role", "position", "email", "phone", "photo", "active", "notes")


def _needs_qualification(training_round: TrainingRound, role: str) -> bool:
    return training_round.trains_enterprises and role != RoundTrainer.Role.CANDIDATE


def qualified_on(*, trainer: Trainer, module: Module, day, qualifications=None) -> bool:
    if qualifications is None:
        qualifications = trainer.qualifications.filter(module=module)
    return any(q.module_id == module.pk and q.valid_on(day) for q in qualifications)


def _not_qualified_message(trainer: Trainer, training_round: TrainingRound) -> str:
    return _(
        "%(trainer)s is not qualified for %(module)s on %(day)s, the round's start: a ToE round's trainers must "
        "hold a valid qualification for its module (add the qualification, or give the role 'Trainee (ToT "
        "candidate)')."
    ) % {"trainer": trainer.name, "module": training_round.module, "day": date_format(training_round.start)}


def _works_in(trainer: Trainer, country_id: int | None) -> bool:
    return country_id is None or trainer.countries.filter(pk=country_id).exists()


def _not_in_country_message(trainer: Trainer, training_round: TrainingRound) -> str:
    return _(
        "%(trainer)s does not work in %(country)s: a trainer delivers rounds in the countries they work in (add "
        "the country to the trainer first)."
    ) % {"trainer": trainer.name, "country": training_round.country.name}


def round_trainer_check(*, training_round: TrainingRound, trainer: Trainer, role: str) -> dict[str, list[str]]:
    """The country and qualification rules for one trainer in one round (proposed values), as {field: [messages]}."""
    if not _works_in(trainer, training_round.country_id):
        return {"trainer": [_not_in_country_message(trainer, training_round)]}
    if not _needs_qualification(training_round, role):
        return {}
    if qualified_on(trainer=trainer, module=training_round.module, day=training_round.start):
        return {}
    return {"trainer": [_not_qualified_message(trainer, training_round)]}


@register_round_check
def _round_trainers_in_its_country(training_round: TrainingRound) -> dict[str, list[str]]:
    """A round's trainers work in its country: a round does not move to a country its trainers do not work in."""
    if training_round.pk is None or not training_round.country_id:
        return {}
    outside = (
        RoundTrainer.objects.filter(training_round_id=training_round.pk)
        .exclude(trainer__countries=training_round.country_id)
        .values_list("trainer__name", flat=True)
    )
    names = list(outside[:5])
    if not names:
        return {}
    return {
        "country": [
            _("These trainers of the round do not work in %(country)s: %(names)s.")
            % {"country": training_round.country.name, "names": ", ".join(names)}
        ]
    }


@register_round_check
def _round_trainers_still_qualified(training_round: TrainingRound) -> dict[str, list[str]]:
    """When a round's module, kind or start changes, its trainers must still be qualified."""
    if training_round.pk is None or not training_round.trains_enterprises:
        return {}
    assigned = (
        RoundTrainer.objects.filter(training_round_id=training_round.pk)
        .exclude(role=RoundTrainer.Role.CANDIDATE)
        .select_related("trainer")
        .prefetch_related("trainer__qualifications")
    )
    failing = [
        rt.trainer.name
        for rt in assigned
        if not qualified_on(
            trainer=rt.trainer,
            module=training_round.module,
            day=training_round.start,
            qualifications=rt.trainer.qualifications.all(),
        )
    ]
    if not failing:
        return {}
    return {
        "start": [
            _(
                "With this module and start date, these trainers would not be qualified: %(names)s. A ToE round's "
                "trainers must hold a valid qualification for its module on its start date."
            )
            % {"names": ", ".join(failing)}
        ]
    }


def _refuse_if_cancelled(training_round: TrainingRound) -> None:
    if training_round.status == TrainingRound.Status.CANCELLED:
        raise ValidationError(_("This round is cancelled: it cannot be changed."))


# --- Trainers ------------------------------------------------------------------------------------------------


@unique_refused()
@transaction.atomic
def trainer_save(
    *,
    trainer: Trainer | None = None,
    countries=None,
    by: User | None = None,
    edit_version: int | None = None,
    **fields,
) -> Trainer:
    """Create (trainer=None) or update a trainer. ``countries``: where they work (a new trainer without them works
    in their organisation's countries when it works in one only); a country whose rounds they deliver is kept."""
    unknown = set(fields) - set(TRAINER_FIELDS)
    if unknown:
        raise TypeError(f"trainer_save() got unexpected fields: {sorted(unknown)}")
    t = trainer if trainer is not None else Trainer()
    edit_version_claim(t, edit_version)
    for name, value in fields.items():
        setattr(t, name, value)
    if countries is None and t.pk is None and t.organisation_id:
        countries = list(t.organisation.countries.all())
    if countries is not None:
        countries = list(countries)
        errors = trainer_countries_check(trainer=t, countries=countries)
        if errors:
            raise ValidationError(errors)
    elif t.pk is None:
        raise ValidationError({"countries": [_("Choose the countries the trainer works in (one at least).")]})
    t.full_clean()
    t.save()
    if countries is not None:
        t.countries.set(countries)
    return t


def trainer_countries_check(*, trainer: Trainer, countries: list[Country]) -> dict[str, list[str]]:
    """A trainer works in one country at least, and keeps every country of the rounds they deliver."""
    if not countries:
        return {"countries": [_("Choose the countries the trainer works in (one at least).")]}
    if trainer.pk is None:
        return {}
    kept = [c.pk for c in countries]
    dropped = (
        RoundTrainer.objects.filter(trainer=trainer)
        .exclude(training_round__country_id__in=kept)
        .values_list("training_round__country__name", flat=True)
        .distinct()
    )
    names = sorted(set(dropped))
    if not names:
        return {}
    return {
        "countries": [
            _("%(trainer)s delivers rounds in %(countries)s: those countries stay.")
            % {"trainer": trainer.name, "countries": ", ".join(names)}
        ]
    }


@unique_refused()
@transaction.atomic
def qualification_add(
    *, trainer: Trainer, module: Module, qualified_on, expires_on=None, tot_round=None, by: User | None = None
) -> Qualification:
    q = Qualification(
        trainer=trainer, module=module, qualified_on=qualified_on, expires_on=expires_on, tot_round=tot_round
    )
    if expires_on and qualified_on and expires_on <= qualified_on:
        raise ValidationError({"expires_on": [_("A qualification must expire after the date it was awarded.")]})
    q.full_clean()
    q.save()
    return q


def _rounds_relying_on(qualification: Qualification) -> list[TrainingRound]:
    """ToE rounds this trainer delivers for the module that only this qualification covers."""
    others = list(qualification.trainer.qualifications.filter(module=qualification.module).exclude(pk=qualification.pk))
    assignments = (
        RoundTrainer.objects.filter(
            trainer=qualification.trainer,
            training_round__module=qualification.module,
            training_round__kind__in=[TrainingRound.Kind.TOE, TrainingRound.Kind.BOTH],
        )
        .exclude(role=RoundTrainer.Role.CANDIDATE)
        .exclude(training_round__status=TrainingRound.Status.CANCELLED)
        .select_related("training_round__module")
    )
    rounds = [a.training_round for a in assignments]
    return [r for r in rounds if qualification.valid_on(r.start) and not any(o.valid_on(r.start) for o in others)]


def qualification_remove_check(*, qualification: Qualification) -> str | None:
    """Why this qualification may not be removed (a round relies on it), or None."""
    relying = _rounds_relying_on(qualification)
    if not relying:
        return None
    return _(
        "This qualification is what lets %(trainer)s deliver: %(rounds)s. Remove the trainer from those rounds first."
    ) % {"trainer": qualification.trainer.name, "rounds": ", ".join(str(r) for r in relying)}


@transaction.atomic
def qualification_remove(*, qualification: Qualification, by: User | None = None) -> None:
    reason = qualification_remove_check(qualification=qualification)
    if reason:
        raise ValidationError(reason)
    qualification.delete()


# --- Trainers in rounds --------------------------------------------------------------------------------------


@transaction.atomic
def round_trainer_add(
    *, training_round: TrainingRound, trainer: Trainer, role: str = RoundTrainer.Role.LEAD, by: User | None = None
) -> RoundTrainer:
    _refuse_if_cancelled(training_round)
    already = ValidationError({"trainer": [_("%(trainer)s is already in this round.") % {"trainer": trainer.name}]})
    if RoundTrainer.objects.filter(training_round=training_round, trainer=trainer).exists():
        raise already
    errors = round_trainer_check(training_round=training_round, trainer=trainer, role=role)
    if errors:
        raise ValidationError(errors)
    rt = RoundTrainer(training_round=training_round, trainer=trainer, role=role)
    rt.full_clean()
    with unique_refused({"round_trainer_unique": already}):
        rt.save()
    return rt


def round_trainer_remove_check(*, round_trainer: RoundTrainer) -> str | None:
    """Why this trainer may not be taken off the round (the round is cancelled), or None."""
    if round_trainer.training_round.status == TrainingRound.Status.CANCELLED:
        return _("This round is cancelled: it cannot be changed.")
    return None


@transaction.atomic
def round_trainer_remove(*, round_trainer: RoundTrainer, by: User | None = None) -> None:
    _refuse_if_cancelled(round_trainer.training_round)
    round_trainer.delete()


# --- Trainer accounts (a portal user who is a trainer) -------------------------------------------------


@unique_refused()
@transaction.atomic
def trainer_account_set(*, user: User, trainer: Trainer, by: User | None) -> TrainerAccount:
    """Make the user the portal account of this trainer record; a trainer record has one account at most."""
    taken = TrainerAccount.objects.filter(trainer=trainer).exclude(user=user).select_related("user").first()
    if taken is not None:
        raise ValidationError(
            {"trainer": _("%(trainer)s already has an account (%(user)s).") % {"trainer": trainer, "user": taken.user}}
        )
    account = TrainerAccount.objects.select_for_update().filter(user=user).first()
    if account is None:
        account = TrainerAccount(user=user, trainer=trainer)
    elif account.trainer_id == trainer.pk:
        return account
    account.trainer = trainer
    account._history_user = by
    account.save()
    return account


@transaction.atomic
def trainer_account_end(*, user: User, by: User | None) -> None:
    for account in TrainerAccount.objects.select_for_update().filter(user=user):
        account._history_user = by
        account.delete()
