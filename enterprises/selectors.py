from __future__ import annotations

from django.db.models import QuerySet

from core import roles
from programmes.models import TrainingRound
from programmes.selectors import rounds_visible_to

from .models import Enterprise, EnterpriseReach, Participation


def enterprise_ids_of_organisation(org_id: int) -> QuerySet:
    """The ids of the enterprises an organisation brought in or trained in its rounds (for ``__in``)."""
    # Kept as rows by enterprises.scope (one indexed read), rather than a union over the participations of
    # every round the organisation organised or co-organised on each request.
    return EnterpriseReach.objects.filter(organisation_id=org_id).values("enterprise_id")


def enterprises_of_organisation(org_id: int) -> QuerySet[Enterprise]:
    """The enterprises an organisation brought in or trained in its rounds."""
    return Enterprise.objects.filter(pk__in=enterprise_ids_of_organisation(org_id))


def modules_taken_visible_to(user) -> QuerySet[Participation]:
    """The participations that count as a module taken in the enterprises list: in the rounds the user may
    see, not cancelled."""
    taken = Participation.objects.exclude(training_round__status=TrainingRound.Status.CANCELLED)
    if roles.is_officer(user):  # every round of their countries: no semi-join with them (half the export's read)
        ids = roles.country_ids(user)
        return taken if ids is None else taken.filter(training_round__country_id__in=ids)
    return taken.filter(training_round__in=rounds_visible_to(user))


def enterprises_visible_to(user) -> QuerySet[Enterprise]:
    """Officers see the enterprises of their countries (every one for the global team); a partner those its
    organisation brought in or trained; a trainer the enterprises of the rounds they deliver."""
    qs = Enterprise.objects.all()
    if roles.is_officer(user):
        ids = roles.country_ids(user)
        return qs if ids is None else qs.filter(country_id__in=ids)
    org_id = roles.partner_organisation_id(user)
    if org_id is not None:
        return enterprises_of_organisation(org_id)
    if roles.is_trainer(user):
        trained = Participation.objects.filter(training_round__in=rounds_visible_to(user)).values("enterprise_id")
        return qs.filter(pk__in=trained)
    return qs.none()
