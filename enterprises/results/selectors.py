from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from core import roles
from enterprises.models import Participation
from enterprises.selectors import enterprise_ids_of_organisation
from programmes.selectors import rounds_visible_to

from .models import Photo, Result, ResultImport, ResultStep


def results_visible_to(user) -> QuerySet[Result]:
    """A partner sees the results of its enterprises; a trainer the results of the enterprises of their rounds
    for those rounds' modules; officers see those of their countries' enterprises (all for the global team)."""
    qs = Result.objects.all()
    if roles.is_officer(user):
        ids = roles.country_ids(user)
        return qs if ids is None else qs.filter(enterprise__country_id__in=ids)
    org_id = roles.partner_organisation_id(user)
    if org_id is not None:  # the enterprises' ids straight from their index, not through the enterprises
        return qs.filter(enterprise_id__in=enterprise_ids_of_organisation(org_id))
    if roles.is_trainer(user):
        trained = Participation.objects.filter(
            training_round__in=rounds_visible_to(user),
            enterprise_id=OuterRef("enterprise_id"),
            training_round__module_id=OuterRef("module_id"),
        )
        return qs.filter(Exists(trained))
    return qs.none()


def results_awaiting_review(user) -> QuerySet[Result]:
    """The submitted results an officer may review, the longest waiting first, each with ``submitted_at`` (its
    latest submission; the last change for a result that has no step, as one loaded outside the services).
    Only officers review: anyone else gets none."""
    if not roles.is_officer(user):
        return Result.objects.none()
    submitted = ResultStep.objects.filter(result=OuterRef("pk"), to_status=Result.Status.SUBMITTED).order_by(
        "-at", "-pk"
    )
    return (
        results_visible_to(user)
        .filter(status=Result.Status.SUBMITTED)
        .annotate(submitted_at=Coalesce(Subquery(submitted.values("at")[:1]), "updated_at"))
        .order_by("submitted_at", "pk")
    )


def review_rows(results: QuerySet[Result], today: dt.date) -> list[tuple[Result, int]]:
    """Results of the review queue with how many days each has waited, counted in local dates (submitted late
    on Monday evening and looked at on Tuesday morning: one day)."""
    results = results.select_related("enterprise", "module", "organisation", "author")
    return [(r, (today - timezone.localdate(r.submitted_at)).days) for r in results]


def results_approved_between(start: dt.date, end: dt.date) -> QuerySet[Result]:
    """Approved results whose approval falls in [start, end] (dates, inclusive): what dashboards and
    newsletters count. Only approved results ever count; drafts, submitted and returned ones never do."""
    return Result.objects.filter(
        status=Result.Status.APPROVED, approved_at__date__gte=start, approved_at__date__lte=end
    ).select_related("enterprise", "module", "organisation")


def photos_visible_to(user) -> QuerySet[Photo]:
    """Photos of the results the user may see (a photo is visible through its before/after pair)."""
    results = results_visible_to(user)
    return Photo.objects.filter(Q(pair_as_before__result__in=results) | Q(pair_as_after__result__in=results))


def result_imports_visible_to(user) -> QuerySet[ResultImport]:
    """An upload is seen by the person who uploaded it only."""
    if not user.is_authenticated:
        return ResultImport.objects.none()
    return ResultImport.objects.filter(uploaded_by=user)
