from __future__ import annotations

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from core import roles
from programmes.selectors import rounds_visible_to

from .models import RoundTrainer, Trainer, TrainerAccount


def trainer_id(user) -> int | None:
    """The trainer record a user is, or None (read by core.roles.trainer_id, which checks the group and keeps the
    answer on the user)."""
    return TrainerAccount.objects.filter(user=user).values_list("trainer_id", flat=True).first()


def trainer_round_ids(trainer_pk: int | None) -> QuerySet:
    """The ids of the rounds a trainer delivers, as a subquery (empty for None): core.roles.trainer_round_ids."""
    if trainer_pk is None:
        return RoundTrainer.objects.none().values("training_round_id")
    return RoundTrainer.objects.filter(trainer_id=trainer_pk).values("training_round_id")


def trainers_visible_to(user) -> QuerySet[Trainer]:
    """Officers see the trainers working in their countries (every one for the global team); a partner its own
    trainers and those who delivered its rounds; a trainer themselves and the trainers of the rounds they
    deliver."""
    qs = Trainer.objects.all()
    if roles.is_officer(user):
        ids = roles.country_ids(user)
        if ids is None:
            return qs
        return qs.filter(pk__in=Trainer.countries.through.objects.filter(country_id__in=ids).values("trainer_id"))
    org_id = roles.partner_organisation_id(user)
    if org_id is not None:
        mine = Q(organisation_id=org_id)
    elif roles.is_trainer(user):
        mine = Q(pk=roles.trainer_id(user))
    else:
        return qs.none()
    in_scope = Trainer.objects.filter(mine | Q(rounds__training_round__in=rounds_visible_to(user))).values("pk")
    return qs.filter(pk__in=in_scope)


def visible_trainer_or_404(user, pk) -> Trainer:
    """The trainer ``pk`` if the user may see them (with their organisation), else a 404."""
    return get_object_or_404(trainers_visible_to(user).select_related("organisation"), pk=pk)
