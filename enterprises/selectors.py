from __future__ import annotations

from django.db.models import Q, QuerySet

from core import roles
from programmes.selectors import rounds_visible_to

from .models import Enterprise, Participation


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
