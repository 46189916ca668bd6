from __future__ import annotations

import django_tables2 as tables
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from programmes.tables import TABLE_ATTRS

from .models import Enterprise


class EnterpriseTable(tables.Table):
    name = tables.Column(verbose_name=_("Name"), linkify=True)
    sector = tables.Column(verbose_name=_("Sector"))
    province = tables.Column(verbose_name=_("Province"))
    city = tables.Column(verbose_name=_("City"))
    workforce_total = tables.Column(verbose_name=_("Workforce"), attrs={"td": {"class": "text-end"}})
    modules = tables.Column(
        verbose_name=_("Modules taken"), accessor="pk", orderable=False, attrs={"td": {"class": "text-nowrap"}}
    )
    brought_in_by = tables.Column(verbose_name=_("Brought in by"), accessor="pk", orderable=False)

    class Meta:
        model = Enterprise
        fields: tuple = ()
        sequence = ("name", "sector", "province", "city", "workforce_total", "modules", "brought_in_by")
        attrs = TABLE_ATTRS
        order_by = ("name",)
        empty_text = _("No enterprise matches these filters.")

    def render_workforce_total(self, record, value):
        return "—" if record.workforce is None else value

    def value_workforce_total(self, record, value):
        return "" if record.workforce is None else value

    def _codes(self, record) -> list[str]:
        modules = {p.training_round.module for p in record.participations.all()}
        return [m.code for m in sorted(modules, key=lambda m: (m.order, m.code))]

    def render_modules(self, record):
        codes = self._codes(record)
        if not codes:
            return "—"
        return format_html_join("", '<span class="badge text-bg-light border me-1">{}</span>', ((c,) for c in codes))

    def value_modules(self, record):
        return " ".join(self._codes(record))

    def render_brought_in_by(self, record):
        return ", ".join(str(o) for o in record.organisations.all()) or "—"

    def value_brought_in_by(self, record):
        return ", ".join(str(o) for o in record.organisations.all())
