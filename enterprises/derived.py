"""What the tables derived from an enterprise's participations share (``enterprises.scope``: the organisations
that reach it, ``enterprises.taken``: the modules it has taken): working out one enterprise's rows again under
its row lock, and the enterprise and round a participation had before the admin moved it."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db import models, transaction

from core import datacache

from .models import Enterprise, Participation


def refresh_pairs(
    model: type[models.Model],
    key: str,
    *,
    enterprise_ids: Iterable[int],
    pairs_for: Callable[[set[int]], set[tuple[int, int]]],
) -> None:
    """Make ``model``'s rows (``key``, enterprise) for these enterprises what ``pairs_for(ids)`` says.

    Each enterprise's row is locked while its rows are worked out (``FOR NO KEY UPDATE``, which a participation
    or link being added to it does not wait for), in the order of their ids so that two refreshes never wait on
    each other in a circle: two changes to one enterprise at once are worked out one after the other, the second
    reading what the first committed, so neither loses the other's rows."""
    ids = sorted(set(enterprise_ids))
    if not ids:
        return
    with transaction.atomic():
        existing = set(
            Enterprise.objects.select_for_update(no_key=True)
            .filter(pk__in=ids)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        wanted = pairs_for(existing) if existing else set()
        kept = set(model.objects.filter(enterprise_id__in=ids).values_list(f"{key}_id", "enterprise_id"))
        gone, new = kept - wanted, wanted - kept
        for value in {k for k, _e in gone}:
            model.objects.filter(
                **{f"{key}_id": value, "enterprise_id__in": [e for k, e in gone if k == value]}
            ).delete()
        model.objects.bulk_create(
            [model(**{f"{key}_id": k, "enterprise_id": e}) for k, e in new], ignore_conflicts=True
        )
        if gone or new:  # bulk_create sends no signal: what was counted from these rows is dropped
            datacache.data_changed()


def round_enterprises(round_ids) -> set[int]:
    """The enterprises taking part in these rounds."""
    return set(Participation.objects.filter(training_round_id__in=round_ids).values_list("enterprise_id", flat=True))


def remember_stored(sender, instance, raw=False, **kwargs) -> None:
    """Before a participation is changed, note the enterprise and round it had: the admin may move it to
    another enterprise or round, and what is kept of those must be worked out again too (``stored_links``)."""
    instance._stored_links = None
    if not instance._state.adding and not raw:
        instance._stored_links = (
            Participation.objects.filter(pk=instance.pk).values_list("enterprise_id", "training_round_id").first()
        )


def stored_links(instance: Participation) -> tuple[set[int], set[int]]:
    """The enterprises and rounds a participation saved or deleted touches: what it has, and what it had."""
    enterprises, rounds = {instance.enterprise_id}, {instance.training_round_id}
    stored = getattr(instance, "_stored_links", None)
    if stored:
        enterprises.add(stored[0])
        rounds.add(stored[1])
    return enterprises, rounds
