from __future__ import annotations

import django_tables2 as tables
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from programmes.tables import TABLE_ATTRS

from .models import Trainer


class TrainerTable(tables.Table):
    name = tables.Column(verbose_name=_("Name"), linkify=True)
    sex = tables.Column(verbose_name=_("Sex"))
    role = tables.Column(verbose_name=_("Role"))
    organisation = tables.Column(verbose_name=_("Organisation"), order_by=("organisation__name",))
    qualified_for = tables.Column(verbose_name=_("Qualified for (today)"), accessor="pk", orderable=False)
    n_rounds = tables.Column(verbose_name=_("Rounds"), attrs={"td": {"class": "text-end"}})
    active = tables.BooleanColumn(verbose_name=_("Active"))

    class Meta:
        model = Trainer
        fields: tuple = ()
        sequence = ("name", "sex", "role", "organisation", "qualified_for", "n_rounds", "active")
        attrs = TABLE_ATTRS
        order_by = ("name",)
        empty_text = _("No trainer matches these filters.")

    def _valid_codes(self, record) -> list[str]:
        today = timezone.localdate()
        return sorted({q.module.code for q in record.qualifications.all() if q.valid_on(today)})

    def render_qualified_for(self, record):
        codes = self._valid_codes(record)
        if not codes:
            return "—"
        return format_html_join(" ", '<span class="badge text-bg-light border">{}</span>', ((c,) for c in codes))

    def value_qualified_for(self, record):
        return " ".join(self._valid_codes(record))

    def render_active(self, value):
        return _("yes") if value else format_html('<span class="text-body-secondary">{}</span>', _("no"))

    def value_active(self, value):
        return _("yes") if value else _("no")
