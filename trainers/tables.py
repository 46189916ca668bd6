from __future__ import annotations

import django_tables2 as tables
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from core.tables import CHUNK, TABLE_ATTRS, ValuesExport, labels
from programmes.models import Module

from .models import Qualification, Sex, Trainer


class TrainerTable(ValuesExport, tables.Table):
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

    # The export, read as values (core.tables.ValuesExport): the same cells as value_* above; the modules
    # each trainer is qualified for today are read once, for every trainer, in one query.
    export_values = (
        "pk",
        "name",
        "sex",
        "role",
        "organisation__name",
        "organisation__short_name",
        "n_rounds",
        "active",
    )

    def _export_lookups(self):
        codes = dict(Module.objects.values_list("pk", "code"))
        qualified: dict[int, set] = {}
        valid = Qualification.objects.valid_on(timezone.localdate()).values_list("trainer_id", "module_id")
        for trainer_id, module_id in valid.order_by().iterator(chunk_size=CHUNK):
            qualified.setdefault(trainer_id, set()).add(codes[module_id])
        qualified = {pk: " ".join(sorted(found)) for pk, found in qualified.items()}
        yes, no = str(_("yes")), str(_("no"))
        return labels(Sex.choices), labels(Trainer.Role.choices), qualified, yes, no

    def export_chunk(self, rows):
        if not hasattr(self, "_export"):
            self._export = self._export_lookups()
        sexes, roles, qualified, yes, no = self._export
        for row in rows:
            yield {
                "name": row["name"] or None,
                "sex": sexes.get(row["sex"], row["sex"]) or None,
                "role": roles.get(row["role"], row["role"]) or None,
                "organisation": row["organisation__short_name"] or row["organisation__name"] or None,
                "qualified_for": qualified.get(row["pk"], ""),
                "n_rounds": row["n_rounds"],
                "active": yes if row["active"] else no,
            }
