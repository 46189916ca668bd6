from __future__ import annotations

import django_filters
from django.contrib.auth.models import User
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core import roles
from core.filters import PortalFilterSet
from programmes.models import Organisation


class PersonFilter(PortalFilterSet):
    search_fields = ("username", "first_name", "last_name", "email")

    role = django_filters.ChoiceFilter(label=_("Role"), choices=roles.Role.choices, method="by_role")
    organisation = django_filters.ModelChoiceFilter(
        label=_("Organisation"), queryset=Organisation.objects.all(), field_name="partner_membership__organisation"
    )
    is_active = django_filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = User
        fields: list[str] = []

    def by_role(self, queryset, name, value):
        in_role = Q(groups__name=roles.ROLE_GROUP[value])
        if value == roles.Role.OFFICER:
            in_role |= Q(is_superuser=True)
        return queryset.filter(pk__in=User.objects.filter(in_role).values("pk"))
