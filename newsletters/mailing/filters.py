from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from core import standards
from core.filters import PortalFilterSet
from programmes.models import Country

from .models import Subscriber


def _language_choices() -> list[tuple[str, str]]:
    """Every language a country programme's newsletter is written in, and 'every language'."""
    codes = sorted({code for languages in Country.objects.values_list("languages", flat=True) for code in languages})
    return [*((code, standards.language_name(code)) for code in codes), (Subscriber.Language.BOTH, _("Every language"))]


class SubscriberFilter(PortalFilterSet):
    search_fields = ("email", "consent_note")

    status = django_filters.ChoiceFilter(label=_("Status"), choices=Subscriber.Status.choices)
    country = django_filters.ModelChoiceFilter(label=_("Newsletter"), queryset=Country.objects.order_by("name"))
    language = django_filters.ChoiceFilter(label=_("Language"), choices=_language_choices)
    consent_source = django_filters.ChoiceFilter(label=_("Consent given through"), choices=Subscriber.Source.choices)

    class Meta:
        model = Subscriber
        fields: list = []
