"""Every CSV and Excel file the portal writes goes through here, so user text always arrives as text.

Spreadsheet programs run a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula (and a leading
tab or carriage return hides such a start), so a name like ``=HYPERLINK("http://evil.example","x")`` typed
into the portal would become a live link, or worse, in the file an officer opens (OWASP "CSV injection").
We neutralise such text the way OWASP recommends: a leading apostrophe, which spreadsheets show as text.
Numbers, dates and text that is just a number (``-5``, ``+3.5``) stay as they are. No XLSX cell we write
is ever a formula made from user data. The imports undo the apostrophe (``unescaped``), so a file the
portal exported imports back unchanged.

Every spreadsheet the portal reads is bounded here too, by the work it would cause rather than by its bytes
(``ReadLimits``): a 575 KB workbook can declare a million rows, or hold a row of a million cells, and
openpyxl would build them all. ``xlsx_check`` reads the zip's directory (how much it unpacks to: a zip
bomb is refused before anything is unpacked) and then streams each sheet's XML through expat, counting
rows, columns, cells and characters per cell, and stops at the first that is over its limit, before
openpyxl parses the file; ``csv_records`` does the same for CSV while reading it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from xml.parsers import expat

import xlsxwriter
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

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


# U+FFFE and U+FFFF, which a CSV or a form may hold, are not characters: XML cannot hold them (openpyxl would
# write a file Excel refuses, XlsxWriter _xFFFE_). Dropped, like ILLEGAL_CHARACTERS_RE's control characters.
_NON_CHARACTERS = str.maketrans("", "", "\ufffe\uffff")


def safe_value(value):
    """A value for a cell: text made safe (and free of characters XLSX cannot hold); anything else as is."""
    if isinstance(value, str):
        return safe_text(ILLEGAL_CHARACTERS_RE.sub("", value).translate(_NON_CHARACTERS))
    return value


def csv_text(value) -> str:
    """The text of a CSV cell: numbers and dates as they are, text made safe."""
    if type(value) is str:  # most cells of an export, checked first (an export makes millions of cells)
        return safe_text(value) if value.startswith(FORMULA_STARTS) else value
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


# --- Writing: every workbook the portal makes -------------------------------------------------------------
#
# openpyxl serialises every cell through a pure-Python XML writer (without lxml, ~20 µs a cell): 0.9 s for the
# 45,000 cells of a 5,000-row marked copy, on an idle machine. ``XlsxWriter`` writes workbooks of values and a
# few styles through the XlsxWriter library in its constant_memory mode (rows written in order, each row to a
# temporary file as soon as the next one starts; text as inline strings): text only through ``write_string``
# after ``safe_value``, so no cell ever has a formula element (and text is still made safe for when the partner
# edits the cell). openpyxl only reads (uploads, and tests reading back what was written).


@dataclass(frozen=True)
class Style:
    bold: bool = False
    fill: str = ""  # an RGB colour, e.g. "FFC7CE"
    wrap: bool = False  # wrapped, aligned to the top
    size: float = 0  # the font's size in points; 0: the default (11)
    colour: str = ""  # the font's RGB colour, e.g. "FFFFFF"


@dataclass(frozen=True)
class Styled:
    value: object
    style: Style


_PLAIN = Style()
_DATE, _DATETIME, _TIME = "yyyy-mm-dd", "yyyy-mm-dd hh:mm:ss", "hh:mm:ss"
_CELL_UNITS = 32_767  # what a cell holds, in UTF-16 code units


def _utf16_cut(text: str, units: int) -> str:
    """``text`` cut to at most ``units`` UTF-16 code units (Excel's measure), never in the middle of a pair."""
    if len(text) <= units // 2:
        return text
    encoded = text.encode("utf-16-le")
    return encoded[: 2 * units].decode("utf-16-le", "ignore") if len(encoded) > 2 * units else text


def _number(value) -> float | None:
    """The value as a number a cell can hold (finite), or None if it is not one."""
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return None
    try:
        number = float(value)
    except (OverflowError, ValueError):  # an int beyond a float, a signalling NaN
        return None
    return number if math.isfinite(number) else None


class XlsxWriter:
    """The portal's one .xlsx writer, streaming: values and a few styles (bold, a font size and colour, a fill, wrapped
    text), column widths and number formats, data validations (drop-down lists, numbers, dates), one sheet after the
    other, on the XlsxWriter library: ``sheet()`` writes a sheet's rows as they come, ``getvalue()`` closes the
    workbook and returns the file. Text goes through ``safe_value``; numbers, booleans, dates and times are written
    as such (dates before 1900, which Excel cannot show, as text). Given a binary file ``out`` (a list export's
    temporary file), the workbook is written there instead of into memory: ``close()`` finishes it."""

    def __init__(self, out=None):
        self._out = io.BytesIO() if out is None else out
        self._book = xlsxwriter.Workbook(
            self._out,
            {
                "constant_memory": True,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
                "remove_timezone": True,  # a datetime's wall-clock time, as the portal shows it
            },
        )
        self._formats: dict[tuple[Style, str], xlsxwriter.format.Format | None] = {(_PLAIN, ""): None}
        self._names: set[str] = set()
        self._font = self._book.add_format()  # the default font, for a rich string's run in a plain cell

    def _format(self, style: Style, number_format: str = ""):
        key = (style, number_format)
        if key not in self._formats:
            properties = {"num_format": number_format} if number_format else {}
            if style.bold:
                properties["bold"] = True
            if style.fill:
                properties |= {"pattern": 1, "bg_color": f"#{style.fill}"}
            if style.wrap:
                properties |= {"text_wrap": True, "valign": "top"}
            if style.size:
                properties["font_size"] = style.size
            if style.colour:
                properties["font_color"] = f"#{style.colour}"
            self._formats[key] = self._book.add_format(properties)
        return self._formats[key]

    def _name(self, title: str) -> str:
        """A sheet name Excel (and XlsxWriter) accepts, unique in the workbook whatever its case."""
        name = _utf16_cut(safe_sheet_title(title), 31).strip("'") or "Sheet"
        base, n = name, 1
        while name.lower() in self._names:
            n += 1
            suffix = f" ({n})"
            name = _utf16_cut(base, 31 - len(suffix)) + suffix
        self._names.add(name.lower())
        return name

    def _text(self, ws, r: int, c: int, text: str, cell_format) -> None:
        text = _utf16_cut(safe_value(text), _CELL_UNITS)
        if text.startswith("<r>") and text.endswith("</r>"):
            # XlsxWriter (3.3.1) takes a string that looks like this for the XML of a rich string and writes it
            # unescaped, so text such as "<r><t>x</t></r></is></c><c><f>…</f></c>…</r>" would become markup,
            # a formula even. Such text goes in as a rich string of two runs, which the library escapes; the
            # second run in the cell's font.
            runs = [text[:1], cell_format or self._font, text[1:]]
            ws.write_rich_string(r, c, *runs, *([cell_format] if cell_format else []))
        else:
            ws.write_string(r, c, text, cell_format)

    def _cell(self, ws, r: int, c: int, value, style: Style, number_format: str = "") -> None:
        """One cell; ``number_format`` (its column's) is how a number, date or time in it is shown."""
        cell_format = None if style is _PLAIN else self._format(style)
        if isinstance(value, str):
            self._text(ws, r, c, value, cell_format)
        elif isinstance(value, bool):
            ws.write_boolean(r, c, value, cell_format)
        elif (number := _number(value)) is not None:
            ws.write_number(r, c, number, self._format(style, number_format) if number_format else cell_format)
        elif isinstance(value, (dt.datetime, dt.date)) and value.year >= 1900:
            moment = isinstance(value, dt.datetime) and value.time() != dt.time()
            ws.write_datetime(r, c, value, self._format(style, number_format or (_DATETIME if moment else _DATE)))
        elif isinstance(value, dt.time):
            ws.write_datetime(r, c, value, self._format(style, number_format or _TIME))
        elif value is None:
            if cell_format is not None:
                ws.write_blank(r, c, None, cell_format)
        else:
            self._text(ws, r, c, str(value), cell_format)

    def sheet(
        self,
        title: str,
        rows,
        *,
        hidden=False,
        active=False,
        freeze_rows=0,
        widths=None,
        formats=None,
        validations=(),
    ) -> str:
        """Write a sheet whose rows (lists of values or ``Styled``; an empty list is a blank row) are ``rows``,
        and return its name (as written: made acceptable to Excel and unique), for a reference to it.

        ``widths`` ({1-based column: width}) are column widths as the file stores them (and openpyxl reads).
        ``formats`` ({1-based column: number format, e.g. "0.0" or "yyyy-mm-dd"}) is how the numbers and dates
        of a column are shown, in the cells written and as the column's own format (the cells a user fills in
        later). ``validations`` are (cell range, options) pairs of Excel data validations, the options those of
        XlsxWriter's ``worksheet.data_validation`` (e.g. ``{"validate": "list", "source": "=Lists!$A$2:$A$9"}``);
        options it refuses raise ValueError rather than leaving the validation out."""
        name = self._name(title)
        ws = self._book.add_worksheet(name)
        if hidden:
            ws.hide()
        if active:
            ws.activate()
        if freeze_rows:
            ws.freeze_panes(freeze_rows, 0)
        widths, formats = widths or {}, formats or {}
        for column in sorted({*widths, *formats}):
            # XlsxWriter's set_column adds Excel's 5 pixels of padding to a width; in pixels (7 a character of
            # the default font) it is the width as stored
            width = widths[column] * 7 if column in widths else None
            column_format = self._format(_PLAIN, formats[column]) if column in formats else None
            ws.set_column_pixels(column - 1, column - 1, width, column_format)
        for cell_range, options in validations:
            if ws.data_validation(cell_range, dict(options)) != 0:  # XlsxWriter warns and leaves it out
                raise ValueError(f"data validation of {cell_range} refused: {options}")
        numbers = {column - 1: number_format for column, number_format in formats.items()}
        for r, cells in enumerate(rows):
            for c, value in enumerate(cells):
                if isinstance(value, Styled):
                    self._cell(ws, r, c, value.value, value.style, numbers.get(c, ""))
                elif value is not None:
                    self._cell(ws, r, c, value, _PLAIN, numbers.get(c, ""))
        return name

    def getvalue(self) -> bytes:
        self.close()
        return self._out.getvalue()

    def close(self) -> None:
        if not self._book.worksheets():
            self.sheet("Sheet", [])
        self._book.close()


def sheet_values(source):
    """The rows of the read-only openpyxl sheet ``source`` as values (a formula's last result if it was opened
    with ``data_only``), one row at a time, not padded to what the sheet says it spans."""
    source.reset_dimensions()
    yield from source.iter_rows(values_only=True)


def safe_sheet_title(title: str) -> str:
    return re.sub(r"[\\/*?:\[\]]", " ", str(title))[:31] or "Sheet"


# --- Reading: bounded by the work a file causes ---------------------------------------------------------


@dataclass(frozen=True)
class ReadLimits:
    """What one uploaded spreadsheet may hold. ``rows`` counts row numbers (the heading and blank rows too)."""

    rows: int = 20_001
    columns: int = 30
    cells: int = 300_000  # in the whole workbook, every sheet
    cell_chars: int = 32_767  # Excel's own limit for a cell
    unpacked_bytes: int = 64 * 1024 * 1024  # what the .xlsx unpacks to, every part together
    # What a workbook's parts hold, whatever their bytes (openpyxl builds every element of the shared strings,
    # the styles and the workbook part as Python objects): a million formats cost 14.5 s and 620 MB, a million
    # defined names 20 s, one cell of four million rich-text runs 30 s and 2 GB (bench/limits.py).
    parts: int = 1_000  # files in the zip (a workbook of one sheet has about ten)
    part_elements: int = 1_000_000  # XML elements in any one part (a cell of inline text is three)
    runs: int = 1_000  # rich-text runs of one cell's text (a run is a stretch of text in one font)
    workbook_runs: int = 20_000  # rich-text runs of all the texts together (openpyxl builds each: 60 µs)
    style_elements: int = 10_000  # elements of the styles part (cell formats, fonts, fills, borders...)
    names: int = 10_000  # defined names (Formulas > Name Manager)


def _n(number: int) -> str:
    return f"{number:,}"


def too_many_rows(sheet: str | None, row: int, limits: ReadLimits) -> ValidationError:
    params = {"sheet": sheet, "row": _n(row), "max": _n(limits.rows)}
    if sheet is None:
        message = gettext("The file has more than %(max)s rows; split it into smaller files.")
    else:
        message = gettext("The sheet “%(sheet)s” reaches row %(row)s; a file may have at most %(max)s rows.")
    return ValidationError(message % params, code="too_many_rows")


def too_many_columns(sheet: str | None, row: int, limits: ReadLimits) -> ValidationError:
    params = {"row": _n(row), "sheet": sheet, "max": _n(limits.columns)}
    if sheet is None:
        message = gettext("Row %(row)s has more than %(max)s columns; a file may have at most %(max)s.")
    else:
        message = gettext(
            "Row %(row)s of the sheet “%(sheet)s” has more than %(max)s columns; a file may have at most %(max)s."
        )
    return ValidationError(message % params, code="too_many_columns")


def too_many_cells(limits: ReadLimits) -> ValidationError:
    return ValidationError(
        gettext("The file has more than %(max)s cells; split it into smaller files.") % {"max": _n(limits.cells)},
        code="too_many_cells",
    )


def cell_too_long(where: str, limits: ReadLimits) -> ValidationError:
    return ValidationError(
        gettext("%(where)s holds more than %(max)s characters, more than a cell may hold.")
        % {"where": where, "max": _n(limits.cell_chars)},
        code="cell_too_long",
    )


def unpacks_too_big(size: int, limits: ReadLimits) -> ValidationError:
    return ValidationError(
        gettext(
            "The workbook unpacks to %(size)s MB of data; a workbook may unpack to at most %(max)s MB "
            "(save it again from Excel, or split it)."
        )
        % {"size": _n(size // (1024 * 1024)), "max": _n(limits.unpacked_bytes // (1024 * 1024))},
        code="unpacks_too_big",
    )


def cells_check(values, *, row: int, sheet: str | None, limits: ReadLimits) -> None:
    """Refuse a row (as read) whose text cell is longer than a cell may be."""
    for column, value in enumerate(values, start=1):
        if isinstance(value, str) and len(value) > limits.cell_chars:
            params = {"row": _n(row), "column": _n(column), "sheet": sheet}
            if sheet is None:
                where = gettext("Row %(row)s, column %(column)s") % params
            else:
                where = gettext("Row %(row)s, column %(column)s of the sheet “%(sheet)s”") % params
            raise cell_too_long(where, limits)


def not_a_workbook() -> ValidationError:
    return ValidationError(gettext("This file is not an Excel workbook (.xlsx) or a CSV file."), code="not_table")


def too_many_parts(parts: int, limits: ReadLimits) -> ValidationError:
    return ValidationError(
        gettext(
            "The workbook is made of %(parts)s files; a workbook may be made of at most %(max)s "
            "(save it again from Excel, or split it)."
        )
        % {"parts": _n(parts), "max": _n(limits.parts)},
        code="too_many_parts",
    )


def too_many_elements(part: str, limits: ReadLimits) -> ValidationError:
    return ValidationError(
        gettext(
            "The workbook's part “%(part)s” holds more than %(max)s XML elements; "
            "save a copy with values only, or split it."
        )
        % {"part": part, "max": _n(limits.part_elements)},
        code="too_many_elements",
    )


def too_many_runs(limits: ReadLimits) -> ValidationError:
    return ValidationError(
        gettext(
            "A cell's text is made of more than %(max)s differently formatted pieces; clear the cells' "
            "formatting, or save a copy with values only."
        )
        % {"max": _n(limits.runs)},
        code="too_many_runs",
    )


def too_many_workbook_runs(limits: ReadLimits) -> ValidationError:
    return ValidationError(
        gettext(
            "The workbook's texts are made of more than %(max)s differently formatted pieces; clear the cells' "
            "formatting, or save a copy with values only."
        )
        % {"max": _n(limits.workbook_runs)},
        code="too_many_runs",
    )


def too_many_styles(limits: ReadLimits) -> ValidationError:
    return ValidationError(
        gettext(
            "The workbook defines more than %(max)s cell formats, fonts, fills and borders; clear the "
            "formats it does not need, or save a copy with values only."
        )
        % {"max": _n(limits.style_elements)},
        code="too_many_styles",
    )


def too_many_names(limits: ReadLimits) -> ValidationError:
    return ValidationError(
        gettext(
            "The workbook defines more than %(max)s names (Formulas > Name Manager); delete the ones it does not need."
        )
        % {"max": _n(limits.names)},
        code="too_many_names",
    )


def missing_shared_string(sheet: str, row: int, column: int, index: str, count: int) -> ValidationError:
    return ValidationError(
        gettext(
            "Row %(row)s, column %(column)s of the sheet “%(sheet)s” refers to text number %(index)s, but the "
            "workbook holds %(count)s texts: the file is damaged. Save it again from Excel."
        )
        % {"row": _n(row), "column": _n(column), "sheet": sheet, "index": index[:20], "count": _n(count)},
        code="missing_shared_string",
    )


def workbook_damaged(part: str, line: int | None = None) -> ValidationError:
    if line is None:
        message = gettext("The workbook is damaged: its part “%(part)s” cannot be read. Save it again from Excel.")
    else:
        message = gettext(
            "The workbook is damaged: its part “%(part)s” is not well-formed XML (line %(line)s). "
            "Save it again from Excel."
        )
    return ValidationError(message % {"part": part, "line": _n(line or 0)}, code="damaged")


def sheet_damaged(sheet: str, row: int) -> ValidationError:
    """A row openpyxl could not read although the workbook passed ``xlsx_check`` (a value that is not what its
    cell's type says, say): the partner's answer, never a server error."""
    return ValidationError(
        gettext(
            "The workbook is damaged: row %(row)s of the sheet “%(sheet)s” cannot be read. Save it again from Excel."
        )
        % {"row": _n(row), "sheet": sheet},
        code="damaged",
    )


_CELL_REF_RE = re.compile(r"^\$?([A-Za-z]{1,7})\$?(\d{1,9})$")


def _ref(ref: str) -> tuple[int, int] | None:
    """The (column, row) of a reference such as "XFD1048576", 1-based."""
    found = _CELL_REF_RE.match(ref or "")
    if not found:
        return None
    column = 0
    for letter in found[1].upper():
        column = column * 26 + ord(letter) - 64
    return column, int(found[2])


class _Stop(Exception):
    def __init__(self, error: ValidationError):
        self.error = error


class _Scan:
    """Counts what one XML part of a workbook holds, refusing at the first thing over a limit: elements in the
    part, rows, columns and cells of a sheet, runs of a text, entries of the styles, names of the workbook, and
    that every shared-string cell refers to a string the workbook has. (A cell's characters are checked as the
    cells are read: the unpacked size already bounds what they cost.)"""

    def __init__(self, limits: ReadLimits, counter: list[int], part: str, kind: str, sheet: str | None = None):
        # counter: [cells of every sheet so far, shared strings so far, rich-text runs so far]; kind: what the
        # part is to openpyxl
        self.limits, self.counter, self.part, self.kind, self.sheet = limits, counter, part, kind, sheet
        self.row = self.column = 0
        self.elements = self.runs = self.names = 0
        self.max_elements = limits.style_elements if kind == STYLES else limits.part_elements
        self.shared = False  # in a cell of type "s" (a shared string), whose <v> is its index
        self.value: list[str] | None = None  # the text of that <v>, while it is read

    def start(self, tag: str, attrs: dict) -> None:
        self.elements += 1
        if self.elements > self.max_elements:
            raise _Stop(
                too_many_styles(self.limits) if self.kind == STYLES else too_many_elements(self.part, self.limits)
            )
        tag = tag.rpartition(":")[2]
        if self.kind in (SHEET, STRINGS):
            if tag == "r":  # a run of rich text, in a shared string or a cell's inline string
                self.runs += 1
                if self.runs > self.limits.runs:
                    raise _Stop(too_many_runs(self.limits))
                self.counter[2] += 1
                if self.counter[2] > self.limits.workbook_runs:
                    raise _Stop(too_many_workbook_runs(self.limits))
            elif tag in ("si", "is"):
                self.runs = 0
        if self.kind == SHEET:
            if tag == "c":
                ref = _ref(attrs.get("r", ""))
                self.column = ref[0] if ref else self.column + 1
                if self.column > self.limits.columns:
                    raise _Stop(too_many_columns(self.sheet, self.row, self.limits))
                self.counter[0] += 1
                if self.counter[0] > self.limits.cells:
                    raise _Stop(too_many_cells(self.limits))
                self.shared = attrs.get("t") == "s"
            elif tag == "v" and self.shared:
                self.value = []
            elif tag == "row":
                number = attrs.get("r", "")
                self.row = int(number) if number.isdigit() else self.row + 1
                self.column = 0
                if self.row > self.limits.rows:
                    raise _Stop(too_many_rows(self.sheet, self.row, self.limits))
            elif tag == "dimension":  # what the sheet says it spans: refused before its rows are read
                last = _ref(attrs.get("ref", "").rpartition(":")[2])
                if last and last[1] > self.limits.rows:
                    raise _Stop(too_many_rows(self.sheet, last[1], self.limits))
                if last and last[0] > self.limits.columns:
                    raise _Stop(too_many_columns(self.sheet, 1, self.limits))
        elif self.kind == STRINGS and tag == "si":
            self.counter[1] += 1
            if self.counter[1] > self.limits.cells:
                raise _Stop(too_many_cells(self.limits))
        elif self.kind == WORKBOOK and tag == "definedName":
            self.names += 1
            if self.names > self.limits.names:
                raise _Stop(too_many_names(self.limits))

    def text(self, data: str) -> None:
        if self.value is not None:
            self.value.append(data)

    def end(self, tag: str) -> None:
        if self.value is not None and tag.rpartition(":")[2] == "v":
            index = "".join(self.value).strip()
            self.value, self.shared = None, False
            if not index.isdigit() or int(index) >= self.counter[1]:  # openpyxl would raise IndexError: a 500
                raise _Stop(missing_shared_string(self.sheet, self.row, self.column, index, self.counter[1]))


def _no_dtd(*_args) -> None:
    # A workbook never needs a DTD; refusing one rules out entity expansion ("billion laughs") in every part.
    raise _Stop(not_a_workbook())


# What a part is to openpyxl, found as openpyxl finds it: the workbook and the shared strings by their content
# type ([Content_Types].xml), the sheets by the workbook's relationships, the styles by their fixed name.
SHEET, STRINGS, STYLES, WORKBOOK, OTHER = "sheet", "strings", "styles", "workbook", "other"
_STRINGS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
_WORKBOOK_TYPES = (  # in the order openpyxl looks for them (reader.excel._find_workbook_part)
    "application/vnd.ms-excel.template.macroEnabled.main+xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
)
_KINDS = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml": SHEET,
    _STRINGS_TYPE: STRINGS,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml": STYLES,
} | dict.fromkeys(_WORKBOOK_TYPES, WORKBOOK)
_STYLES_PART = "xl/styles.xml"  # openpyxl reads the styles from this name, whatever the relationships say
# No tag of a workbook is this long (a cell's text is at most 32,767 characters): a longer stretch without a ">"
# is a start tag of millions of attributes, which expat would build into one dict before any handler sees it.
_MAX_TAG_BYTES = 1024 * 1024
# How a part that is XML starts (after a UTF-8 byte-order mark and blanks): "<", or UTF-16 (with a byte-order
# mark, or "<" and a zero byte either way round), which expat and openpyxl read as well.
_XML_STARTS = (b"<", b"\xff\xfe", b"\xfe\xff", b"\x00<", b"<\x00")


def _content_types(zf: zipfile.ZipFile) -> dict[str, str]:
    """{part name: content type} of the overrides of [Content_Types].xml (scanned first, so within the limits)."""
    import xml.etree.ElementTree as ET

    try:
        types = ET.fromstring(zf.read("[Content_Types].xml"))
    except (KeyError, ET.ParseError):
        return {}
    found = {}
    for override in types:
        if override.tag.rpartition("}")[2] == "Override":
            found.setdefault(override.get("PartName", "").lstrip("/"), override.get("ContentType", ""))
    return found


def _workbook_part(types: dict[str, str]) -> str:
    for content_type in _WORKBOOK_TYPES:
        for part, found in types.items():
            if found == content_type:
                return part
    return "xl/workbook.xml"


def _rels_part(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{name}.rels")


def _sheet_names(zf: zipfile.ZipFile, workbook: str) -> dict[str, str]:
    """{part name: sheet name}, from the workbook and its relationships (both scanned first). Two sheets that
    name the same part are refused: Excel never writes it, and each would be read in full (a 60,000-cell part
    named by a thousand sheets is 60 million cells)."""
    import xml.etree.ElementTree as ET

    try:
        book = ET.fromstring(zf.read(workbook))
        rels = ET.fromstring(zf.read(_rels_part(workbook)))
    except KeyError:
        return {}
    except ET.ParseError as exc:
        raise _Stop(workbook_damaged(workbook)) from exc
    folder = posixpath.dirname(workbook)
    targets = {}
    for rel in rels:
        target = rel.get("Target", "")
        part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        targets[rel.get("Id")] = part
    names = {}
    for sheet in book.iter():
        if sheet.tag.rpartition("}")[2] == "sheet":
            rid = next((v for k, v in sheet.attrib.items() if k.rpartition("}")[2] == "id"), None)
            if rid in targets:
                if targets[rid] in names:
                    raise _Stop(workbook_damaged(targets[rid]))
                names[targets[rid]] = sheet.get("name", "")
    return names


def xlsx_check(data: bytes, limits: ReadLimits) -> None:
    """Refuse (ValidationError) a workbook beyond ``limits``, before openpyxl parses it: first from the zip's
    directory (how many parts, what they unpack to), then streaming each XML part through expat in 64 KB pieces:
    the list of parts, the workbook and its relationships first, then the shared strings (so that the sheets'
    references to them are checked), then the sheets and every other part that is XML, whatever its name."""
    # Every entry of a zip's directory starts with this signature (zipfile refuses one that does not), so its
    # count bounds the entries before zipfile builds an object for each (60,000 entries in 10 MB took 3 s).
    entries = data.count(b"PK\x01\x02")
    if entries > limits.parts:
        raise too_many_parts(entries, limits)
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise not_a_workbook() from exc
    if len(infos) > limits.parts:
        raise too_many_parts(len(infos), limits)
    declared = sum(info.file_size for info in infos)
    if declared > limits.unpacked_bytes:
        raise unpacks_too_big(declared, limits)
    parts = {info.filename: info for info in infos if not info.is_dir()}
    counter, unpacked, done = [0, 0, 0], [0], set()
    current = ""

    def scan(name: str, kind: str, sheet: str | None = None) -> None:
        nonlocal current
        if name in parts and name not in done:
            done.add(name)
            current = name
            _scan_part(zf, parts[name], _Scan(limits, counter, name, kind, sheet), limits, unpacked)

    try:
        scan("[Content_Types].xml", OTHER)
        types = _content_types(zf)
        workbook = _workbook_part(types)
        scan(workbook, WORKBOOK)
        scan(_rels_part(workbook), OTHER)
        sheets = _sheet_names(zf, workbook)
        for name, content_type in types.items():
            if content_type == _STRINGS_TYPE:
                scan(name, STRINGS)
        for name in parts:
            if name == _STYLES_PART:
                scan(name, STYLES)
            elif name in sheets:
                scan(name, SHEET, sheets[name])
            else:
                kind = _KINDS.get(types.get(name, ""), OTHER)
                scan(name, kind, posixpath.basename(name) if kind == SHEET else None)
    except _Stop as stop:
        raise stop.error from None
    except expat.ExpatError as exc:
        raise workbook_damaged(current, exc.lineno) from exc
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
        raise workbook_damaged(current) from exc


# The fewest bytes an element takes ("<a/>"), in UTF-8: a part that unpacks to at most this many bytes per element
# allowed cannot hold too many (zipfile never gives more than the size the zip's directory declares, and
# openpyxl reads it through zipfile too; a part that unpacks to more fails its CRC check).
_ELEMENT_BYTES = 4
_COUNT_CHUNK = 1024 * 1024


def _too_many_tags(zf: zipfile.ZipFile, info: zipfile.ZipInfo, scan: _Scan) -> bool:
    """Whether a part of XML in UTF-8 (or another encoding where a byte "<" is always the character) surely
    holds more elements than ``scan`` allows, found before expat parses it: every element has a start tag, a
    "<" not followed by "/", "!" or "?", and counting those in the unpacked part in 1 MB pieces (bytes.count,
    at C speed) is about a hundred times cheaper than expat's handler call per element, so a part of ten million
    elements is refused within its first megabytes. Only a "<" inside a comment or a CDATA section, which Excel
    never writes, counts without being an element. Expat's scan still counts exactly; this only refuses early.

    Counted only in the parts whose one limit is their elements (the styles, and the parts openpyxl reads whatever
    they are, such as the document properties): a sheet, the shared strings and the workbook part have limits of
    their own (rows, columns, cells, runs, names) that expat meets first in the files they are for, and whose
    message says what to fix; their element limit still bounds the scan (the 250,000 elements of an upload took
    0.3 to 0.7 s at load 7 before this count)."""
    limit = scan.max_elements
    if info.file_size <= _ELEMENT_BYTES * limit:
        return False
    tags, last = 0, b""
    with zf.open(info) as part:
        while chunk := part.read(_COUNT_CHUNK):
            joined = last + chunk  # a "</" whose "<" ended the previous piece is subtracted here
            tags += chunk.count(b"<") - joined.count(b"</") - joined.count(b"<!") - joined.count(b"<?")
            last = chunk[-1:]
            if tags - (last == b"<") > limit:  # a "<" ending this piece may yet be a "</"
                return True
    return False


def _scan_part(zf: zipfile.ZipFile, info: zipfile.ZipInfo, scan: _Scan, limits: ReadLimits, unpacked: list[int]):
    """Stream one part through expat. A part that does not start like XML (a picture, a macro project) is not
    something openpyxl parses, and is only counted in the unpacked size."""
    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.StartDoctypeDeclHandler = _no_dtd
    parser.EntityDeclHandler = _no_dtd
    parser.StartElementHandler = scan.start
    if scan.kind == SHEET:
        parser.CharacterDataHandler = scan.text
        parser.EndElementHandler = scan.end
    since_tag = 0  # bytes since the last ">"
    with zf.open(info) as part:
        first = True
        while chunk := part.read(64 * 1024):
            unpacked[0] += len(chunk)
            if unpacked[0] > limits.unpacked_bytes:  # in case a part unpacks to more than it declares
                raise _Stop(unpacks_too_big(unpacked[0], limits))
            if first:
                first = False
                start = chunk.lstrip(b"\xef\xbb\xbf \t\r\n")
                utf8 = start.startswith(b"<") and not start.startswith(b"<\x00")
                if utf8 and scan.kind in (STYLES, OTHER) and _too_many_tags(zf, info, scan):
                    raise _Stop(
                        too_many_styles(limits) if scan.kind == STYLES else too_many_elements(info.filename, limits)
                    )
                if not start.startswith(_XML_STARTS):
                    for _rest in iter(lambda: part.read(64 * 1024), b""):  # counted, not parsed
                        unpacked[0] += len(_rest)
                        if unpacked[0] > limits.unpacked_bytes:
                            raise _Stop(unpacks_too_big(unpacked[0], limits))
                    return
            closing = chunk.find(b">")  # checked before expat sees the chunk, to the byte
            if since_tag + (len(chunk) if closing < 0 else closing) > _MAX_TAG_BYTES:
                raise _Stop(workbook_damaged(info.filename))
            since_tag = since_tag + len(chunk) if closing < 0 else len(chunk) - chunk.rfind(b">") - 1
            parser.Parse(chunk, False)
    parser.Parse(b"", True)


def csv_records(text: str, limits: ReadLimits, *, delimiter: str = ",") -> Iterator[tuple[int, list[str]]]:
    """(row number, fields) of a CSV text, refusing (ValidationError) at the first row over ``limits``.

    The csv module parses a whole record before we see it, so the lines it is given are counted as it reads
    them: a record may take at most ``columns * cell_chars`` characters however its fields are quoted."""
    budget = [0]
    record_chars = limits.columns * (limits.cell_chars + 3)

    def lines():
        for line in io.StringIO(text):
            budget[0] += len(line)
            if budget[0] > record_chars:
                raise _Stop(
                    cell_too_long(gettext("Row %(row)s") % {"row": _n(number + 1)}, limits)
                    if line.count(delimiter) < limits.columns
                    else too_many_columns(None, number + 1, limits)
                )
            yield line

    if "\x00" in text:  # a text file never holds a NUL, and PostgreSQL refuses one in text: refused here, whole
        at = text.index("\x00")
        raise ValidationError(
            gettext(
                "Row %(row)s holds a NUL character (a zero byte), which a text file cannot hold: the file is "
                "damaged or not a CSV file. Save it again as CSV UTF-8."
            )
            % {"row": _n(text.count("\n", 0, at) + 1)},
            code="nul",
        )
    number = 0
    reader = csv.reader(lines(), delimiter=delimiter)
    try:
        for values in reader:
            number += 1
            budget[0] = 0
            if number > limits.rows:
                raise _Stop(too_many_rows(None, number, limits))
            if len(values) > limits.columns:
                raise _Stop(too_many_columns(None, number, limits))
            try:
                cells_check(values, row=number, sheet=None, limits=limits)
            except ValidationError as error:
                raise _Stop(error) from None
            yield number, values
    except _Stop as stop:
        raise stop.error from None
    except csv.Error as exc:  # a field over the csv module's own limit, or a stray NUL
        where = gettext("Row %(row)s") % {"row": _n(number + 1)}
        raise cell_too_long(where, limits) if "field larger" in str(exc) else not_a_workbook() from exc
