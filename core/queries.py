"""Query helpers that keep a list page's cost to the rows it shows.

A list that annotates ``Count``/``Sum`` over a join aggregates every row of the joined table before its
``LIMIT`` (and its paginator's ``COUNT`` repeats the join). A correlated subquery in the SELECT list is
only evaluated for the rows the page returns, uses the foreign key's index, and is left out of ``count()``.
"""

from __future__ import annotations

import statistics

from django.db.models import Aggregate, FloatField, Func, IntegerField, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce


def count_of(queryset: QuerySet) -> Coalesce:
    """``COUNT(*)`` of a queryset filtered on ``OuterRef(...)``, as an annotation."""
    counted = queryset.order_by().annotate(_n=Func(Value(1), function="COUNT")).values("_n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def max_of(queryset: QuerySet, field: str, output_field):
    """``MAX(field)`` over a queryset filtered on ``OuterRef(...)`` (None when it is empty)."""
    return Subquery(queryset.order_by(f"-{field}").values(field)[:1], output_field=output_field)


class Median(Aggregate):
    """The median: PostgreSQL's ``percentile_cont(0.5)``; on SQLite (the quick start's database) the MEDIAN
    aggregate of the same meaning, which ``sqlite_functions`` adds to each new connection."""

    function = "PERCENTILE_CONT"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()
    allow_distinct = False

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler, connection, function="MEDIAN", template="%(function)s(%(expressions)s)", **extra_context
        )


class _SQLiteMedian:
    """percentile_cont(0.5): the middle value, or the mean of the two middle ones; NULLs left out."""

    def __init__(self):
        self.values: list = []

    def step(self, value) -> None:
        if value is not None:
            self.values.append(value)

    def finalize(self) -> float | None:
        return float(statistics.median(self.values)) if self.values else None


def sqlite_functions(sender, connection, **kwargs) -> None:
    """``connection_created`` receiver: the aggregates PostgreSQL has and SQLite lacks, for SQLite connections."""
    if connection.vendor == "sqlite":
        connection.connection.create_aggregate("MEDIAN", 1, _SQLiteMedian)
