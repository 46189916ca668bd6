"""Reads that depend on who asks. Out of scope is a 404: views start from these querysets."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from core import roles

from .models import Agreement, Organisation, TrainingRound


def rounds_visible_to(user) -> QuerySet[TrainingRound]:
    """Officers see every round; a partner the rounds its organisation organised or co-organised."""
    qs = TrainingRound.objects.all()
    if roles.is_officer(user):
        return qs
    org_id = roles.partner_organisation_id(user)
    if org_id is None:
        return qs.none()
    co_organised = TrainingRound.co_organisers.through.objects.filter(organisation_id=org_id).values("traininground_id")
    return qs.filter(Q(organiser_id=org_id) | Q(pk__in=co_organised))


def organisations_visible_to(user) -> QuerySet[Organisation]:
    qs = Organisation.objects.all()
    if roles.is_officer(user):
        return qs
    org_id = roles.partner_organisation_id(user)
    if org_id is None:
        return qs.none()
    return qs.filter(pk=org_id)


def agreements_visible_to(user) -> QuerySet[Agreement]:
    return Agreement.objects.filter(organisation__in=organisations_visible_to(user))
