from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from core.filters import PortalFilterSet

from .models import Subscriber


class SubscriberFilter(PortalFilterSet):
    search_fields = ("email", "consent_note")

    status = django_filters.ChoiceFilter(label=_("Status"), choices=Subscriber.Status.choices)
    language = django_filters.ChoiceFilter(label=_("Language"), choices=Subscriber.Language.choices)
    consent_source = django_filters.ChoiceFilter(label=_("Consent given through"), choices=Subscriber.Source.choices)

    class Meta:
        model = Subscriber
        fields: list = []
