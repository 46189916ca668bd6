from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core import datacache
from core.widgets import QuickSelect

from .models import Agreement, Module, Organisation, TrainingRound
from .selectors import organisations_visible_to

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


class RoundFilter(PortalFilterSet):
    search_fields = ("city", "province", "organiser__name", "organiser__short_name", "module__name", "notes")

    module = django_filters.ModelChoiceFilter(label=_("Module"), queryset=Module.objects.all())
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=TrainingRound.Kind.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=TrainingRound.Status.choices)
    province = django_filters.ChoiceFilter(label=_("Province"), choices=[])
    organisation = django_filters.ModelChoiceFilter(
        label=_("Organisation"), queryset=Organisation.objects.none(), method="by_organisation"
    )
    start_from = django_filters.DateFilter(
        label=_("Starts on or after"), field_name="start", lookup_expr="gte", widget=DATE
    )
    start_to = django_filters.DateFilter(
        label=_("Starts on or before"), field_name="start", lookup_expr="lte", widget=DATE
    )

    class Meta:
        model = TrainingRound
        fields: list[str] = []

    def setup_filters(self) -> None:
        self.filters["province"].extra["choices"] = distinct_values(self.queryset, "province")
        self.filters["organisation"].queryset = (
            organisations_visible_to(self.request.user) if self.request else Organisation.objects.none()
        )

    def by_organisation(self, queryset, name, value):
        in_scope = TrainingRound.objects.filter(Q(organiser=value) | Q(co_organisers=value)).values("pk")
        return queryset.filter(pk__in=in_scope)


class OrganisationFilter(PortalFilterSet):
    search_fields = ("name", "short_name", "city", "province", "notes")

    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Organisation.Kind.choices)
    province = django_filters.ChoiceFilter(label=_("Province"), choices=[])
    agreement = django_filters.ChoiceFilter(
        label=_("Has an agreement"), choices=Agreement.Kind.choices, method="by_agreement"
    )

    class Meta:
        model = Organisation
        fields: list[str] = []

    def setup_filters(self) -> None:
        self.filters["province"].extra["choices"] = distinct_values(self.queryset, "province")

    def by_agreement(self, queryset, name, value):
        return queryset.filter(pk__in=Agreement.objects.filter(kind=value).values("organisation_id"))
