"""The filters of every list page (core.lists.PortalListView): a search box plus filters, and the choices a
column takes in the data."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from . import datacache
from .widgets import QuickSelect

DATE = forms.DateInput(attrs={"type": "date"})


def distinct_values(queryset, field: str) -> list[tuple[str, str]]:
    """The values a column takes in the queryset, as choices; kept until the data changes (core.datacache):
    at 100,000 enterprises the DISTINCT reads the whole table, for a list that changes a few times a year.
    The key is the query itself, so each user's scope keeps its own."""
    values = queryset.order_by(field).values_list(field, flat=True).distinct()
    if queryset.model._meta.app_label not in datacache.WATCHED_APPS:
        return [(v, v) for v in values if v]
    return datacache.cached(f"distinct:{values.query}", lambda: [(v, v) for v in values if v])


class PortalFilterSet(django_filters.FilterSet):
    """A search box plus filters; subclasses name the fields the search looks in."""

    search_fields: tuple[str, ...] = ()
    q = django_filters.CharFilter(label=_("Search"), method="search")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_filters()
        for field in self.form.fields.values():
            if type(field.widget) is forms.Select:  # the same HTML, written without a template per option
                field.widget = QuickSelect(attrs=field.widget.attrs)
                field.widget.choices = field.choices
            if hasattr(field, "empty_label"):
                field.empty_label = _("Any")
            if isinstance(field.widget, forms.NullBooleanSelect):  # its empty choice reads "Unknown"
                field.widget.choices = [("unknown", _("Any")), ("true", _("Yes")), ("false", _("No"))]

    def setup_filters(self) -> None:
        """Subclasses set choices that depend on the data or the user here (before the form is built)."""

    def search(self, queryset, name, value):
        """Every term in one of the search fields. A field across a foreign key (``organiser__name``) is looked
        up on its own table (``organiser__in=...``): an OR over a join makes PostgreSQL read every row, where
        each side of the OR alone is answered from its trigram index."""
        model = queryset.model
        query, joined = Q(), False
        for term in value.split():
            term_query = Q()
            related: dict[str, Q] = {}
            for field in self.search_fields:
                relation, _sep, rest = field.partition("__")
                if rest and "__" not in rest and model._meta.get_field(relation).many_to_one:
                    related[relation] = related.get(relation, Q()) | Q(**{f"{rest}__icontains": term})
                else:
                    joined = joined or bool(rest)
                    term_query |= Q(**{f"{field}__icontains": term})
            for relation, found in related.items():
                target = model._meta.get_field(relation).related_model
                term_query |= Q(**{f"{relation}__in": target._default_manager.filter(found).values("pk")})
            query &= term_query
        if not query:
            return queryset
        if not joined:  # every condition on the row itself: no join can repeat a row
            return queryset.filter(query)
        return queryset.filter(pk__in=model.objects.filter(query).values("pk"))
