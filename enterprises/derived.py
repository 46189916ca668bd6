"""What the tables derived from participations, rounds and organisation links share (``enterprises.scope``: the
organisations that reach an enterprise, ``enterprises.taken``: the modules it has taken, ``enterprises.tally``: a
round's counts): working out one enterprise's rows again under its row lock, and rebuilding a whole table in one
transaction.

Nothing here runs by itself: the services that change a source (enterprises.services, and programmes.services
through ``register_round_saved``) call the refresh functions in their transaction, and ``manage.py
rebuild_derived`` rebuilds every table from its sources."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db import connection, models, transaction

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


def lock_for_rebuild(model: type[models.Model]) -> None:
    """Called first in a rebuild's transaction: the table's writers (a refresh in another transaction) wait until the
    rebuild commits, its readers do not (``SHARE ROW EXCLUSIVE`` conflicts with the row locks of INSERT, UPDATE and
    DELETE, not with SELECT). Readers see the old rows until the commit and the new ones after it, never an empty
    table; a change committed before the lock is read by the rebuild, one made after it refreshes its rows after
    the rebuild.

    On SQLite (the quick start) there is nothing to do: its transactions begin ``IMMEDIATE`` (settings), which takes
    the database's one write lock for the whole rebuild, and its write-ahead log lets readers see the old rows until
    the commit."""
    if connection.vendor == "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {connection.ops.quote_name(model._meta.db_table)} IN SHARE ROW EXCLUSIVE MODE")
