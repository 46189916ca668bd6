"""How many enterprises and participants each round has, kept as rows (``RoundTally``) so the rounds list shows
and sorts by them in one join instead of counting participations for every round.

The row of a round is worked out again from its participations by every service that adds, changes or removes
one, in its transaction (``enterprises.services.derived_refresh``). Two transactions adding to one round at once
take the row's lock in turn, and the second counts after the first has committed, so neither count misses the
other's. Code that writes participations without the services (a bulk load, bench/pages.py) calls
``derived_refresh`` or ``manage.py rebuild_derived`` itself.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count, F, Sum

from core import datacache
from programmes.models import TrainingRound

from .derived import lock_for_rebuild
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
    """Every round's row again, from the participations, in one transaction (readers see the old rows until it
    commits)."""
    with transaction.atomic():
        lock_for_rebuild(RoundTally)
        ids = list(TrainingRound.objects.order_by("pk").values_list("pk", flat=True))
        RoundTally.objects.all().delete()
        for start in range(0, len(ids), batch):
            chunk = ids[start : start + batch]
            counts = _counts(chunk)
            RoundTally.objects.bulk_create(
                [RoundTally(training_round_id=pk, enterprises=n[0], participants=n[1]) for pk, n in counts.items()]
            )
        datacache.data_changed()  # bulk_create sends no signal
