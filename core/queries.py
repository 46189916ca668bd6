"""Query helpers that keep a list page's cost to the rows it shows.

A list that annotates ``Count``/``Sum`` over a join aggregates every row of the joined table before its
``LIMIT`` (and its paginator's ``COUNT`` repeats the join). A correlated subquery in the SELECT list is
only evaluated for the rows the page returns, uses the foreign key's index, and is left out of ``count()``.
"""

from __future__ import annotations

from django.db.models import Func, IntegerField, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce


def count_of(queryset: QuerySet) -> Coalesce:
    """``COUNT(*)`` of a queryset filtered on ``OuterRef(...)``, as an annotation."""
    counted = queryset.order_by().annotate(_n=Func(Value(1), function="COUNT")).values("_n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def max_of(queryset: QuerySet, field: str, output_field):
    """``MAX(field)`` over a queryset filtered on ``OuterRef(...)`` (None when it is empty)."""
    return Subquery(queryset.order_by(f"-{field}").values(field)[:1], output_field=output_field)
