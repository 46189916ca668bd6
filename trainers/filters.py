from __future__ import annotations

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.filters import PortalFilterSet
from programmes.models import Module, Organisation

from .models import Qualification, Sex, Trainer


class TrainerFilter(PortalFilterSet):
    search_fields = ("name", "position", "organisation__name", "organisation__short_name", "email")

    module = django_filters.ModelChoiceFilter(
        label=_("Qualified for module (today)"), queryset=Module.objects.all(), method="by_module"
    )
    role = django_filters.ChoiceFilter(label=_("Role"), choices=Trainer.Role.choices)
    sex = django_filters.ChoiceFilter(label=_("Sex"), choices=Sex.choices)
    organisation = django_filters.ModelChoiceFilter(label=_("Organisation"), queryset=Organisation.objects.all())
    active = django_filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = Trainer
        fields: list[str] = []

    def by_module(self, queryset, name, value):
        today = timezone.localdate()
        valid = Qualification.objects.valid_on(today).filter(module=value)
        return queryset.filter(pk__in=valid.values("trainer_id"))
