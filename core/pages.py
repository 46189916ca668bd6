"""One section of a detail page, paginated: a round's enterprises, an organisation's rounds, ...

A detail page lists what belongs to its object; some of those lists grow with the programme (an
organisation's rounds and trainers), so each is shown a page at a time, with its own ``?<param>=`` so
paging one section leaves the others where they were. ``core/section_pager.html`` draws the links.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.paginator import Page, Paginator
from django.urls import reverse


def section_page(request, queryset, param: str, per_page: int = 25, anchor: str = "") -> Page:
    page = Paginator(queryset, per_page).get_page(request.GET.get(param))
    query = request.GET.copy()

    def link(number: int) -> str:
        query[param] = number
        return f"?{query.urlencode()}" + (f"#{anchor}" if anchor else "")

    page.previous_url = link(page.previous_page_number()) if page.has_previous() else ""
    page.next_url = link(page.next_page_number()) if page.has_next() else ""
    return page


_LAST = 2147483647  # stands for the last argument while the URL is reversed once


def url_maker(viewname: str, *args) -> Callable[[int], str]:
    """A function of one more integer argument that gives what ``reverse(viewname, args=[*args, n])`` gives,
    reversing once: a section of 50 rows with two links each reversed its URL a hundred times (a tenth of a
    round's page). The URL pattern must take that argument as ``<int:...>``, last in its path."""
    head, _sep, tail = reverse(viewname, args=[*args, _LAST]).rpartition(str(_LAST))
    return lambda n: f"{head}{int(n)}{tail}"
