"""One section of a detail page, paginated: a round's enterprises, an organisation's rounds, ...

A detail page lists what belongs to its object; some of those lists grow with the programme (an
organisation's rounds and trainers), so each is shown a page at a time, with its own ``?<param>=`` so
paging one section leaves the others where they were. ``core/section_pager.html`` draws the links.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

from django.apps import apps
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.functional import cached_property

from core import datacache


def section_page(request, queryset, param: str, per_page: int = 25, anchor: str = "") -> Page:
    page = KeptCountPaginator(queryset, per_page).get_page(request.GET.get(param))
    query = request.GET.copy()

    def link(number: int) -> str:
        query[param] = number
        return f"?{query.urlencode()}" + (f"#{anchor}" if anchor else "")

    page.previous_url = link(page.previous_page_number()) if page.has_previous() else ""
    page.next_url = link(page.next_page_number()) if page.has_next() else ""
    return page


_LAST = 2147483647  # stands for the last argument while the URL is reversed once

# The hand-written pieces' switches, read on every use: bench/pieces.py turns one off to time a page without it
# (Django's ``reverse`` per link, Django's ``Paginator.count``). Never switched off in the portal itself.
URLS_REVERSED_ONCE = True
KEEP_COUNTS = True


def url_maker(viewname: str, *args) -> Callable[[int], str]:
    """A function of one more integer argument that gives what ``reverse(viewname, args=[*args, n])`` gives,
    reversing once: a section of 50 rows with two links each reversed its URL a hundred times (a tenth of a
    round's page). The URL pattern must take that argument as ``<int:...>``, last in its path."""
    if not URLS_REVERSED_ONCE:  # what Django does: reverse() for every link
        return lambda n: reverse(viewname, args=[*args, n])
    head, _sep, tail = reverse(viewname, args=[*args, _LAST]).rpartition(str(_LAST))
    return lambda n: f"{head}{int(n)}{tail}"


_TABLES = re.compile(r'(?:FROM|JOIN) "([^"]+)"')


@functools.cache  # the models do not change while the portal runs
def _watched_tables() -> frozenset[str]:
    return frozenset(
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in datacache.WATCHED_APPS
    )


class KeptCountPaginator(Paginator):
    """A list's or a section's paginator (a queryset, or a django-tables2 table's rows) whose count is kept
    until the data under it changes (``core.datacache``).

    At 100,000 enterprises the count of a filtered list is most of its SQL (the enterprises that took Module 1
    in one sector: a join of two 100,000-row sets, 17 ms), while the rows of its page are an index read. The
    count is kept under the list's own SQL and parameters (its filters, its search, the user's scope and the
    day are all in them), and only when every table that SQL reads belongs to a watched app, whose every
    change replaces the data version; any other list is counted each time."""

    @cached_property
    def count(self) -> int:
        if not KEEP_COUNTS:  # Django's Paginator: COUNT(*) on every request
            return super().count
        queryset, table_data = self.object_list, None
        if not isinstance(queryset, QuerySet):  # django-tables2: BoundRows -> TableQuerysetData -> the queryset
            table_data = getattr(queryset, "data", None)
            pinned = getattr(queryset, "pinned_data", None) or {}
            queryset = getattr(table_data, "data", None)
            if not isinstance(queryset, QuerySet) or any(pinned.values()):
                return super().count
        try:  # the rows it counts: what only the page's rows need (their related rows, their order) left out
            sql, params = queryset.select_related(None).order_by().query.sql_with_params()
        except EmptyResultSet:  # a queryset that can match nothing (.none()): nothing to ask the database
            return super().count
        if not set(_TABLES.findall(sql)) <= _watched_tables():
            return super().count
        count = datacache.cached(f"list-count:{sql}:{params!r}", queryset.count)
        if table_data is not None:
            table_data._length = count  # what the table's len() reads
        return count
