"""The results export, streamed: one row per KPI line, in the import's columns plus Status.

The same columns as ``imports.export_rows`` (the columns the import reads back, the headings
in English, the CSV with a byte-order mark, the workbook's widths and dates; its heading in bold, as the
import's marked copy has it), read the way a list export is (core.tables): one query of plain values, each
result joined to its KPI lines (a result without lines gives one row), in chunks, written as it is read.
Building a model instance for every result and line, and the whole file in memory, took 37 s for the CSV
at 240,000 lines.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import F, Func, TextField, Value
from django.db.models.functions import Cast
from django.http import FileResponse, StreamingHttpResponse

from core.http import attachment
from core.spreadsheets import csv_text
from core.tables import CHUNK, csv_chunks, labels, streamed_xlsx
from enterprises.models import KPI, Result
from programmes.models import Module

from . import imports

HEADINGS = imports.COLUMNS + imports.EXPORT_ONLY
_WIDE = {
    imports.ENTERPRISE: 40,
    imports.MODULE: 28,
    imports.KPI_COL: 40,
    imports.NOTE: 40,
}  # as the template's (imports.WIDTHS)
WIDTHS = {i: _WIDE.get(heading, 16) for i, heading in enumerate(HEADINGS, start=1)}

_VALUES = (
    "enterprise__name",
    "enterprise__city",
    "module_id",
    "status",
    "kpi_lines__kpi_id",
    "kpi_lines__baseline_value",
    "kpi_lines__baseline_date",
    "kpi_lines__followup_value",
    "kpi_lines__followup_date",
    "kpi_lines__note",
)
_NUMBERS = ("kpi_lines__baseline_value", "kpi_lines__followup_value")
_DAYS = ("kpi_lines__baseline_date", "kpi_lines__followup_date")


def _lines(results, *, as_text: bool = False):
    """(enterprise, city, module id, status, KPI id, baseline, its date, follow-up, its date, note) for
    each KPI line of the results, in the results' order and then their lines' (by KPI); a result without
    lines once, with None from the KPI on. ``as_text``: the values and dates as the CSV writes them
    (``Decimal.normalize`` then ``f"{:f}"``, ISO dates), made by PostgreSQL, which is much cheaper than
    making a Decimal and a date of each in Python and formatting it again."""
    order = results.query.order_by or results.model._meta.ordering  # the results' order, then their lines'
    ordering = [*order, "kpi_lines__kpi__order", "kpi_lines__kpi__name"]
    rows = results.select_related(None).prefetch_related(None).order_by(*ordering)
    if as_text and connection.vendor == "postgresql":
        texts = {f"{name}_text": Cast(Func(F(name), function="trim_scale"), TextField()) for name in _NUMBERS}
        texts |= {
            f"{name}_text": Func(F(name), Value("YYYY-MM-DD"), function="to_char", output_field=TextField())
            for name in _DAYS
        }
        names = [f"{name}_text" if name in _NUMBERS + _DAYS else name for name in _VALUES]
        yield from rows.annotate(**texts).values_list(*names).iterator(chunk_size=CHUNK)
        return
    for line in rows.values_list(*_VALUES).iterator(chunk_size=CHUNK):
        *result, kpi_id, baseline, baseline_on, followup, followup_on, note = line
        if kpi_id is not None:
            baseline, followup = baseline.normalize(), followup.normalize()
            if as_text:
                baseline, followup = csv_text(baseline), csv_text(followup)
                baseline_on, followup_on = csv_text(baseline_on), csv_text(followup_on)
        yield (*result, kpi_id, baseline, baseline_on, followup, followup_on, note)


def _lookups():
    modules = {m.pk: imports.module_label(m) for m in Module.objects.all()}
    return modules, dict(KPI.objects.values_list("pk", "name")), labels(Result.Status.choices)


def export_rows(results):
    """The headings, then one row per KPI line of the results (a queryset, in its order; the lines of a
    result in their own order, by KPI), as ``imports.export_rows`` makes them."""
    yield list(HEADINGS)
    modules, kpis, statuses = _lookups()
    for name, city, module_id, status, kpi_id, *values, note in _lines(results):
        base = [f"{name}, {city}", modules[module_id]]
        if kpi_id is None:  # a result without lines
            yield [*base, None, None, None, None, None, None, statuses[status]]
        else:
            yield [*base, kpis[kpi_id], *values, note, statuses[status]]


def csv_rows(results):
    """The same rows as CSV cells (core.spreadsheets' ``csv_text`` of each): the user's text (enterprise,
    note) made safe cell by cell, the labels once, the numbers and dates as PostgreSQL wrote them."""
    yield list(HEADINGS)
    modules, kpis, statuses = ({key: csv_text(label) for key, label in lookup.items()} for lookup in _lookups())
    for name, city, module_id, status, kpi_id, *values, note in _lines(results, as_text=True):
        base = [csv_text(f"{name}, {city}"), modules[module_id]]
        if kpi_id is None:
            yield [*base, "", "", "", "", "", "", statuses[status]]
        else:
            yield [*base, kpis[kpi_id], *values, csv_text(note), statuses[status]]


def export_csv_response(results, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        csv_chunks(csv_rows(results), None, bom=True), content_type="text/csv; charset=utf-8"
    )
    return attachment(response, filename)


def export_xlsx_response(results, filename: str) -> FileResponse:
    return streamed_xlsx(export_rows(results), filename, title=imports.SHEET, widths=WIDTHS)
