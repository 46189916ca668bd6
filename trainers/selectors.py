from __future__ import annotations

from django.db.models import Q, QuerySet

from core import roles
from programmes.selectors import rounds_visible_to

from .models import Trainer


def trainers_visible_to(user) -> QuerySet[Trainer]:
    """Officers see every trainer; a partner its own trainers and those who delivered its rounds; a trainer
    themselves and the trainers of the rounds they deliver."""
    qs = Trainer.objects.all()
    if roles.is_officer(user):
        return qs
    org_id = roles.partner_organisation_id(user)
    if org_id is not None:
        mine = Q(organisation_id=org_id)
    elif roles.is_trainer(user):
        mine = Q(pk=roles.trainer_id(user))
    else:
        return qs.none()
    in_scope = Trainer.objects.filter(mine | Q(rounds__training_round__in=rounds_visible_to(user))).values("pk")
    return qs.filter(pk__in=in_scope)
