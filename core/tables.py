"""django-tables2 lists at programme scale: exports that read each column's signature once, CSV streamed.

django-tables2 reads the signature of a column's ``render``/``value`` method (``inspect.signature``) for
every cell it renders or exports. A page shows 25 rows and keeps the library's way (docs/performance.md gives
what it costs); an export of every row reads each column's signature once (``_Cell``).

A CSV export of a whole list is streamed (``StreamingHttpResponse``): the queryset is read in chunks (with
its prefetches per chunk), each row is written as soon as it is made, and the first bytes leave before the
last row is read. An XLSX export is written the same way, row by row, by core.spreadsheets' ``XlsxWriter``
into a temporary file (a zip cannot be sent before it is finished), which is then sent as a file: memory
stays flat and the time grows with the rows (openpyxl's write-only workbook took 14 µs a cell).

At programme scale (100,000 enterprises) building a model instance per record, prefetching its relations
with an ``IN`` list of 2,000 ids and calling django-tables2's cell machinery for every cell took most of
a minute. A table may therefore declare a fast export (``ValuesExport``): ``export_values``, the names its
rows are read with (``QuerySet.values``: plain dicts, no model instances), and ``export_chunk``, which turns
one chunk of those rows into each row's exported values by column name, fetching what it needs of related
tables in one query per chunk keyed by the chunk's ids. The headings and their order stay the table's; a
table without it keeps the generic path.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import operator
import tempfile
from collections.abc import Iterable, Iterator

import django_tables2 as tables
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.template import Context, Template
from django.template.defaultfilters import date as date_filter
from django.utils.encoding import force_str
from django.utils.html import format_html
from django.utils.timezone import template_localtime

from core.http import attachment
from core.spreadsheets import CONTENT_TYPE_XLSX, FORMULA_STARTS, Style, Styled, XlsxWriter, csv_text

# The look of every list page's table
TABLE_ATTRS = {"class": "table table-sm table-hover align-middle"}
WIDE_ONLY = {"th": {"class": "d-none d-md-table-cell"}, "td": {"class": "d-none d-md-table-cell text-nowrap"}}


def status_badge(status: str, label: str) -> str:
    return format_html('<span class="badge status-{}">{}</span>', status, label)


CHUNK = 2000

# Read on every cell: bench/pieces.py turns it off to time a page with django-tables2's way (a template compiled
# for every cell, as its DateColumn does). Never switched off in the portal itself.
DATES_WITHOUT_TEMPLATE = True


class DateColumn(tables.Column):
    """django-tables2's ``DateColumn`` without its template: that one compiles ``{{ value|date:... }}`` again for
    every cell (a fifth of a list page's time). The same text: Django's ``date`` filter, in the active language's
    format; exported as ISO 8601."""

    short_format, long_format = "SHORT_DATE_FORMAT", "DATE_FORMAT"

    def __init__(self, format=None, short=True, **kwargs):
        super().__init__(**kwargs)
        self.format = format or (self.short_format if short else self.long_format)

    def render(self, value):
        if not DATES_WITHOUT_TEMPLATE:
            return _library_date(self.format, value)
        return date_filter(value, self.format)

    def value(self, value):
        return value.isoformat() if isinstance(value, dt.date) else value


class DateTimeColumn(DateColumn):
    """As ``DateColumn``, for a moment: shown in the portal's time zone, exported as ISO 8601."""

    short_format, long_format = "SHORT_DATETIME_FORMAT", "DATETIME_FORMAT"

    def render(self, value):
        if not DATES_WITHOUT_TEMPLATE:
            return _library_date(self.format, value)
        return date_filter(template_localtime(value), self.format)

    def value(self, value):
        return value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value


def _library_date(format: str, value) -> str:
    """What django-tables2's ``DateColumn``/``DateTimeColumn`` do for a cell: compile their template, render it."""
    return Template('{{ value|date:"%s" }}' % format).render(Context({"value": value}))  # noqa: UP031


_MISSING = object()


class _Cell:
    """How one column's exported value is made, worked out once per export: the same value as
    django-tables2's ``BoundRow.get_cell_value`` (a choice field's label, empty values as None, then
    ``value_<name>``/``render_<name>``/``column.value`` called with the arguments it takes), without
    re-reading the column, the accessor and the choices for every cell."""

    def __init__(self, table, bound_column):
        import django_tables2.utils as utils

        self.table, self.bound_column, self.column = table, bound_column, bound_column.column
        self.accessor = utils.A(bound_column.accessor)
        self.value = bound_column.value
        args, catch_all = utils.signature(self.value)
        self.args = None if catch_all else set(args)
        self.labels = _MISSING  # {stored value: label} when the accessor ends on a choice field

    def _choice_labels(self, record):
        penultimate, remainder = self.accessor.penultimate(record)
        if isinstance(penultimate, models.Model) and remainder:
            try:
                field = penultimate._meta.get_field(remainder)
            except FieldDoesNotExist:
                return None
            if getattr(field, "choices", None):
                return {k: force_str(v) for k, v in field.flatchoices}
        return None

    def __call__(self, record):
        from django_tables2.rows import BoundRow

        if self.labels is _MISSING:
            self.labels = self._choice_labels(record)
        try:
            value = self.accessor.resolve(record)
        except Exception:
            value = None
        if self.labels is not None:
            value = self.labels.get(value, value)
        if value in self.column.empty_values:
            return None
        kwargs = {"value": value, "record": record, "column": self.column, "bound_column": self.bound_column}
        kwargs["table"] = self.table
        if self.args is None or "bound_row" in self.args:
            kwargs["bound_row"] = BoundRow(record, table=self.table)
        if self.args is not None:
            if not self.args <= kwargs.keys():
                return None
            kwargs = {k: v for k, v in kwargs.items() if k in self.args}
        return self.value(**kwargs)


class ValuesExport:
    """A table's fast export (mixed into a django-tables2 Table): its rows read as ``values()`` dicts in
    chunks, each chunk turned into exported values by ``export_chunk``. Each value must be what the generic
    path exports for that cell (``value_<name>``, a choice's label, a date as ISO text, None for what
    django-tables2 treats as empty: None and "")."""

    export_values: tuple[str, ...] = ()  # the names read with QuerySet.values(), "pk" included when needed
    # (empty: the generic path, which tests use to check that both give the same cells)

    def export_chunk(self, rows: list[dict]) -> Iterable[dict]:
        """One dict {column name: exported value} for each of the rows (one chunk of ``export_values``)."""
        raise NotImplementedError


def chunks(iterable, size: int = CHUNK) -> Iterator[list]:
    iterator = iter(iterable)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def labels(choices) -> dict:
    """{stored value: label} of a field's choices, translated now (once per export, not once per cell)."""
    return {value: force_str(label) for value, label in choices}


def iso(day) -> str | None:
    """A date as the generic path exports a DateColumn's value: ISO text."""
    return None if day is None else day.isoformat()


def table_rows(table, exclude_columns=()):
    """The table's headings, then each of its records' exported values (``value_*``/``render_*`` as in
    django-tables2's own export), reading a queryset in chunks: through the table's ``ValuesExport`` when
    it has one, else a model instance per record."""
    columns = [
        column
        for column in table.columns.iterall()
        if not (column.column.exclude_from_export or column.name in exclude_columns)
    ]
    yield [force_str(column.header, strings_only=True) for column in columns]
    data = table.data.data
    if isinstance(table, ValuesExport) and table.export_values and isinstance(data, QuerySet):
        cells = operator.itemgetter(*[column.name for column in columns])
        rows = data.prefetch_related(None).values(*table.export_values).iterator(chunk_size=CHUNK)
        for chunk in chunks(rows):
            yield from map(cells, table.export_chunk(chunk))
        return
    cells = [_Cell(table, column) for column in columns]
    records = data.iterator(chunk_size=CHUNK) if isinstance(data, QuerySet) else iter(data)
    for record in records:
        yield [force_str(cell(record), strings_only=True) for cell in cells]


def streamed_csv(rows, filename: str, cell=csv_text) -> StreamingHttpResponse:
    """A CSV download written row by row; ``cell`` turns each value into the text of its cell (by default
    core.spreadsheets' rule: user text that looks like a formula is neutralised)."""
    response = StreamingHttpResponse(csv_chunks(rows, cell), content_type="text/csv; charset=utf-8")
    return attachment(response, filename)


def _csv_cells(row) -> list:
    """``csv_text`` of each value, inlined for the values it leaves as they are (the csv module writes an
    int and None the way csv_text does: "5", "")."""
    return [
        value
        if value is None or (kind := type(value)) is int or (kind is str and not value.startswith(FORMULA_STARTS))
        else csv_text(value)
        for value in row
    ]


def csv_chunks(rows, cell=csv_text, *, bom: bool = False, size: int = CHUNK) -> Iterator[bytes]:
    """The rows as UTF-8 CSV, ``size`` rows a piece (one piece a row costs the server a write each), each
    value through ``cell`` (core.spreadsheets' ``csv_text``: text that looks like a formula neutralised);
    ``cell=None`` writes rows that are CSV cells already."""
    out = io.StringIO()
    writer = csv.writer(out)
    if bom:
        out.write("\ufeff")
    if cell is None:  # the rows are cells already (their text made safe by whoever made them)
        cells = list
    elif cell is csv_text:  # the same cells, without a call for the commonest: text that is safe, numbers, None
        cells = _csv_cells
    else:

        def cells(row):
            return [cell(value) for value in row]

    for chunk in chunks(rows, size):
        writer.writerows(map(cells, chunk))
        yield out.getvalue().encode()
        out.seek(0)
        out.truncate()
    if out.tell():  # the byte-order mark of an empty file
        yield out.getvalue().encode()


def streamed_xlsx(
    rows, filename: str, *, title: str = "Export", widths: dict[int, float] | None = None
) -> FileResponse:
    """An XLSX download of the rows (the first one the headings, in bold, frozen above the others), written
    row by row by core.spreadsheets' ``XlsxWriter`` into a temporary file (memory stays flat), every value
    through ``safe_value``: user text is text, never a formula. ``widths``: {column number: width}."""
    out = tempfile.TemporaryFile()  # noqa: SIM115 - the response closes it, which removes it
    workbook = XlsxWriter(out)
    workbook.sheet(title, _bold_headings(rows), freeze_rows=1, widths=widths)
    workbook.close()
    out.seek(0)
    return attachment(FileResponse(out, content_type=CONTENT_TYPE_XLSX), filename)


def _bold_headings(rows):
    rows = iter(rows)
    bold = Style(bold=True)
    for headings in rows:
        yield [Styled(heading, bold) for heading in headings]
        break
    yield from rows
