from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from programmes.selectors import rounds_visible_to
from score_portal import roles

from .models import Enterprise, Participation, Photo, Result, ResultImport


def enterprises_visible_to(user) -> QuerySet[Enterprise]:
    """Officers see every enterprise; a partner those its organisation brought in or trained."""
    qs = Enterprise.objects.all()
    if roles.is_officer(user):
        return qs
    org_id = roles.partner_organisation_id(user)
    if org_id is None:
        return qs.none()
    # Two indexed subqueries rather than one OR over two joins, which PostgreSQL can only answer by scanning.
    brought_in = Enterprise.organisations.through.objects.filter(organisation_id=org_id).values("enterprise_id")
    trained = Participation.objects.filter(training_round__in=rounds_visible_to(user)).values("enterprise_id")
    return qs.filter(Q(pk__in=brought_in) | Q(pk__in=trained))


def results_visible_to(user) -> QuerySet[Result]:
    """A partner sees the results of its enterprises; officers see all."""
    qs = Result.objects.all()
    if roles.is_officer(user):
        return qs
    if roles.partner_organisation_id(user) is None:
        return qs.none()
    return qs.filter(enterprise__in=enterprises_visible_to(user))


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
