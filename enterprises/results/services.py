"""Every write to improvement results, their KPI lines, photo pairs, approval steps and the KPI catalogue.

Forms, the admin, the Excel/CSV import and the demo loader call these functions, so each rule (scope,
who may edit when, the approval steps) is checked once. Each sets ``_history_user`` on what it saves so
django-simple-history records who did it even outside a request (imports, commands, benchmarks).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from core import datacache, roles
from core.editing import edit_version_claim
from core.integrity import unique_refused
from core.mail import email_notify
from core.translated import Translations, texts_set
from enterprises.models import KPI, Enterprise, KPILine, PhotoPair, Result, ResultStep
from enterprises.selectors import enterprises_of_organisation, enterprises_visible_to
from programmes.models import Module, Organisation, TrainingRound
from programmes.selectors import rounds_of_organisation, rounds_visible_to

from . import photos

EDITABLE = (Result.Status.DRAFT, Result.Status.RETURNED)
BATCH = 1000  # rows per INSERT in the bulk services

# The approval steps: (from, to) -> who may take it.
OFFICER, AUTHOR_ORG = "officer", "author_org"
TRANSITIONS: dict[tuple[str, str], str] = {
    (Result.Status.DRAFT, Result.Status.SUBMITTED): AUTHOR_ORG,
    (Result.Status.RETURNED, Result.Status.SUBMITTED): AUTHOR_ORG,
    (Result.Status.SUBMITTED, Result.Status.APPROVED): OFFICER,
    (Result.Status.SUBMITTED, Result.Status.RETURNED): OFFICER,
}


class ResultNotAllowed(PermissionDenied):
    """The user may see the result but not do this to it (now)."""


# --- Who may do what (reads; the services below enforce them) ---------------------------------


def result_is_own(*, result: Result, user) -> bool:
    """A partner's results are its organisation's; an officer or a trainer who entered a result on behalf of
    an organisation answers for that one."""
    org_id = roles.partner_organisation_id(user)
    if org_id is not None:
        return result.organisation_id == org_id
    if roles.is_officer(user) or roles.is_trainer(user):
        if result.author_id is not None and result.author_id == user.pk:
            return True
        # the officer who reopened an approved result corrects it (and another officer approves it again)
        return result.status in EDITABLE and roles.is_officer(user) and _reopened_by_id(result) == user.pk
    return False


def result_entered_on_behalf(*, result: Result) -> bool:
    """Whether someone outside the reporting organisation (an officer, a trainer) entered the result."""
    if result.author is None or result.organisation_id is None:
        return False
    return roles.partner_organisation_id(result.author) != result.organisation_id


def result_can_create(*, user) -> bool:
    return roles.is_partner(user) or roles.is_trainer(user) or roles.is_officer(user)


def result_can_import(*, user) -> bool:
    """Who may import results from a spreadsheet: partner users (the import enters drafts for their own
    organisation). The import views check it, and the pages show the import button only to them."""
    return roles.is_partner(user)


def result_can_edit(*, result: Result, user) -> bool:
    return result.status in EDITABLE and result_is_own(result=result, user=user)


def result_can_delete(*, result: Result, user) -> bool:
    return result.status == Result.Status.DRAFT and result_is_own(result=result, user=user)


def result_can_review(*, result: Result, user) -> bool:
    return (
        result.status == Result.Status.SUBMITTED and roles.is_officer(user) and _four_eyes_refusal(result, user) is None
    )


def result_can_reopen(*, result: Result, user) -> bool:
    return result.status == Result.Status.APPROVED and roles.is_officer(user)


def _reopened_by_id(result: Result) -> int | None:
    """Who reopened the result in its current round of corrections. Only a reopening takes a result out of
    'approved', so the latest one belongs to the present round whenever the result was ever approved."""
    return (
        ResultStep.objects.filter(result=result, from_status=Result.Status.APPROVED, to_status=Result.Status.RETURNED)
        .order_by("-at", "-pk")
        .values_list("by_id", flat=True)
        .first()
    )


def _four_eyes_refusal(result: Result, by) -> str | None:
    """Why ``by`` may not approve the result (None: they may). Whoever entered it, submitted it or reopened it for
    a correction does not approve it: another officer does. One query."""
    if result.author_id is not None and result.author_id == by.pk:
        return gettext("You entered this result: another officer approves it.")
    steps = ResultStep.objects.filter(result=result).filter(
        Q(to_status=Result.Status.SUBMITTED) | Q(from_status=Result.Status.APPROVED, to_status=Result.Status.RETURNED)
    )
    submitted_by = reopened_by = None
    for from_status, to_status, by_id in steps.order_by("-at", "-pk").values_list("from_status", "to_status", "by_id"):
        if to_status == Result.Status.SUBMITTED and submitted_by is None:
            submitted_by = by_id
        if from_status == Result.Status.APPROVED and reopened_by is None:
            reopened_by = by_id
    if reopened_by == by.pk:
        return gettext("You reopened this result: another officer approves it.")
    if submitted_by == by.pk:
        return gettext("You submitted this result: another officer approves it.")
    return None


def _require_edit(result: Result, by) -> None:
    if not result_is_own(result=result, user=by):
        raise ResultNotAllowed(gettext("Only the partner organisation that reported this result may change it."))
    if result.status not in EDITABLE:
        raise ResultNotAllowed(
            gettext("This result is %(status)s; only drafts and returned results can be changed.")
            % {"status": result.get_status_display().lower()}
        )


# --- Results ----------------------------------------------------------------------------------


def _step(result: Result, by, from_status: str, to_status: str, reason: str = "") -> ResultStep:
    return ResultStep.objects.create(result=result, from_status=from_status, to_status=to_status, by=by, reason=reason)


@transaction.atomic
def result_create(
    *,
    by: User,
    enterprise: Enterprise,
    module: Module,
    training_round: TrainingRound | None = None,
    title: str = "",
    narrative: str = "",
    translations: Translations | None = None,
    organisation: Organisation | None = None,
) -> Result:
    """Start a draft result. A partner's is its organisation's; a trainer's is the organisation that runs the
    round (one of theirs); an officer enters it on behalf of the organisation they name. The same approval
    follows for all."""
    org_id = _reporting_organisation_id(by, enterprise, training_round, organisation)
    _check_round(by, module, training_round)
    if Result.objects.filter(enterprise=enterprise, module=module).exists():
        raise _already_reported(enterprise, module)
    result = _new_draft(
        by,
        org_id,
        enterprise,
        module,
        training_round=training_round,
        title=title,
        narrative=narrative,
        translations=translations,
    )
    with unique_refused({"result_one_per_enterprise_module": lambda: _already_reported(enterprise, module)}):
        result.save()  # the same form sent twice at once: the second meets the constraint, not a 500
    _step(result, by, "", Result.Status.DRAFT)
    return result


class RowRefused(ValidationError):
    """One item of a batch was refused: ``index`` says which (0-based), the messages say why."""

    def __init__(self, index: int, error: ValidationError | ResultNotAllowed):
        super().__init__(error.messages if isinstance(error, ValidationError) else [str(error)])
        self.index = index


def _partner_org_id(by) -> int:
    org_id = roles.partner_organisation_id(by)
    if org_id is None:
        raise ResultNotAllowed(gettext("Only partner users enter results."))
    return org_id


def _not_yours() -> str:
    return gettext("This is not one of your organisation's enterprises.")


def _already_reported(enterprise: Enterprise, module: Module) -> ValidationError:
    return ValidationError(
        {
            "module": gettext("%(enterprise)s already has a result for %(module)s.")
            % {"enterprise": enterprise.name, "module": module.code}
        }
    )


def _new_draft(by, org_id: int, enterprise, module, *, training_round=None, translations=None, **texts) -> Result:
    result = Result(
        enterprise=enterprise,
        module=module,
        training_round=training_round,
        organisation_id=org_id,
        author=by,
        status=Result.Status.DRAFT,
        **{name: text.strip() for name, text in texts.items()},
    )
    texts_set(result, translations or {})
    result._history_user = by
    result.clean_fields(exclude=["enterprise", "module", "training_round", "organisation", "author"])
    return result


@unique_refused()
@transaction.atomic
def results_create_drafts(*, by: User, pairs: list[tuple[Enterprise, Module]]) -> list[Result]:
    """Start many draft results at once (the bulk import), with the rules of ``result_create``: the
    partner's own enterprises only, one result per enterprise and module. A few queries whatever the
    number; history and the 'draft' steps are written in bulk. Raises RowRefused for the first bad pair."""
    org_id = _partner_org_id(by)
    enterprise_ids = {e.pk for e, _m in pairs}
    own = set(enterprises_visible_to(by).filter(pk__in=enterprise_ids).values_list("pk", flat=True))
    taken = set(
        Result.objects.filter(enterprise__in=enterprise_ids).values_list("enterprise_id", "module_id").distinct()
    )
    drafts, seen = [], set()
    for i, (enterprise, module) in enumerate(pairs):
        try:
            if enterprise.pk not in own:
                raise ValidationError({"enterprise": _not_yours()})
            if (enterprise.pk, module.pk) in taken or (enterprise.pk, module.pk) in seen:
                raise _already_reported(enterprise, module)
            seen.add((enterprise.pk, module.pk))
            drafts.append(_new_draft(by, org_id, enterprise, module))
        except (ValidationError, ResultNotAllowed) as exc:
            raise RowRefused(i, exc) from exc
    drafts = bulk_create_with_history(drafts, Result, batch_size=BATCH, default_user=by)
    ResultStep.objects.bulk_create(
        [ResultStep(result=r, from_status="", to_status=Result.Status.DRAFT, by=by) for r in drafts], batch_size=BATCH
    )
    datacache.data_changed()  # bulk inserts send no signals
    return drafts


def _reporting_organisation_id(
    by, enterprise: Enterprise, training_round: TrainingRound | None, organisation: Organisation | None
) -> int:
    """The organisation a new result is reported for, once the user may enter it for this enterprise."""
    org_id = roles.partner_organisation_id(by)
    if org_id is not None:
        if not enterprises_visible_to(by).filter(pk=enterprise.pk).exists():
            raise ValidationError({"enterprise": _not_yours()})
        return org_id
    if roles.is_trainer(by):
        if not enterprises_visible_to(by).filter(pk=enterprise.pk).exists():
            raise ValidationError({"enterprise": gettext("This enterprise is not in one of the rounds you deliver.")})
        if training_round is None:
            raise ValidationError(
                {"training_round": gettext("Choose the round: the result is reported for the round's organisation.")}
            )
        return training_round.organiser_id
    if roles.is_officer(by):
        if organisation is None:
            raise ValidationError({"organisation": gettext("Choose the organisation this result is reported for.")})
        if not enterprises_of_organisation(organisation.pk).filter(pk=enterprise.pk).exists():
            raise ValidationError(
                {
                    "enterprise": gettext("%(enterprise)s is not one of %(organisation)s's enterprises.")
                    % {"enterprise": enterprise.name, "organisation": organisation}
                }
            )
        if (
            training_round is not None
            and not rounds_of_organisation(organisation.pk).filter(pk=training_round.pk).exists()
        ):
            raise ValidationError(
                {
                    "training_round": gettext("This round is not one of %(organisation)s's rounds.")
                    % {"organisation": organisation}
                }
            )
        return organisation.pk
    raise ResultNotAllowed(gettext("Only partner users, trainers and project officers enter results."))


def _check_round(by, module: Module, training_round: TrainingRound | None) -> None:
    if training_round is None:
        return
    if not rounds_visible_to(by).filter(pk=training_round.pk).exists():
        raise ValidationError({"training_round": gettext("This is not one of your organisation's rounds.")})
    if training_round.module_id != module.pk:
        raise ValidationError({"training_round": gettext("This round delivered another module.")})


@transaction.atomic
def result_update(
    *,
    result: Result,
    by: User,
    title: str,
    narrative: str,
    training_round: TrainingRound | None = None,
    translations: Translations | None = None,
    edit_version: int | None = None,
) -> Result:
    """Change a draft or returned result's headline, narrative (and their text in the languages ``translations``
    names, ``{"zh-hans": {"title": ..., "narrative": ...}}``; the others stay) and round
    (the author stays who it was). ``edit_version``: the version the editor started from (EditConflict when
    someone else saved since)."""
    result = Result.objects.select_for_update().get(pk=result.pk)
    _require_edit(result, by)
    edit_version_claim(result, edit_version)
    _check_round(by, result.module, training_round)
    result.title, result.narrative, result.training_round = title.strip(), narrative.strip(), training_round
    texts_set(result, translations or {})
    result._history_user = by
    result.full_clean()
    result.save()
    return result


@transaction.atomic
def result_delete(*, result: Result, by: User) -> None:
    """Delete a draft that was never submitted, with its KPI lines and photos (history keeps the record)."""
    result = Result.objects.select_for_update().get(pk=result.pk)
    if not result_can_delete(result=result, user=by):
        raise ResultNotAllowed(gettext("Only your organisation's drafts can be deleted."))
    for pair in result.photo_pairs.select_related("before", "after"):
        photo_pair_delete(pair=pair, by=by)
    for line in result.kpi_lines.all():
        line._history_user = by
        line.delete()
    result._history_user = by
    result.delete()


@transaction.atomic
def result_transition(*, result: Result, by: User, to: str, reason: str = "") -> Result:
    """Move a result one approval step, record who, when and why, and tell the people concerned."""
    locked = Result.objects.select_for_update(of=("self",)).select_related("enterprise", "module", "author")
    result = locked.get(pk=result.pk)
    who = TRANSITIONS.get((result.status, to))
    if who is None:
        raise ResultNotAllowed(
            gettext("A %(status)s result cannot be %(action)s.")
            % {"status": result.get_status_display().lower(), "action": Result.Status(to).label.lower()}
        )
    if who == OFFICER and not roles.is_officer(by):
        raise ResultNotAllowed(gettext("Only SCORE project officers approve or return results."))
    if to == Result.Status.APPROVED and (refusal := _four_eyes_refusal(result, by)):
        raise ResultNotAllowed(refusal)
    if who == AUTHOR_ORG and not result_is_own(result=result, user=by):
        raise ResultNotAllowed(gettext("Only the partner organisation that reported this result may submit it."))
    reason = reason.strip()
    if to == Result.Status.RETURNED and not reason:
        raise ValidationError({"reason": gettext("Say what the partner should correct.")})
    if to == Result.Status.SUBMITTED and not (result.narrative or result.kpi_lines.exists()):
        raise ValidationError(gettext("Add at least one KPI line or a narrative before submitting."))
    from_status = result.status
    result.status = to
    fields = ["status", "updated_at"]
    if to == Result.Status.APPROVED:
        result.approved_at = timezone.now()
        fields.append("approved_at")
    result._history_user = by
    result.save(update_fields=fields)
    _step(result, by, from_status, to, reason)
    _notify(result, by, to, reason)
    return result


@transaction.atomic
def result_reopen(*, result: Result, by: User, reason: str) -> Result:
    """Take an approved result back to 'returned for correction' so that it can be corrected through the
    portal (not the admin): by an officer, with the reason recorded in its approval trail and told to its
    author. It no longer counts as approved (its approval date is cleared) until another officer than the
    one who reopened it approves it again (``_four_eyes_refusal``)."""
    locked = Result.objects.select_for_update(of=("self",)).select_related("enterprise", "module", "author")
    result = locked.get(pk=result.pk)
    if not roles.is_officer(by):
        raise ResultNotAllowed(gettext("Only SCORE project officers reopen approved results."))
    if result.status != Result.Status.APPROVED:
        raise ResultNotAllowed(
            gettext("This result is %(status)s; only approved results can be reopened.")
            % {"status": result.get_status_display().lower()}
        )
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": gettext("Say what must be corrected.")})
    result.status, result.approved_at = Result.Status.RETURNED, None
    result._history_user = by
    result.save(update_fields=["status", "approved_at", "updated_at"])
    _step(result, by, Result.Status.APPROVED, Result.Status.RETURNED, reason)
    _notify(result, by, Result.Status.RETURNED, reason, reopened=True)
    return result


@dataclass
class ReviewOutcome:
    """What a bulk review did: the results moved, and those refused with the reason for each."""

    done: list[Result]
    refused: list[tuple[Result, str]]


@transaction.atomic
def results_review(*, results: list[Result], by: User, to: str, reason: str = "") -> ReviewOutcome:
    """Approve or return many submitted results at once (the review queue), each through
    ``result_transition`` with its rules (the four eyes included) and one reason for all the returned ones.
    Each result is moved in its own savepoint: one that is refused (entered, submitted or reopened by ``by``,
    no longer submitted) is left as it was and named in ``refused``; the others are moved."""
    if to not in (Result.Status.APPROVED, Result.Status.RETURNED):
        raise ValueError(to)
    if to == Result.Status.RETURNED and not reason.strip():
        raise ValidationError({"reason": gettext("Say what the partner should correct.")})
    outcome = ReviewOutcome([], [])
    for result in results:
        try:
            with transaction.atomic():
                outcome.done.append(result_transition(result=result, by=by, to=to, reason=reason))
        except ResultNotAllowed as exc:
            outcome.refused.append((result, str(exc)))
        except ValidationError as exc:
            outcome.refused.append((result, " ".join(exc.messages)))
    return outcome


def result_submit(*, result: Result, by: User) -> Result:
    return result_transition(result=result, by=by, to=Result.Status.SUBMITTED)


def result_approve(*, result: Result, by: User) -> Result:
    return result_transition(result=result, by=by, to=Result.Status.APPROVED)


def result_return(*, result: Result, by: User, reason: str) -> Result:
    return result_transition(result=result, by=by, to=Result.Status.RETURNED, reason=reason)


def _officer_emails() -> list[str]:
    officers = User.objects.filter(Q(groups__name=roles.OFFICERS) | Q(is_superuser=True), is_active=True)
    return sorted(set(officers.exclude(email="").values_list("email", flat=True)))


def _notify(result: Result, by: User, to: str, reason: str, *, reopened: bool = False) -> None:
    params = {
        "name": f"{result.enterprise.name} ({result.module.code})",
        "who": by.get_full_name() or by.username,
        "module": result.module.code,
        "enterprise": result.enterprise.name,
        "path": result.get_absolute_url(),
        "reason": reason,
    }
    if to == Result.Status.SUBMITTED:
        subject = gettext("Result submitted for approval: %(name)s") % params
        body = gettext("%(who)s submitted the %(module)s result of %(enterprise)s for approval.\n\nReview it: %(path)s")
        email_notify(subject=subject, body=body % params, recipients=_officer_emails())
        return
    if to == Result.Status.APPROVED:
        subject = gettext("Result approved: %(name)s") % params
        body = gettext("%(who)s approved the %(module)s result of %(enterprise)s.\n\n%(path)s")
    elif reopened:
        subject = gettext("Approved result reopened for correction: %(name)s") % params
        body = gettext(
            "%(who)s reopened the approved %(module)s result of %(enterprise)s for a correction:\n\n%(reason)s\n\n"
            "It counts as approved again once another officer approves it: %(path)s"
        )
    else:
        subject = gettext("Result returned for correction: %(name)s") % params
        body = gettext(
            "%(who)s returned the %(module)s result of %(enterprise)s for correction:\n\n%(reason)s\n\n"
            "Correct it and submit it again: %(path)s"
        )
    email_notify(subject=subject, body=body % params, recipients=[result.author.email if result.author else ""])


# --- KPI lines ----------------------------------------------------------------------------------


@transaction.atomic
def kpi_line_save(
    *,
    result: Result,
    by: User,
    kpi: KPI,
    baseline_value: Decimal,
    baseline_date: dt.date,
    followup_value: Decimal,
    followup_date: dt.date,
    note: str = "",
    period: str = "",
    line: KPILine | None = None,
    edit_version: int | None = None,
) -> KPILine:
    """Add a KPI line to an editable result, or change one (a second line for the same KPI changes the first).
    ``edit_version``: the version of ``line`` the editor started from."""
    _require_edit(result, by)
    if line is None:
        line = KPILine.objects.filter(result=result, kpi=kpi).first()
    elif line.result_id != result.pk:
        raise ResultNotAllowed(gettext("This KPI line belongs to another result."))
    else:
        edit_version_claim(line, edit_version)
    if line is None or line.kpi_id != kpi.pk:
        if not kpi.active:
            raise ValidationError({"kpi": gettext("%(kpi)s is no longer in the KPI catalogue.") % {"kpi": kpi.name}})
        clash = KPILine.objects.filter(result=result, kpi=kpi)
        if line is not None and clash.exclude(pk=line.pk).exists():
            raise _kpi_taken()
    if followup_date < baseline_date:
        raise ValidationError({"followup_date": gettext("The follow-up cannot be dated before the baseline.")})
    line = line or KPILine(result=result)
    _line_fill(line, by, kpi, baseline_value, baseline_date, followup_value, followup_date, note, period)
    with unique_refused({"kpi_line_unique_per_result": _kpi_taken}):
        line.save()
    return line


def _kpi_taken() -> ValidationError:
    return ValidationError({"kpi": gettext("This KPI is already in this result.")})


@dataclass
class LineValues:
    """One KPI line to save in a batch (``kpi_lines_save``)."""

    result: Result
    kpi: KPI
    baseline_value: Decimal
    baseline_date: dt.date
    followup_value: Decimal
    followup_date: dt.date
    note: str = ""
    period: str = ""


@unique_refused()
@transaction.atomic
def kpi_lines_save(*, by: User, lines: list[LineValues]) -> list[KPILine]:
    """Add or change many KPI lines at once (the bulk import), with the rules of ``kpi_line_save`` (an
    editable result of the user's organisation, an active KPI for a new line, no follow-up before the
    baseline; a line for a KPI the result already has changes that line). The results must be fresh from
    the database (locked by the caller). A few queries whatever the number; history in bulk.
    Raises RowRefused for the first bad line."""
    results = {v.result.pk: v.result for v in lines}
    existing = {(line.result_id, line.kpi_id): line for line in KPILine.objects.filter(result__in=list(results))}
    created, changed, saved = [], [], []
    pending: dict[tuple[int, int], KPILine] = {}
    for i, v in enumerate(lines):
        try:
            _require_edit(v.result, by)
            key = (v.result.pk, v.kpi.pk)
            line = pending.get(key) or existing.get(key)
            if line is None:
                if not v.kpi.active:
                    raise ValidationError(
                        {"kpi": gettext("%(kpi)s is no longer in the KPI catalogue.") % {"kpi": v.kpi.name}}
                    )
                line = KPILine(result=v.result)
                created.append(line)
            elif line.pk is not None and key not in pending:
                changed.append(line)
            pending[key] = line
            if v.followup_date < v.baseline_date:
                raise ValidationError({"followup_date": gettext("The follow-up cannot be dated before the baseline.")})
            _line_fill(
                line, by, v.kpi, v.baseline_value, v.baseline_date, v.followup_value, v.followup_date, v.note, v.period
            )
            saved.append(line)
        except (ValidationError, ResultNotAllowed) as exc:
            raise RowRefused(i, exc) from exc
    bulk_create_with_history(created, KPILine, batch_size=BATCH, default_user=by)
    if changed:
        fields = ["kpi", "baseline_value", "baseline_date", "followup_value", "followup_date", "note", "period"]
        bulk_update_with_history(changed, KPILine, fields, batch_size=BATCH, default_user=by)
    datacache.data_changed()  # bulk inserts and updates send no signals
    return saved


def kpi_value_problem(kpi: KPI, value: Decimal | None) -> str:
    """Why the KPI cannot take this value ("" when it can): a count, percentage or rate is never negative."""
    if value is not None and value < 0 and not kpi.allows_negative:
        return gettext("%(kpi)s cannot be negative (%(value)s): its values are never below zero.") % {
            "kpi": kpi.name,
            "value": f"{value.normalize():f}",
        }
    return ""


def _line_fill(line, by, kpi, baseline_value, baseline_date, followup_value, followup_date, note, period) -> None:
    problems = {
        name: problem
        for name, value in (("baseline_value", baseline_value), ("followup_value", followup_value))
        if (problem := kpi_value_problem(kpi, value))
    }
    if problems:
        raise ValidationError(problems)
    line.kpi = kpi
    line.period = period
    line.baseline_value, line.baseline_date = baseline_value, baseline_date
    line.followup_value, line.followup_date = followup_value, followup_date
    line.note = note.strip()
    line._history_user = by
    # the related rows are in hand; checking the values only keeps an import at a few queries per line
    line.clean_fields(exclude=["result", "kpi"])


@transaction.atomic
def kpi_line_delete(*, line: KPILine, by: User, edit_version: int | None = None) -> None:
    _require_edit(line.result, by)
    edit_version_claim(line, edit_version)  # a line someone changed since is not deleted unseen
    line._history_user = by
    line.delete()


# --- Photo pairs ----------------------------------------------------------------------------------


def photo_pair_add(
    *,
    result: Result,
    by: User,
    before,
    before_caption: str,
    after,
    after_caption: str,
    credit: str = "",
    caption: str = "",
    translations: Mapping[str, Translations] | None = None,
) -> PhotoPair:
    """Check and store a before/after pair of uploads (with their web, print and thumbnail copies).
    ``translations``: the captions in other languages, by "before", "after" and "pair":
    ``{"before": {"zh-hans": {"caption": ...}}, ...}``.

    Both photos are decoded, cleaned and encoded first, outside any transaction (the costly part, and
    bounded: see core/uploads.py); only then are the files and rows written, in one transaction, and the
    files are deleted again if it fails. A refusal of either photo writes nothing."""
    _require_edit(result, by)
    digest = _uploads_sha256(before, after)
    if result.photo_pairs.filter(uploads_sha256=digest).exists():
        raise _pair_already_added()
    sides = (("before", before, before_caption), ("after", after, after_caption))
    prepared, errors = {}, {}
    if not caption.strip():
        for side, _upload, side_caption in sides:
            if not side_caption.strip():
                errors[f"{side}_caption"] = [gettext("Give this photo a caption, or give the pair one caption.")]
    for side, upload, _caption in sides:  # check both before storing either, so a refusal leaves no files
        try:
            prepared[side] = photos.photo_prepare(upload)
        except ValidationError as exc:
            errors[side] = exc.messages
    if errors:
        raise ValidationError(errors)
    translations = translations or {}
    texts = {side: (text.strip(), translations.get(side) or {}) for side, _upload, text in sides}
    texts["pair"] = (caption.strip(), translations.get("pair") or {})
    return _photo_pair_save(result=result, by=by, prepared=prepared, texts=texts, credit=credit.strip(), digest=digest)


@photos.files_discarded_on_failure()
@transaction.atomic
def _photo_pair_save(*, result: Result, by: User, prepared: dict, texts: dict, credit: str, digest: str) -> PhotoPair:
    _require_edit(result, by)
    stored = {
        side: photos.photo_save(
            prepared=prepared[side], caption=texts[side][0], translations=texts[side][1], credit=credit, by=by
        )
        for side in ("before", "after")
    }
    last = result.photo_pairs.order_by("-order").values_list("order", flat=True).first() or 0
    pair = PhotoPair(
        result=result,
        before=stored["before"],
        after=stored["after"],
        order=last + 1,
        caption=texts["pair"][0],
        uploads_sha256=digest,
    )
    texts_set(pair, texts["pair"][1])
    pair._history_user = by
    with unique_refused({"photo_pair_unique_uploads_per_result": _pair_already_added}):
        pair.save()  # the same pair sent twice at once: the files the second stored are discarded
    return pair


def _uploads_sha256(*uploads) -> str:
    """One digest of the files as sent (their bytes, in order), read in chunks and rewound for the checks."""
    digest = hashlib.sha256()
    for upload in uploads:
        upload.seek(0)
        part = hashlib.sha256()
        chunks = upload.chunks() if hasattr(upload, "chunks") else iter(functools.partial(upload.read, 1 << 16), b"")
        for chunk in chunks:
            part.update(chunk)
        digest.update(part.digest())
        upload.seek(0)
    return digest.hexdigest()


def _pair_already_added() -> ValidationError:
    return ValidationError(gettext("This photo pair is already in this result."))


@transaction.atomic
def photo_pair_delete(*, pair: PhotoPair, by: User) -> None:
    """Delete a pair and its two photos; their files go once the deletion commits."""
    _require_edit(pair.result, by)
    before, after = pair.before, pair.after
    pair._history_user = by
    pair.delete()
    for photo in (before, after):
        photos.photo_files_delete(photo=photo)
        photo._history_user = by
        photo.delete()


# --- KPI catalogue (officers) ----------------------------------------------------------------------


def _require_officer(by) -> None:
    if not roles.is_officer(by):
        raise ResultNotAllowed(gettext("Only SCORE project officers maintain the KPI catalogue."))


@unique_refused()
@transaction.atomic
def kpi_save(
    *,
    by: User,
    name: str,
    unit: str,
    direction: str,
    translations: Translations | None = None,
    description: str = "",
    active: bool = True,
    order: int = 0,
    allows_negative: bool = False,
    kpi: KPI | None = None,
    edit_version: int | None = None,
) -> KPI:
    """Add a KPI to the catalogue or change one. Retiring (active=False) keeps the lines that use it.
    ``translations``: its name and unit in other languages (those named change, the others stay)."""
    _require_officer(by)
    name = name.strip()
    clash = KPI.objects.filter(name__iexact=name)
    if kpi is not None:
        clash = clash.exclude(pk=kpi.pk)
    if clash.exists():
        raise ValidationError({"name": _("The catalogue already has a KPI with this name.")})
    if kpi is not None:
        edit_version_claim(kpi, edit_version)
    kpi = kpi or KPI()
    kpi.name, kpi.unit, kpi.direction = name, unit.strip(), direction
    texts_set(kpi, translations or {})
    kpi.description, kpi.active, kpi.order = description.strip(), active, order
    kpi.allows_negative = allows_negative
    kpi.full_clean()
    kpi.save()
    return kpi
