from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from core.filters import DATE, PortalFilterSet, distinct_values
from programmes.models import Module, Organisation, TrainingRound
from programmes.selectors import organisations_visible_to

from .models import Enterprise, EnterpriseModule, Participation, Sector


class EnterpriseFilter(PortalFilterSet):
    search_fields = ("name", "city", "province", "notes")

    module = django_filters.ModelChoiceFilter(label=_("Took module"), queryset=Module.objects.all(), method="by_module")
    sector = django_filters.ChoiceFilter(label=_("Sector"), choices=Sector.choices)
    province = django_filters.ChoiceFilter(label=_("Province"), choices=[])
    organisation = django_filters.ModelChoiceFilter(
        label=_("Brought in by"), queryset=Organisation.objects.none(), field_name="organisations"
    )
    trained_from = django_filters.DateFilter(
        label=_("In a round starting on or after"), method="by_round_start", widget=DATE
    )
    trained_to = django_filters.DateFilter(
        label=_("In a round starting on or before"), method="by_round_start", widget=DATE
    )

    class Meta:
        model = Enterprise
        fields: list[str] = []

    def setup_filters(self) -> None:
        self.filters["province"].extra["choices"] = distinct_values(self.queryset, "province")
        self.filters["organisation"].queryset = (
            organisations_visible_to(self.request.user) if self.request else Organisation.objects.none()
        )

    def _participations(self):
        return Participation.objects.exclude(training_round__status=TrainingRound.Status.CANCELLED)

    def by_module(self, queryset, name, value):
        # Kept by enterprises.taken (a participation in a round of the module that was not cancelled).
        return queryset.filter(pk__in=EnterpriseModule.objects.filter(module=value).values("enterprise_id"))

    def by_round_start(self, queryset, name, value):
        lookup = "training_round__start__gte" if name == "trained_from" else "training_round__start__lte"
        return queryset.filter(pk__in=self._participations().filter(**{lookup: value}).values("enterprise_id"))
