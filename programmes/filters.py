from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.filters import DATE, PortalFilterSet, distinct_values

from .models import Agreement, Country, Module, Organisation, TrainingRound
from .selectors import organisations_visible_to


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


class CountryFilter(PortalFilterSet):
    search_fields = ("name", "code", "time_zone", "currency", "office_name")

    currency = django_filters.ChoiceFilter(label=_("Currency"), choices=[])

    class Meta:
        model = Country
        fields: list[str] = []

    def setup_filters(self) -> None:
        self.filters["currency"].extra["choices"] = distinct_values(self.queryset, "currency")
