from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from core.tables import TABLE_ATTRS, WIDE_ONLY, DateTimeColumn, status_badge

from .models import Subscriber


class SubscriberTable(tables.Table):
    email = tables.Column(verbose_name=_("E-mail"))
    country = tables.Column(verbose_name=_("Newsletter"), accessor="country__name", order_by=("country__name",))
    language = tables.Column(verbose_name=_("Language"))
    status = tables.Column(verbose_name=_("Status"))
    consented_at = DateTimeColumn(verbose_name=_("Consent given at"), format="Y-m-d H:i")
    consent_source = tables.Column(verbose_name=_("Consent given through"), attrs=WIDE_ONLY)
    consent_note = tables.Column(verbose_name=_("Consent details"), attrs=WIDE_ONLY)
    consent_text = tables.Column(verbose_name=_("Consent text"), visible=False)
    confirmed_at = DateTimeColumn(verbose_name=_("Confirmed at"), format="Y-m-d H:i", attrs=WIDE_ONLY)
    unsubscribed_at = DateTimeColumn(verbose_name=_("Unsubscribed at"), format="Y-m-d H:i", visible=False)
    stopped_reason = tables.Column(verbose_name=_("Why sending stopped"), visible=False)

    class Meta:
        model = Subscriber
        fields: tuple = ()
        attrs = TABLE_ATTRS
        order_by = ("email",)
        empty_text = _("No subscriber matches these filters.")

    def render_status(self, record):
        return status_badge(record.status, record.get_status_display())

    def value_status(self, record):
        return record.status

    def value_language(self, record):
        return record.language

    def value_consent_source(self, record):
        return record.consent_source
