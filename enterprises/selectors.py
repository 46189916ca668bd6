from __future__ import annotations

from django.db.models import QuerySet

from core import roles
from programmes.selectors import round_ids_of_organisation, rounds_visible_to

from .models import Enterprise, Participation


def enterprises_of_organisation(org_id: int) -> QuerySet[Enterprise]:
    """The enterprises an organisation brought in or trained in its rounds."""
    # One IN over the UNION of the two id sets, each read from its index (the organisation's links; the
    # participations of its rounds), which PostgreSQL joins to the enterprises as a semi-join; an OR of two
    # IN-subqueries is a filter it can only test against every enterprise in turn.
    brought_in = Enterprise.organisations.through.objects.filter(organisation_id=org_id).values("enterprise_id")
    trained = Participation.objects.filter(training_round__in=round_ids_of_organisation(org_id)).values("enterprise_id")
    return Enterprise.objects.filter(pk__in=brought_in.union(trained))


def enterprises_visible_to(user) -> QuerySet[Enterprise]:
    """Officers see every enterprise; a partner those its organisation brought in or trained; a trainer the
    enterprises of the rounds they deliver."""
    qs = Enterprise.objects.all()
    if roles.is_officer(user):
        return qs
    org_id = roles.partner_organisation_id(user)
    if org_id is not None:
        return enterprises_of_organisation(org_id)
    if roles.is_trainer(user):
        trained = Participation.objects.filter(training_round__in=rounds_visible_to(user)).values("enterprise_id")
        return qs.filter(pk__in=trained)
    return qs.none()
