"""Which modules each enterprise has taken, kept as rows (``EnterpriseModule``) so the enterprises list filters
by module through one index instead of joining every participation of the programme to its round.

An enterprise has taken a module when it takes part in a round of that module that was not cancelled. The
rows are worked out again, from the participations, for every enterprise a change touches, by the service
that makes the change, in its transaction (``enterprises.services.derived_refresh``):

- a participation added or removed (participation_add, participation_remove): its enterprise;
- a round saved, its module or its status changed (programmes.services, through ``register_round_saved``): the
  round's enterprises.

Each enterprise's row is locked while its modules are worked out (``enterprises.derived``), so two changes
to one enterprise's rounds at once are worked out one after the other and neither loses the other's.
Code that writes those tables without the services (a bulk load, bench/pages.py) calls ``derived_refresh`` or
``manage.py rebuild_derived`` itself.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from core import datacache
from programmes.models import TrainingRound

from .derived import lock_for_rebuild, refresh_pairs
from .models import EnterpriseModule, Participation


def taken_pairs(enterprise_ids: Iterable[int] | None = None) -> set[tuple[int, int]]:
    """(module id, enterprise id) for the enterprises given (all when None), from the participations."""
    taken = Participation.objects.exclude(training_round__status=TrainingRound.Status.CANCELLED)
    if enterprise_ids is not None:
        taken = taken.filter(enterprise_id__in=list(enterprise_ids))
    return set(taken.values_list("training_round__module_id", "enterprise_id").distinct().order_by())


def taken_refresh(*, enterprise_ids: Iterable[int]) -> None:
    """Work out again which modules these enterprises have taken."""
    refresh_pairs(EnterpriseModule, "module", enterprise_ids=enterprise_ids, pairs_for=taken_pairs)


def taken_rebuild() -> None:
    """Every row again, from the participations, in one transaction (readers see the old rows until it commits)."""
    with transaction.atomic():
        lock_for_rebuild(EnterpriseModule)
        EnterpriseModule.objects.all().delete()
        EnterpriseModule.objects.bulk_create(
            [EnterpriseModule(module_id=m, enterprise_id=e) for m, e in taken_pairs()], batch_size=5000
        )
        datacache.data_changed()  # bulk_create sends no signal
