from __future__ import annotations

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.tables import TABLE_ATTRS, WIDE_ONLY, DateColumn, ValuesExport, iso, labels, status_badge

from .models import Country, Organisation, TrainingRound


class RoundTable(ValuesExport, tables.Table):
    place = tables.Column(verbose_name=_("Place"), accessor="city", order_by=("city", "province"))
    module = tables.Column(
        verbose_name=_("Module"), accessor="module__code", order_by=("module__order",), attrs=WIDE_ONLY
    )
    kind = tables.Column(verbose_name=_("Kind"), attrs=WIDE_ONLY)
    organiser = tables.Column(verbose_name=_("Organiser"), order_by=("organiser__name",))
    start = DateColumn(verbose_name=_("Start"), attrs=WIDE_ONLY)
    end = DateColumn(verbose_name=_("End"), attrs=WIDE_ONLY)
    status = tables.Column(verbose_name=_("Status"))
    # the id after the count: rounds with the same count keep one order from page to page
    n_enterprises = tables.Column(
        verbose_name=_("Enterprises"), attrs={"td": {"class": "text-end"}}, order_by=("n_enterprises", "pk")
    )
    n_participants = tables.Column(
        verbose_name=_("Participants"), attrs={"td": {"class": "text-end"}}, order_by=("n_participants", "pk")
    )

    class Meta:
        model = TrainingRound
        fields: tuple = ()
        sequence = ("place", "module", "kind", "organiser", "start", "end", "status")
        attrs = TABLE_ATTRS
        order_by = ("-start",)
        empty_text = _("No training round matches these filters.")

    def value_place(self, record):
        return f"{record.city}, {record.province}" if record.province not in record.city else record.city

    def render_place(self, record):
        """The place, linked; on a phone, where the module and date columns are hidden, they follow below it."""
        return format_html(
            '<a href="{}">{}</a>'
            '<span class="d-block d-md-none small text-body-secondary text-nowrap">{} {} · {}–{}</span>',
            record.get_absolute_url(),
            self.value_place(record),
            record.module.code,
            record.get_kind_short(),
            f"{record.start:%Y-%m-%d}",
            f"{record.end:%Y-%m-%d}",
        )

    def render_kind(self, record):
        return record.get_kind_short()

    def render_status(self, record):
        return status_badge(record.status, record.get_status_display())

    def value_status(self, record):
        return str(TrainingRound.Status(record.status).label)

    # The export, read as values (core.tables.ValuesExport): the same cells as value_*/render_* above.
    export_values = (
        "city",
        "province",
        "module__code",
        "kind",
        "organiser__name",
        "organiser__short_name",
        "start",
        "end",
        "status",
        "n_enterprises",
        "n_participants",
    )

    def export_chunk(self, rows):
        kinds = {"tot": "ToT", "toe": "ToE", "both": "ToT/ToE"}  # TrainingRound.get_kind_short
        statuses = labels(TrainingRound.Status.choices)
        for row in rows:
            city, province = row["city"], row["province"]
            yield {
                "place": (f"{city}, {province}" if province not in city else city) if city else None,
                "module": row["module__code"] or None,
                "kind": kinds[row["kind"]],
                "organiser": row["organiser__short_name"] or row["organiser__name"] or None,
                "start": iso(row["start"]),
                "end": iso(row["end"]),
                "status": statuses[row["status"]],
                "n_enterprises": row["n_enterprises"],
                "n_participants": row["n_participants"],
            }


class OrganisationTable(tables.Table):
    name = tables.Column(verbose_name=_("Name"), linkify=True)
    short_name = tables.Column(verbose_name=_("Short name"))
    kind = tables.Column(verbose_name=_("Kind"))
    parent = tables.Column(verbose_name=_("Parent"), order_by=("parent__name",))
    province = tables.Column(verbose_name=_("Province"))
    city = tables.Column(verbose_name=_("City"))
    n_agreements = tables.Column(verbose_name=_("Agreements"), attrs={"td": {"class": "text-end"}})
    licence_until = DateColumn(verbose_name=_("Licence until"), attrs={"td": {"class": "text-nowrap"}})
    n_rounds = tables.Column(verbose_name=_("Rounds organised"), attrs={"td": {"class": "text-end"}})

    class Meta:
        model = Organisation
        fields: tuple = ()
        sequence = ("name", "short_name", "kind", "parent", "province", "city")
        attrs = TABLE_ATTRS
        order_by = ("name",)
        empty_text = _("No organisation matches these filters.")

    def render_parent(self, record):
        return record.parent.short_name or record.parent.name


class CountryTable(tables.Table):
    name = tables.Column(verbose_name=_("Name"), linkify=True)
    code = tables.Column(verbose_name=_("ISO code"))
    time_zone = tables.Column(verbose_name=_("Time zone"))
    currency = tables.Column(verbose_name=_("Currency"))
    languages = tables.Column(verbose_name=_("Content languages"), orderable=False)
    n_regions = tables.Column(verbose_name=_("Regions"), attrs={"td": {"class": "text-end"}})

    class Meta:
        model = Country
        fields: tuple = ()
        sequence = ("name", "code", "time_zone", "currency", "languages", "n_regions")
        attrs = TABLE_ATTRS
        order_by = ("name",)
        empty_text = _("No country programme matches these filters.")

    def render_languages(self, record):
        return ", ".join(record.language_names)
