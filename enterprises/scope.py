"""Which organisations reach which enterprises, kept as rows (``EnterpriseReach``) so a partner's scope is
one indexed read.

An organisation reaches an enterprise it brought in (``Enterprise.organisations``) or that takes part in a
round it organised or co-organised. Counting that on every request is a union over the participations of
all the organisation's rounds (at 100,000 enterprises most of a partner's page). The rows are worked out
again, from those sources, for every enterprise a change touches, in the transaction of the change:

- a participation saved or deleted: its enterprise (and the one it had, when the admin moved it);
- an enterprise's organisations changed (either side of the relation): those enterprises;
- a round saved (its organiser may have changed) or its co-organisers changed: the round's enterprises.

Each enterprise's row is locked while its organisations are worked out (``enterprises.derived``), so two
changes to one enterprise at once do not lose one another. ``QuerySet.update()``, ``bulk_create`` and raw SQL
send no signals: code that changes those tables in bulk
calls ``reach_refresh(enterprise_ids=...)`` or ``reach_rebuild()`` itself (bench/pages.py does).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models.signals import m2m_changed, post_delete, post_save

from core import datacache
from programmes.models import TrainingRound

from .derived import refresh_pairs, round_enterprises, stored_links
from .models import Enterprise, EnterpriseReach, Participation


def reach_pairs(enterprise_ids: Iterable[int] | None = None) -> set[tuple[int, int]]:
    """(organisation id, enterprise id) for the enterprises given (all when None), from the sources."""
    links = Enterprise.organisations.through.objects.all()
    taken = Participation.objects.all()
    if enterprise_ids is not None:
        ids = list(enterprise_ids)
        links, taken = links.filter(enterprise_id__in=ids), taken.filter(enterprise_id__in=ids)
    pairs = set(links.values_list("organisation_id", "enterprise_id"))
    taken = list(taken.values_list("training_round_id", "training_round__organiser_id", "enterprise_id"))
    co_organisers: dict[int, list[int]] = {}
    co = TrainingRound.co_organisers.through.objects.filter(traininground_id__in={r for r, _o, _e in taken})
    for round_id, org_id in co.values_list("traininground_id", "organisation_id"):
        co_organisers.setdefault(round_id, []).append(org_id)
    for round_id, organiser_id, enterprise_id in taken:
        pairs.add((organiser_id, enterprise_id))
        pairs.update((org_id, enterprise_id) for org_id in co_organisers.get(round_id, ()))
    return pairs


def reach_refresh(*, enterprise_ids: Iterable[int]) -> None:
    """Work out again which organisations reach these enterprises."""
    refresh_pairs(EnterpriseReach, "organisation", enterprise_ids=enterprise_ids, pairs_for=reach_pairs)


def reach_rebuild() -> None:
    """Every row again, from the sources (after a bulk load)."""
    EnterpriseReach.objects.all().delete()
    EnterpriseReach.objects.bulk_create(
        [EnterpriseReach(organisation_id=o, enterprise_id=e) for o, e in reach_pairs()], batch_size=5000
    )
    datacache.data_changed()  # bulk_create sends no signal


def _participation_changed(sender, instance, **kwargs) -> None:
    reach_refresh(enterprise_ids=stored_links(instance)[0])


def _round_saved(sender, instance, created, raw=False, **kwargs) -> None:
    if not created and not raw:  # a new round has no participants yet
        reach_refresh(enterprise_ids=round_enterprises([instance.pk]))


def _organisations_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    if action not in ("post_add", "post_remove", "post_clear", "pre_clear"):
        return
    if not reverse:  # enterprise.organisations.add/remove/set/clear
        if action != "pre_clear":
            reach_refresh(enterprise_ids=[instance.pk])
    elif action == "pre_clear":  # organisation.enterprises.clear(): who they were is only known before
        instance._reach_cleared = list(instance.enterprises.values_list("pk", flat=True))
    else:
        ids = pk_set if action != "post_clear" else getattr(instance, "_reach_cleared", [])
        reach_refresh(enterprise_ids=ids or [])


def _co_organisers_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    if action not in ("post_add", "post_remove", "post_clear", "pre_clear"):
        return
    if not reverse:  # training_round.co_organisers.add/remove/set/clear
        if action != "pre_clear":
            reach_refresh(enterprise_ids=round_enterprises([instance.pk]))
    elif action == "pre_clear":  # organisation.co_organised_rounds.clear()
        instance._reach_cleared = list(
            TrainingRound.co_organisers.through.objects.filter(organisation_id=instance.pk).values_list(
                "traininground_id", flat=True
            )
        )
    else:
        rounds = pk_set if action != "post_clear" else getattr(instance, "_reach_cleared", [])
        reach_refresh(enterprise_ids=round_enterprises(rounds or []))


def connect() -> None:
    post_save.connect(_participation_changed, sender=Participation, dispatch_uid="reach_participation_saved")
    post_delete.connect(_participation_changed, sender=Participation, dispatch_uid="reach_participation_deleted")
    post_save.connect(_round_saved, sender=TrainingRound, dispatch_uid="reach_round_saved")
    m2m_changed.connect(
        _organisations_changed, sender=Enterprise.organisations.through, dispatch_uid="reach_organisations"
    )
    m2m_changed.connect(
        _co_organisers_changed, sender=TrainingRound.co_organisers.through, dispatch_uid="reach_co_organisers"
    )
