from __future__ import annotations

from django.db.models import Q, QuerySet

from programmes.selectors import rounds_visible_to
from score_portal import roles

from .models import Enterprise, Result


def enterprises_visible_to(user) -> QuerySet[Enterprise]:
    """Officers see every enterprise; a partner those its organisation brought in or trained."""
    qs = Enterprise.objects.all()
    if roles.is_officer(user):
        return qs
    org_id = roles.partner_organisation_id(user)
    if org_id is None:
        return qs.none()
    visible_ids = Enterprise.objects.filter(
        Q(organisations__id=org_id) | Q(participations__training_round__in=rounds_visible_to(user))
    ).values("pk")
    return qs.filter(pk__in=visible_ids)


def results_visible_to(user) -> QuerySet[Result]:
    """A partner sees the results of its enterprises; officers see all."""
    qs = Result.objects.all()
    if roles.is_officer(user):
        return qs
    if roles.partner_organisation_id(user) is None:
        return qs.none()
    return qs.filter(enterprise__in=enterprises_visible_to(user))
