"""Which modules each enterprise has taken, kept as rows (``EnterpriseModule``) so the enterprises list filters
by module through one index instead of joining every participation of the programme to its round.

An enterprise has taken a module when it takes part in a round of that module that was not cancelled. The
rows are worked out again, from the participations, for every enterprise a change touches, in the
transaction of the change:

- a participation saved or deleted: its enterprise (and the one it belonged to, when the admin moved it);
- a round saved (its module or its status may have changed): the round's enterprises.

Each enterprise's row is locked while its modules are worked out (``enterprises.derived``), so two changes
to one enterprise's rounds at once are worked out one after the other and neither loses the other's.
``QuerySet.update()``, ``bulk_create`` and raw SQL send no signals: code that changes those tables in bulk
calls ``taken_refresh(enterprise_ids=...)`` or ``taken_rebuild()`` itself (bench/pages.py does).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save

from core import datacache
from programmes.models import TrainingRound

from .derived import refresh_pairs, remember_stored, round_enterprises, stored_links
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
    """Every row again, from the participations (after a bulk load)."""
    with transaction.atomic():
        EnterpriseModule.objects.all().delete()
        EnterpriseModule.objects.bulk_create(
            [EnterpriseModule(module_id=m, enterprise_id=e) for m, e in taken_pairs()], batch_size=5000
        )
        datacache.data_changed()  # bulk_create sends no signal


def _participation_changed(sender, instance, **kwargs) -> None:
    taken_refresh(enterprise_ids=stored_links(instance)[0])


def _round_saved(sender, instance, created, raw=False, **kwargs) -> None:
    if not created and not raw:  # a new round has no participants yet
        taken_refresh(enterprise_ids=round_enterprises([instance.pk]))


def connect() -> None:
    pre_save.connect(remember_stored, sender=Participation, dispatch_uid="participation_remember_stored")
    post_save.connect(_participation_changed, sender=Participation, dispatch_uid="taken_participation_saved")
    post_delete.connect(_participation_changed, sender=Participation, dispatch_uid="taken_participation_deleted")
    post_save.connect(_round_saved, sender=TrainingRound, dispatch_uid="taken_round_saved")
