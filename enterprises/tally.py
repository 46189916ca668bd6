"""How many enterprises and participants each round has, kept as rows (``RoundTally``) so the rounds list shows
and sorts by them in one join instead of counting participations for every round.

The row of a round is worked out again from its participations in the transaction of every participation saved
or deleted (signals), and so is the row of the round it had when the admin moved it to another. Two transactions
adding to one round at once take the row's lock in turn, and the second counts after the first has committed,
so neither count misses the other's. ``QuerySet.update()``,
``bulk_create`` and raw SQL send no signals: code that changes participations in bulk calls
``tally_refresh(round_ids=...)`` or ``tally_rebuild()`` itself (bench/pages.py does).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count, F, Sum
from django.db.models.signals import post_delete, post_save

from core import datacache
from programmes.models import TrainingRound

from .derived import stored_links
from .models import Participation, RoundTally

ATTENDANCE = F("managers_women") + F("managers_men") + F("workers_women") + F("workers_men")


def _counts(round_ids) -> dict[int, tuple[int, int]]:
    rows = (
        Participation.objects.filter(training_round_id__in=round_ids)
        .values("training_round_id")
        .annotate(enterprises=Count("enterprise", distinct=True), participants=Sum(ATTENDANCE))
        .order_by()
    )
    return {r["training_round_id"]: (r["enterprises"], r["participants"] or 0) for r in rows}


def tally_refresh(*, round_ids: Iterable[int]) -> None:
    """Count these rounds' enterprises and participants again, each round's row locked while it is counted."""
    ids = sorted(set(round_ids))  # locked in one order: two refreshes never wait on each other in a circle
    if not ids:
        return
    with transaction.atomic():
        existing = list(TrainingRound.objects.filter(pk__in=ids).values_list("pk", flat=True))
        RoundTally.objects.bulk_create([RoundTally(training_round_id=pk) for pk in existing], ignore_conflicts=True)
        list(RoundTally.objects.select_for_update().filter(pk__in=existing).order_by("pk").values_list("pk"))
        counts = _counts(existing)
        for pk in existing:
            enterprises, participants = counts.get(pk, (0, 0))
            RoundTally.objects.filter(pk=pk).update(enterprises=enterprises, participants=participants)
        datacache.data_changed()  # update() sends no signal: what was counted from these rows is dropped


def tally_rebuild(batch: int = 2000) -> None:
    """Every round's row again, from the participations (after a bulk load)."""
    ids = list(TrainingRound.objects.order_by("pk").values_list("pk", flat=True))
    with transaction.atomic():
        RoundTally.objects.all().delete()
        for start in range(0, len(ids), batch):
            chunk = ids[start : start + batch]
            counts = _counts(chunk)
            RoundTally.objects.bulk_create(
                [RoundTally(training_round_id=pk, enterprises=n[0], participants=n[1]) for pk, n in counts.items()]
            )
        datacache.data_changed()  # bulk_create sends no signal


def _participation_changed(sender, instance, **kwargs) -> None:
    tally_refresh(round_ids=stored_links(instance)[1])


def connect() -> None:
    post_save.connect(_participation_changed, sender=Participation, dispatch_uid="tally_participation_saved")
    post_delete.connect(_participation_changed, sender=Participation, dispatch_uid="tally_participation_deleted")
