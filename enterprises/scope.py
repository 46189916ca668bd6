"""Which organisations reach which enterprises, kept as rows (``EnterpriseReach``) so a partner's scope is
one indexed read.

An organisation reaches an enterprise it brought in (``Enterprise.organisations``) or that takes part in a
round it organised or co-organised. Counting that on every request is a union over the participations of
all the organisation's rounds (at 100,000 enterprises most of a partner's page). The services that change
those sources work the rows out again for every enterprise the change touches, in their transaction
(``enterprises.services.derived_refresh``):

- a participation added or removed (participation_add, participation_remove): its enterprise;
- an enterprise's organisations changed (enterprise_save): that enterprise;
- a round saved, its organiser or co-organisers changed (programmes.services, through ``register_round_saved``):
  the round's enterprises.

Each enterprise's row is locked while its organisations are worked out (``enterprises.derived``), so two
changes to one enterprise at once do not lose one another. Code that writes those tables without the services
(a bulk load, bench/pages.py) calls ``derived_refresh`` or ``manage.py rebuild_derived`` itself.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from core import datacache
from programmes.models import TrainingRound

from .derived import lock_for_rebuild, refresh_pairs
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
    """Every row again, from the sources, in one transaction (readers see the old rows until it commits)."""
    with transaction.atomic():
        lock_for_rebuild(EnterpriseReach)
        EnterpriseReach.objects.all().delete()
        EnterpriseReach.objects.bulk_create(
            [EnterpriseReach(organisation_id=o, enterprise_id=e) for o, e in reach_pairs()], batch_size=5000
        )
        datacache.data_changed()  # bulk_create sends no signal
