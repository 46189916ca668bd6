from __future__ import annotations

from django.db.models import Q, QuerySet

from core import roles
from programmes.selectors import rounds_of_organisation, rounds_visible_to

from .models import Enterprise, Participation


def enterprises_of_organisation(org_id: int) -> QuerySet[Enterprise]:
    """The enterprises an organisation brought in or trained in its rounds."""
    # Two indexed subqueries rather than one OR over two joins, which PostgreSQL can only answer by scanning.
    brought_in = Enterprise.organisations.through.objects.filter(organisation_id=org_id).values("enterprise_id")
    trained = Participation.objects.filter(training_round__in=rounds_of_organisation(org_id)).values("enterprise_id")
    return Enterprise.objects.filter(Q(pk__in=brought_in) | Q(pk__in=trained))


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
