from __future__ import annotations

import django_tables2 as tables
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from core.tables import CHUNK, TABLE_ATTRS, ValuesExport, labels
from programmes.models import Module, Organisation

from .models import Enterprise, Sector
from .selectors import modules_taken_visible_to


class EnterpriseTable(ValuesExport, tables.Table):
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

    # The export, read as values (core.tables.ValuesExport): the same cells as value_* above. The modules
    # and organisations of every enterprise listed are read once, in two queries, and kept as small numbers
    # (a bit per module, an organisation's id): cheaper than two IN lists of ids for every chunk of rows.
    export_values = ("pk", "name", "sector", "province", "city", "workers_women", "workers_men")

    def _export_lookups(self):
        modules = list(Module.objects.order_by("order", "code").values_list("pk", "code"))
        bit = {pk: 1 << i for i, (pk, _code) in enumerate(modules)}
        taken: dict[int, int] = {}
        pairs = (
            modules_taken_visible_to(self.request.user)
            .values_list("enterprise_id", "training_round__module_id")
            .order_by()
            .iterator(chunk_size=CHUNK)  # read in pieces, not kept as a list of every pair
        )
        for enterprise_id, module_id in pairs:
            taken[enterprise_id] = taken.get(enterprise_id, 0) | bit[module_id]
        codes = {}
        for mask in set(taken.values()):
            codes[mask] = " ".join(code for i, (_pk, code) in enumerate(modules) if mask >> i & 1)
        organisations = {
            pk: (name, short or name)
            for pk, name, short in Organisation.objects.values_list("pk", "name", "short_name")
        }
        brought: dict[int, list] = {}
        through = Enterprise.organisations.through.objects.values_list("enterprise_id", "organisation_id")
        for enterprise_id, organisation_id in through.order_by().iterator(chunk_size=CHUNK):
            brought.setdefault(enterprise_id, []).append(organisation_id)
        labels_of = {}
        for enterprise_id, ids in brought.items():
            key = tuple(ids)
            if key not in labels_of:
                labels_of[key] = ", ".join(label for _name, label in sorted(organisations[pk] for pk in key))
            brought[enterprise_id] = labels_of[key]
        return labels(Sector.choices), {enterprise_id: codes[mask] for enterprise_id, mask in taken.items()}, brought

    def export_chunk(self, rows):
        if not hasattr(self, "_export"):
            self._export = self._export_lookups()
        sectors, modules, brought = self._export
        for row in rows:
            pk = row["pk"]
            women, men = row["workers_women"], row["workers_men"]
            yield {
                "name": row["name"] or None,
                "sector": sectors.get(row["sector"], row["sector"]) or None,
                "province": row["province"] or None,
                "city": row["city"] or None,
                "workforce_total": "" if women is None and men is None else (women or 0) + (men or 0),
                "modules": modules.get(pk, ""),
                "brought_in_by": brought.get(pk, ""),
            }
