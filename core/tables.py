"""django-tables2 lists at programme scale: cells that read each column's signature once, CSV streamed.

django-tables2 reads the signature of a column's ``render``/``value`` method (``inspect.signature``) for
every cell it renders or exports. ``Cell`` reads it once per column, for a page's rows
(core/templatetags/portal_tables.py) and for an export of every row, and makes each cell as the library does.

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
from django.db import models
from django.db.models import QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.template import Context, Template
from django.template.defaultfilters import date as date_filter
from django.utils.encoding import force_str
from django.utils.html import format_html
from django.utils.timezone import template_localtime
from django_tables2.columns.linkcolumn import BaseLinkColumn
from django_tables2.columns.manytomanycolumn import ManyToManyColumn
from django_tables2.rows import BoundRow
from django_tables2.utils import A, signature

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


# What django-tables2 passes to a column's ``render``/``value`` method, when the method names it
CELL_ARGUMENTS = frozenset({"value", "record", "column", "bound_column", "bound_row", "table"})


class Cell:
    """How one column's cells are made, worked out once per table (a page's rows, an export): what
    django-tables2's ``BoundRow`` does for every cell (``_get_and_render_with``: the accessor's value, or a
    choice field's ``get_FOO_display()``; the column's empty values), then ``method`` (``bound_column.render``
    for a page, ``bound_column.value`` for an export) called with the arguments it names, as
    ``call_with_appropriate`` calls it. Its signature is read here, once: django-tables2 reads it with
    ``inspect.signature`` for every cell (a fifth of the rounds list at 100,000 enterprises), and whether the
    accessor ends on a choice field once per model. A link column with a text and a many-to-many column, whose
    cells django-tables2 makes in a way of their own, are left to it (``library``)."""

    def __init__(self, table, bound_column, method):
        self.table, self.bound_column, self.column = table, bound_column, bound_column.column
        self.name = bound_column.name
        self.accessor = A(bound_column.accessor)
        path, _sep, self.remainder = self.accessor.rpartition(self.accessor.SEPARATOR)
        self.penultimate = A(path)
        self.display = f"get_{self.remainder}_display"
        self.choices: dict[type, bool] = {}  # {the record's model: whether the accessor ends on a choice field}
        self.method = method
        args, catch_all = signature(method)
        self.args = None if catch_all else args  # None: every argument
        self.callable = self.args is None or CELL_ARGUMENTS.issuperset(args)  # else django-tables2 gives None
        self.wants_row = self.args is None or "bound_row" in args
        self.library = isinstance(self.column, (BaseLinkColumn, ManyToManyColumn))

    def value(self, record):
        """The record's value for this column, ``EMPTY`` for one of the column's empty values."""
        value, remainder = None, self.remainder
        penultimate = self.penultimate.resolve(record, quiet=True)
        if isinstance(penultimate, models.Model):
            choices = self.choices.get(type(record))
            if choices is None:
                choices = self.choices[type(record)] = bool(getattr(self.accessor.get_field(record), "choices", ()))
            if choices and (display := getattr(penultimate, self.display, None)):
                value, remainder = display(), None
        if remainder:
            value = self.accessor.resolve(record, quiet=True)  # None if it fails, as django-tables2 leaves it
        return EMPTY if value in self.column.empty_values else value

    def arguments(self, value, record, bound_row) -> dict:
        """What django-tables2 offers a cell's ``render``/``value`` and its link (``_optional_cell_arguments``)."""
        return {
            "value": value,
            "record": record,
            "column": self.column,
            "bound_column": self.bound_column,
            "bound_row": bound_row,
            "table": self.table,
        }

    def call(self, value, record, bound_row):
        """``method`` with the arguments it names, as django-tables2 calls it (None if it names another)."""
        if not self.callable:
            return None
        kwargs = self.arguments(value, record, bound_row)
        if self.args is None:
            return self.method(**kwargs)
        return self.method(**{name: kwargs[name] for name in self.args})

    def exported(self, record):
        """The cell's exported value, as django-tables2's ``BoundRow.get_cell_value`` (None when empty)."""
        bound_row = BoundRow(record, table=self.table) if self.wants_row or self.library else None
        if self.library:
            return bound_row.get_cell_value(self.name)
        value = self.value(record)
        return None if value is EMPTY else self.call(value, record, bound_row)


EMPTY = object()


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
    cells = [Cell(table, column, column.value).exported for column in columns]
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
