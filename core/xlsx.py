"""A one-sheet XLSX written as it is read: the list exports' workbook, at 100,000 rows in a few seconds.

openpyxl's write-only workbook makes an object for every cell and, without lxml, an XML element for each
(about 14 µs a cell: 10 s for the enterprises list, half a minute for the results). This writer formats
the sheet's XML itself, a chunk of rows at a time, straight into the zip (a temporary file, flat memory).
It writes what the exports need and nothing more: text as inline strings (never a formula: there is no
``<f>`` element here at all, and every text goes through core.spreadsheets' ``safe_value`` first, so it
reads as the text it is, formula-like starts neutralised), numbers, booleans, dates (as Excel's day
numbers with a date format), a bold or banner heading row frozen above the others, and column widths.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import zipfile
from decimal import Decimal
from xml.sax.saxutils import escape

from django.utils import timezone

from core.spreadsheets import safe_sheet_title, safe_value

_EPOCH = dt.datetime(1899, 12, 30)
_EPOCH_DAY = _EPOCH.date()
_ATTR = {'"': "&quot;"}

# Cell styles (cellXfs): 0 plain, 1 bold heading, 2 date, 3 banner heading (white bold on blue)
PLAIN, BOLD, DATE, BANNER = 0, 1, 2, 3
HEADINGS = {"bold": BOLD, "banner": BANNER}

_STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd"/></numFmts>
<fonts count="3"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font>\
<font><b/><color rgb="FFFFFFFF"/><sz val="11"/><name val="Calibri"/></font></fonts>
<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>\
<fill><patternFill patternType="solid"><fgColor rgb="FF0B4F8A"/><bgColor rgb="FF0B4F8A"/></patternFill></fill></fills>
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>\
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
<xf numFmtId="0" fontId="2" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1"/></cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>"""

_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_CONTENT_TYPES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="{_MAIN}.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_MAIN}.worksheet+xml"/>
<Override PartName="/xl/styles.xml" ContentType="{_MAIN}.styles+xml"/>
</Types>"""

_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" \
Target="xl/workbook.xml"/>
</Relationships>"""

_WORKBOOK = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" \
xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<sheets><sheet name="{title}" sheetId="1" r:id="rId1"/></sheets>
</workbook>"""

_WORKBOOK_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" \
Target="worksheets/sheet1.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" \
Target="styles.xml"/>
</Relationships>"""

_SHEET_START = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<sheetViews><sheetView workbookViewId="0">{pane}</sheetView></sheetViews>
<sheetFormatPr defaultRowHeight="15"/>{cols}<sheetData>"""
_FROZEN = '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft"/>'


def column_letter(index: int) -> str:
    """The letters of a 1-based column number (1 = A, 27 = AA)."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _cell(ref: str, value, style: int) -> str:
    value = safe_value(value)
    s = f' s="{style}"' if style else ""
    if isinstance(value, str):
        if not value:
            return ""
        return f'<c r="{ref}" t="inlineStr"{s}><is><t xml:space="preserve">{escape(value)}</t></is></c>'
    if value is None:
        return ""
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"{s}><v>{int(value)}</v></c>'
    if isinstance(value, int):
        return f'<c r="{ref}"{s}><v>{value}</v></c>'
    if isinstance(value, Decimal):
        return f'<c r="{ref}"{s}><v>{value:f}</v></c>'
    if isinstance(value, float):
        return f'<c r="{ref}"{s}><v>{value!r}</v></c>'
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.make_naive(value)  # the portal's time zone, as shown on its pages
        serial = (value - _EPOCH).total_seconds() / 86400
        return f'<c r="{ref}" s="{style or DATE}"><v>{serial!r}</v></c>'
    if isinstance(value, dt.date):
        return f'<c r="{ref}" s="{style or DATE}"><v>{(value - _EPOCH_DAY).days}</v></c>'
    text = str(value)  # anything else (a lazy translation): as text, made safe
    return _cell(ref, text, style) if text else ""


def write_xlsx(rows, out, *, title: str = "Export", heading: str = "bold", widths=None, chunk: int = 2000) -> None:
    """Write the rows (the first one the headings, frozen above the others) as a one-sheet workbook into
    the binary file ``out``. ``heading`` is "bold" or "banner"; ``widths`` the columns' widths in order."""
    cols = ""
    if widths:
        cols = "<cols>" + "".join(
            f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>' for i, w in enumerate(widths, start=1) if w
        )
        cols += "</cols>"
    rows = iter(rows)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("[Content_Types].xml", _CONTENT_TYPES)
        zf.writestr("_rels/.rels", _RELS)
        zf.writestr("xl/workbook.xml", _WORKBOOK.format(title=escape(safe_sheet_title(title), _ATTR)))
        zf.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        zf.writestr("xl/styles.xml", _STYLES)
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(_SHEET_START.format(pane=_FROZEN, cols=cols).encode())
            letters: list[str] = []
            parts: list[str] = []
            for number, row in enumerate(rows, start=1):
                if len(row) > len(letters):
                    letters = [column_letter(i) for i in range(1, len(row) + 1)]
                style = HEADINGS.get(heading, BOLD) if number == 1 else PLAIN
                cells = "".join(
                    _cell(f"{letter}{number}", value, style) for letter, value in zip(letters, row, strict=False)
                )
                parts.append(f'<row r="{number}">{cells}</row>')
                if len(parts) >= chunk:
                    sheet.write("".join(parts).encode())
                    parts = []
            sheet.write(("".join(parts) + "</sheetData></worksheet>").encode())


def xlsx_file(rows, **options):
    """The workbook in a temporary file, rewound (closing it removes it)."""
    out = tempfile.TemporaryFile()  # noqa: SIM115 - the caller (a FileResponse) closes it
    write_xlsx(rows, out, **options)
    out.seek(0)
    return out
