"""One section of a detail page, paginated: a round's enterprises, an organisation's rounds, ...

A detail page lists what belongs to its object; some of those lists grow with the programme (an
organisation's rounds and trainers), so each is shown a page at a time, with its own ``?<param>=`` so
paging one section leaves the others where they were. ``core/section_pager.html`` draws the links.
"""

from __future__ import annotations

from django.core.paginator import Page, Paginator


def section_page(request, queryset, param: str, per_page: int = 25, anchor: str = "") -> Page:
    page = Paginator(queryset, per_page).get_page(request.GET.get(param))
    query = request.GET.copy()

    def link(number: int) -> str:
        query[param] = number
        return f"?{query.urlencode()}" + (f"#{anchor}" if anchor else "")

    page.previous_url = link(page.previous_page_number()) if page.has_previous() else ""
    page.next_url = link(page.next_page_number()) if page.has_next() else ""
    return page
