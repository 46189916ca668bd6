"""Every CSV and Excel file the portal writes goes through here, so user text always arrives as text.

Spreadsheet programs run a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula (and a leading
tab or carriage return hides such a start), so a name like ``=HYPERLINK("http://evil.example","x")`` typed
into the portal would become a live link, or worse, in the file an officer opens (OWASP "CSV injection").
We neutralise such text the way OWASP recommends: a leading apostrophe, which spreadsheets show as text.
Numbers, dates and text that is just a number (``-5``, ``+3.5``) stay as they are. No XLSX cell we write
is ever a formula made from user data. The imports undo the apostrophe (``unescaped``), so a file the
portal exported imports back unchanged.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from core.http import attachment

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ESCAPE = "'"
_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?%?$")

CONTENT_TYPE_CSV = "text/csv; charset=utf-8"
CONTENT_TYPE_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe_text(text: str) -> str:
    """The text as a spreadsheet will show it, never run it: a formula-like start gets an apostrophe."""
    if text.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.match(text):
        return ESCAPE + text
    return text


def unescaped(text: str) -> str:
    """The text as the portal had it before `safe_text` (for reading back a file the portal wrote)."""
    if text.startswith(ESCAPE) and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


def safe_value(value):
    """A value for a cell: text made safe (and free of characters XLSX cannot hold); anything else as is."""
    if isinstance(value, str):
        return safe_text(ILLEGAL_CHARACTERS_RE.sub("", value))
    return value


def csv_text(value) -> str:
    """The text of a CSV cell: numbers and dates as they are, text made safe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return safe_text(str(value))


def csv_bytes(rows, *, bom: bool = True) -> bytes:
    """Rows (the first one the headings) as UTF-8 CSV, by default with a byte-order mark (so Excel reads
    Chinese right)."""
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([csv_text(v) for v in row])
    return out.getvalue().encode("utf-8-sig" if bom else "utf-8")


def cell_set(ws, row: int, column: int, value):
    """Write one cell of a worksheet; text is text, never a formula."""
    cell = ws.cell(row=row, column=column)
    cell.value = safe_value(value)
    if isinstance(cell.value, str):
        cell.data_type = "s"
    return cell


def row_append(ws, values) -> None:
    """Append a row to a worksheet; text is text, never a formula."""
    ws.append([safe_value(v) for v in values])
    for cell in ws[ws.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"


def xlsx_bytes(rows, *, title: str = "Sheet") -> bytes:
    """Rows (the first one the headings, in bold) as a one-sheet workbook."""
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = safe_sheet_title(title)
    for i, row in enumerate(rows):
        row_append(ws, row)
        if i == 0:
            for cell in ws[1]:
                cell.font = Font(bold=True)
            ws.freeze_panes = "A2"
    return workbook_bytes(wb)


def safe_sheet_title(title: str) -> str:
    return re.sub(r"[\\/*?:\[\]]", " ", str(title))[:31] or "Sheet"


def workbook_bytes(wb) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# --- django-tables2 list exports --------------------------------------------------------------------------

try:
    from django_tables2.export import TableExport as _TableExport
except ImportError:  # pragma: no cover - django-tables2 is a requirement
    _TableExport = object


class SafeTableExport(_TableExport):
    """django-tables2's export of a list, written by this module's CSV and XLSX writers (tablib would let
    a formula through) with a Content-Disposition that survives a non-ASCII file name."""

    def _rows(self):
        yield list(self.dataset.headers or [])
        yield from (list(row) for row in self.dataset)

    def export(self):
        if self.format == self.CSV:
            return csv_bytes(self._rows(), bom=False)  # as tablib wrote them
        if self.format == self.XLSX:
            return xlsx_bytes(self._rows(), title=self.dataset.title or "Export")
        raise TypeError(f'Export format "{self.format}" is not supported.')

    def response(self, filename=None):
        from django.http import HttpResponse

        response = HttpResponse(self.export(), content_type=self.content_type())
        if filename is not None:
            attachment(response, filename)
        return response
