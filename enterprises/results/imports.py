"""Bulk entry of KPI lines from Excel (.xlsx) or CSV: template, preview, marked workbook, import, export.

One row is one KPI line of one enterprise's result for one module. Rows of the same enterprise and module
go into the same result (a new draft, or the organisation's draft or returned result). Nothing is saved
until the preview shows no problem, and then all rows are saved in one transaction, through the same
services as the web forms, or none are.

We read the files with openpyxl and the csv module, and write them with core.spreadsheets' XlsxWriter, rather than
django-import-export's Resource pipeline: the preview must report every problem of every row in the partner's own
terms (which cell, why) and the save must go through ``services`` so the scope and approval rules are checked once;
import-export would have us re-implement both inside its hooks.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import io
import itertools
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from core import roles, spreadsheets
from enterprises.models import KPI, Enterprise, Result
from enterprises.selectors import enterprises_visible_to
from programmes.models import Module

from . import services

# The column headings are the file format, so they stay in English whatever the page's language:
# a workbook downloaded in Chinese must import in English too.
ENTERPRISE, MODULE, KPI_COL = "Enterprise", "Module", "KPI"
BASELINE_VALUE, BASELINE_DATE = "Baseline value", "Baseline date"
FOLLOWUP_VALUE, FOLLOWUP_DATE = "Follow-up value", "Follow-up date"
NOTE, STATUS = "Note", "Status"
COLUMNS = [ENTERPRISE, MODULE, KPI_COL, BASELINE_VALUE, BASELINE_DATE, FOLLOWUP_VALUE, FOLLOWUP_DATE, NOTE]
REQUIRED = COLUMNS[:-1]
EXPORT_ONLY = [STATUS]  # exported for reading; ignored when the file comes back
SHEET = "Results"
LISTS_SHEET = "Lists"
TEMPLATE_ROWS = 1000
# What a file may hold, checked before it is parsed (core/spreadsheets.py): the heading and 5,000 rows, the
# template's columns with room to spare, and a workbook's cells, characters and unpacked size to match. 5,000
# rows (bench/import_results.py's size) keep the largest file's upload, preview and marked copy within 10 s
# (bench/limits.py); a bigger programme imports in several files.
# Each part's XML elements to match: a sheet of 60,000 cells of inline text has about 185,000 (a cell, its text
# and the text's run), and openpyxl builds every element of the shared strings, the styles and the workbook
# as Python objects (a million style entries cost 14.5 s and 620 MB; at load 7 to 13 on two cores 100,000 took
# 7 s and 30,000 3.5 to 12 s, 124,000 rich-text runs 8.4 s and 10,000 defined names 0.5 to 1.9 s: bench/limits.py).
MAX_ROWS = 5_000
LIMITS = spreadsheets.ReadLimits(
    rows=MAX_ROWS + 1,
    columns=30,
    cells=60_000,
    parts=200,
    part_elements=250_000,
    runs=1_000,
    workbook_runs=20_000,
    style_elements=10_000,
    names=10_000,
)
CONTENT_TYPE_XLSX = spreadsheets.CONTENT_TYPE_XLSX

BAD_COLOUR = "FFC7CE"  # the marked copy's bad cells
HEADER_STYLE = spreadsheets.Style(bold=True, fill="0B4F8A", colour="FFFFFF")  # the template's heading
# The marked copy's last column (not part of the file format: the import ignores it, in any language)
PROBLEMS = _("Problems")


def enterprise_label(enterprise: Enterprise) -> str:
    return f"{enterprise.name}, {enterprise.city}"


def module_label(module: Module) -> str:
    return f"{module.code} {module.short_name or module.name}"


# --- The template ---------------------------------------------------------------------------------


WIDTHS = {ENTERPRISE: 40, MODULE: 28, KPI_COL: 40, NOTE: 40}  # the others 16


def template_workbook(user) -> bytes:
    """An .xlsx whose Enterprise, Module and KPI cells offer the user's enterprises, the modules and the
    active KPIs as drop-down lists (the lists live on a hidden sheet), whose values must be numbers and whose
    dates dates (shown as 2014-08-01)."""
    choices = {
        ENTERPRISE: [enterprise_label(e) for e in enterprises_visible_to(user).order_by("name", "city")],
        MODULE: [module_label(m) for m in Module.objects.all()],
        KPI_COL: list(KPI.objects.filter(active=True).values_list("name", flat=True)),
    }
    last = TEMPLATE_ROWS + 1

    def cells(name: str) -> str:
        letter = get_column_letter(COLUMNS.index(name) + 1)
        return f"{letter}2:{letter}{last}"

    validations = []
    for col, (name, values) in enumerate(choices.items(), start=1):
        letter = get_column_letter(col)
        source = f"={LISTS_SHEET}!${letter}$2:${letter}${max(len(values), 1) + 1}"
        validations.append(
            (
                cells(name),
                {
                    "validate": "list",
                    "source": source,
                    "ignore_blank": True,
                    "error_title": gettext("Choose from the list"),
                    "error_message": gettext("Choose a value from the drop-down list."),
                },
            )
        )
    for name in (BASELINE_VALUE, FOLLOWUP_VALUE):
        between = {"criteria": "between", "minimum": -9999999999, "maximum": 9999999999}
        validations.append(
            (cells(name), {"validate": "decimal", **between, "error_message": gettext("Enter a number.")})
        )
    for name in (BASELINE_DATE, FOLLOWUP_DATE):
        after = {"criteria": ">", "value": 1, "error_message": gettext("Enter a date, e.g. 2014-08-01.")}
        validations.append((cells(name), {"validate": "date", **after}))
    out = spreadsheets.XlsxWriter()
    out.sheet(
        SHEET,
        [[spreadsheets.Styled(name, HEADER_STYLE) for name in COLUMNS]],
        active=True,
        freeze_rows=1,
        widths={i: WIDTHS.get(name, 16) for i, name in enumerate(COLUMNS, start=1)},
        formats={COLUMNS.index(name) + 1: "yyyy-mm-dd" for name in (BASELINE_DATE, FOLLOWUP_DATE)},
        validations=validations,
    )
    lists = itertools.zip_longest(*([name, *values] for name, values in choices.items()))
    out.sheet(LISTS_SHEET, lists, hidden=True)
    return out.getvalue()


# --- Reading a file -------------------------------------------------------------------------------


@dataclass
class Table:
    kind: str  # "xlsx" or "csv"
    headers: list[str]
    rows: list[tuple[int, list]]  # (row number in the file, cell values)
    sheet: str = ""
    header_row: int = 1
    sheets: list[str] = field(default_factory=list)  # every worksheet's title, in order (an .xlsx)
    checked: bytes = b""  # the SHA-256 of the bytes that passed spreadsheets.xlsx_check


def _cell(value):
    if isinstance(value, str):
        value = spreadsheets.unescaped(value.strip())  # text the portal exported comes back as it was
        return value or None
    return value


def read_table(data: bytes) -> Table:
    """Read an .xlsx or CSV file's first table; raise ValidationError for anything that is not one."""
    if not data or not data.strip():
        raise ValidationError(_("The file is empty."), code="empty")
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise ValidationError(
            _("Old Excel 97-2003 (.xls) files cannot be read; save the workbook as .xlsx or CSV."), code="xls"
        )
    if data[:4] == b"PK\x03\x04":
        return _read_xlsx(data)
    return _read_csv(data)


# What openpyxl raises on a workbook it cannot make sense of (a part missing, a value that is not what its cell's
# type says, XML it does not expect): the partner is told the file is damaged, never shown a server error.
OPENPYXL_ERRORS = (
    zipfile.BadZipFile,
    KeyError,
    IndexError,
    OSError,
    ValueError,
    TypeError,
    AttributeError,
    SyntaxError,  # ElementTree's ParseError
    EOFError,
    NotImplementedError,
)


def _workbook_opened(data: bytes):
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except OPENPYXL_ERRORS as exc:
        raise spreadsheets.not_a_workbook() from exc
    if not wb.worksheets:
        raise spreadsheets.not_a_workbook()
    return wb


def _read_xlsx(data: bytes) -> Table:
    # parts, elements, rows, columns, cells, runs, styles, names, shared strings, unpacked size: refused before
    # openpyxl parses anything
    spreadsheets.xlsx_check(data, LIMITS)
    wb = _workbook_opened(data)
    ws = wb[SHEET] if SHEET in wb.sheetnames else wb.worksheets[0]
    ws.reset_dimensions()  # the rows as they are, not padded to what the sheet says it spans
    it = ws.iter_rows(values_only=True)
    headers = None
    rows = []
    number = 0
    while True:
        try:
            values = next(it, None)
        except OPENPYXL_ERRORS as exc:
            wb.close()
            raise spreadsheets.sheet_damaged(ws.title, number + 1) from exc
        if values is None:
            break
        number += 1
        spreadsheets.cells_check(values, row=number, sheet=ws.title, limits=LIMITS)
        values = [_cell(v) for v in values]
        if headers is None:
            if any(v is not None for v in values):
                headers = [str(v) if v is not None else "" for v in values]
                header_row = number
            continue
        if any(v is not None for v in values):
            rows.append((number, values))
        if len(rows) > MAX_ROWS:
            raise ValidationError(_("The file has more than %(max)s rows.") % {"max": MAX_ROWS}, code="too_many")
    wb.close()
    if headers is None:
        raise ValidationError(_("The file is empty."), code="empty")
    sheets = [sheet.title for sheet in wb.worksheets]
    return Table("xlsx", headers, rows, ws.title, header_row, sheets, hashlib.sha256(data).digest())


def _read_csv(data: bytes) -> Table:
    if b"\x00" in data[:4096]:
        raise ValidationError(_("This file is not an Excel workbook (.xlsx) or a CSV file."), code="not_table")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValidationError(_("This file is not an Excel workbook (.xlsx) or a CSV file."), code="not_table")
    start = text.lstrip()
    first = start[: start.find("\n")] if "\n" in start else start
    delimiter = max([",", ";", "\t"], key=first.count)
    headers = None
    rows = []
    for number, values in spreadsheets.csv_records(text, LIMITS, delimiter=delimiter):
        values = [_cell(v) for v in values]
        if headers is None:
            if any(v is not None for v in values):
                headers = [v or "" for v in values]
            continue
        if any(v is not None for v in values):
            rows.append((number, values))
        if len(rows) > MAX_ROWS:
            raise ValidationError(_("The file has more than %(max)s rows.") % {"max": MAX_ROWS}, code="too_many")
    if headers is None:
        raise ValidationError(_("The file is empty."), code="empty")
    return Table("csv", headers, rows)


def column_problems(headers: list[str]) -> list[str]:
    """Every problem with the heading row: missing, unknown and repeated columns."""
    seen: dict[str, int] = defaultdict(int)
    spelled: dict[str, str] = {}
    for h in headers:
        if h.strip():
            seen[h.strip().lower()] += 1
            spelled.setdefault(h.strip().lower(), h.strip())
    known = {c.lower() for c in COLUMNS + EXPORT_ONLY}
    hint = gettext("The first row must name the columns: %(cols)s (download the template).") % {
        "cols": ", ".join(COLUMNS)
    }
    if not known & set(seen):
        return [gettext("This is not a results spreadsheet: none of the template's columns is in its first row."), hint]
    problems = []
    missing = [c for c in REQUIRED if c.lower() not in seen]
    if missing:
        problems.append(gettext("Missing columns: %(cols)s.") % {"cols": ", ".join(missing)})
    unknown = [
        h.strip() for h in headers if h.strip() and h.strip().lower() not in known and not is_problems_heading(h)
    ]
    if unknown:
        problems.append(gettext("Unknown columns: %(cols)s.") % {"cols": ", ".join(unknown)})
    repeated = [spelled[h] for h, n in seen.items() if n > 1]
    if repeated:
        problems.append(gettext("Columns given twice: %(cols)s.") % {"cols": ", ".join(repeated)})
    if problems:
        problems.append(hint)
    return problems


# --- Checking the rows ----------------------------------------------------------------------------


@dataclass
class Row:
    number: int
    values: dict[str, object]
    errors: dict[str, list[str]] = field(default_factory=dict)
    enterprise: Enterprise | None = None
    module: Module | None = None
    kpi: KPI | None = None
    baseline_value: Decimal | None = None
    baseline_date: dt.date | None = None
    followup_value: Decimal | None = None
    followup_date: dt.date | None = None
    note: str = ""
    action: str = ""

    def error(self, column: str, message: str) -> None:
        self.errors.setdefault(column, []).append(str(message))

    def shown(self, column: str) -> str:
        value = self.values.get(column)
        if value is None:
            return ""
        if isinstance(value, dt.datetime):
            value = value.date()
        return str(value)


@dataclass
class Preview:
    table: Table
    rows: list[Row]
    file_errors: list[str]

    @property
    def bad_rows(self) -> list[Row]:
        return [r for r in self.rows if r.errors]

    @property
    def ok(self) -> bool:
        return not self.file_errors and not self.bad_rows and bool(self.rows)

    @property
    def columns(self) -> list[str]:
        return COLUMNS


def _decimal(row: Row, column: str) -> Decimal | None:
    value = row.values.get(column)
    if value is None:
        row.error(column, _("Required."))
        return None
    if isinstance(value, bool):
        row.error(column, _("Not a number."))
        return None
    text = str(value).strip().replace(" ", "").rstrip("%")
    try:
        number = Decimal(text) if not isinstance(value, float) else Decimal(repr(value))
    except InvalidOperation:
        row.error(column, gettext("“%(value)s” is not a number.") % {"value": value})
        return None
    if not number.is_finite() or abs(number) >= Decimal("1e10"):
        row.error(column, gettext("“%(value)s” is not a number we can store.") % {"value": value})
        return None
    return number.quantize(Decimal("0.0001"))


def _date(row: Row, column: str) -> dt.date | None:
    value = row.values.get(column)
    if value is None:
        row.error(column, _("Required."))
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    for fmt in ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    row.error(column, gettext("“%(value)s” is not a date; write it as YYYY-MM-DD.") % {"value": value})
    return None


class _Lookups:
    """Everything the rows are checked against, read once (so a 5,000-row file costs a few queries)."""

    def __init__(self, user):
        self.user = user
        self.org_id = roles.partner_organisation_id(user)
        enterprises = list(enterprises_visible_to(user))
        self.by_label = {enterprise_label(e).lower(): e for e in enterprises}
        self.by_name: dict[str, list[Enterprise]] = defaultdict(list)
        for e in enterprises:
            self.by_name[e.name.lower()].append(e)
        self.modules = {}
        for m in Module.objects.all():
            self.modules[m.code.lower()] = m
            self.modules[module_label(m).lower()] = m
        self.kpis = {k.name.lower(): k for k in KPI.objects.filter(active=True)}
        self.results = {
            (r.enterprise_id, r.module_id): r
            for r in Result.objects.filter(enterprise__in=[e.pk for e in enterprises]).only(
                "pk", "enterprise_id", "module_id", "status", "organisation_id"
            )
        }

    def enterprise(self, row: Row) -> Enterprise | None:
        value = row.values.get(ENTERPRISE)
        if value is None:
            row.error(ENTERPRISE, _("Required."))
            return None
        key = str(value).strip().lower()
        if key in self.by_label:
            return self.by_label[key]
        same_name = self.by_name.get(key, [])
        if len(same_name) == 1:
            return same_name[0]
        if len(same_name) > 1:
            row.error(
                ENTERPRISE,
                gettext("Several of your enterprises are called “%(value)s”; choose one from the list.")
                % {"value": value},
            )
            return None
        # Unknown and out-of-scope enterprises get the same answer, so the file reveals nothing.
        row.error(ENTERPRISE, gettext("“%(value)s” is not one of your organisation's enterprises.") % {"value": value})
        return None

    def module(self, row: Row) -> Module | None:
        value = row.values.get(MODULE)
        if value is None:
            row.error(MODULE, _("Required."))
            return None
        text = str(value).strip().lower()
        found = self.modules.get(text) or self.modules.get(text.split()[0])
        if found is None:
            row.error(MODULE, gettext("“%(value)s” is not a SCORE module (M1, M2, …).") % {"value": value})
        return found

    def kpi(self, row: Row) -> KPI | None:
        value = row.values.get(KPI_COL)
        if value is None:
            row.error(KPI_COL, _("Required."))
            return None
        found = self.kpis.get(str(value).strip().lower())
        if found is None:
            row.error(KPI_COL, gettext("“%(value)s” is not in the KPI catalogue.") % {"value": value})
        return found


def preview(user, table: Table) -> Preview:
    """Check every row of the table; nothing is saved."""
    problems = column_problems(table.headers)
    if problems:
        return Preview(table, [], problems)
    if not table.rows:
        return Preview(table, [], [gettext("The file has no rows to import.")])
    index = {h.strip().lower(): i for i, h in enumerate(table.headers) if h.strip()}
    look = _Lookups(user)
    rows = []
    seen: dict[tuple, int] = {}
    for number, values in table.rows:
        mapped = {c: (values[index[c.lower()]] if index[c.lower()] < len(values) else None) for c in COLUMNS}
        row = Row(number=number, values=mapped)
        row.enterprise, row.module, row.kpi = look.enterprise(row), look.module(row), look.kpi(row)
        row.baseline_value, row.baseline_date = _decimal(row, BASELINE_VALUE), _date(row, BASELINE_DATE)
        row.followup_value, row.followup_date = _decimal(row, FOLLOWUP_VALUE), _date(row, FOLLOWUP_DATE)
        for column, value in ((BASELINE_VALUE, row.baseline_value), (FOLLOWUP_VALUE, row.followup_value)):
            problem = row.kpi and services.kpi_value_problem(row.kpi, value)
            if problem:
                where = gettext("Row %(row)s, column %(letter)s (%(column)s)") % {
                    "row": number,
                    "letter": get_column_letter(index[column.lower()] + 1),
                    "column": column,
                }
                row.error(column, f"{where}: {problem}")
        row.note = str(mapped.get(NOTE) or "")
        if len(row.note) > 300:
            row.error(NOTE, _("At most 300 characters."))
        if row.baseline_date and row.followup_date and row.followup_date < row.baseline_date:
            row.error(FOLLOWUP_DATE, _("The follow-up cannot be dated before the baseline."))
        if row.enterprise and row.module:
            existing = look.results.get((row.enterprise.pk, row.module.pk))
            if existing is None:
                row.action = "create"
            elif existing.organisation_id != look.org_id:
                row.error(
                    ENTERPRISE,
                    gettext("Another organisation reported this enterprise's %(module)s result.")
                    % {"module": row.module.code},
                )
            elif existing.status not in services.EDITABLE:
                row.error(
                    ENTERPRISE,
                    gettext("This enterprise's %(module)s result is %(status)s and can no longer be changed.")
                    % {"module": row.module.code, "status": existing.get_status_display().lower()},
                )
            else:
                row.action = "update"
            if row.kpi:
                key = (row.enterprise.pk, row.module.pk, row.kpi.pk)
                if key in seen:
                    row.error(KPI_COL, gettext("Same enterprise, module and KPI as row %(n)s.") % {"n": seen[key]})
                else:
                    seen[key] = number
        rows.append(row)
    if look.org_id is None:
        return Preview(table, rows, [gettext("Only partner users import results.")])
    return Preview(table, rows, [])


def upload_preview(user, data: bytes) -> Preview:
    return preview(user, read_table(data))


# --- Saving ---------------------------------------------------------------------------------------


@transaction.atomic
def import_rows(user, result_preview: Preview) -> int:
    """Save every row of a clean preview, all in one transaction; raise ValidationError and save nothing
    if any row fails (e.g. a result was submitted between the preview and the import).

    The rows go through the services' batch functions (the same rules as the forms, checked against
    look-ups read once), so a 5,000-row file costs a few dozen queries, not several per row."""
    if not result_preview.ok:
        raise ValidationError(_("The file has problems; nothing was imported."))
    rows = result_preview.rows
    results: dict[tuple[int, int], Result] = {
        (r.enterprise_id, r.module_id): r
        for r in Result.objects.select_for_update().filter(
            enterprise__in={row.enterprise.pk for row in rows},
            organisation_id=roles.partner_organisation_id(user),
        )
    }
    new: dict[tuple[int, int], Row] = {}
    for row in rows:
        key = (row.enterprise.pk, row.module.pk)
        if key not in results and key not in new:
            new[key] = row
    try:
        drafts = services.results_create_drafts(by=user, pairs=[(r.enterprise, r.module) for r in new.values()])
    except services.RowRefused as exc:
        raise _refused(list(new.values())[exc.index], exc) from exc
    except services.ResultNotAllowed as exc:
        raise _refused(rows[0], ValidationError(str(exc))) from exc
    results.update(zip(new, drafts, strict=True))
    lines = [
        services.LineValues(
            result=results[(row.enterprise.pk, row.module.pk)],
            kpi=row.kpi,
            baseline_value=row.baseline_value,
            baseline_date=row.baseline_date,
            followup_value=row.followup_value,
            followup_date=row.followup_date,
            note=row.note,
        )
        for row in rows
    ]
    try:
        services.kpi_lines_save(by=user, lines=lines)
    except services.RowRefused as exc:
        raise _refused(rows[exc.index], exc) from exc
    return len(rows)


def _refused(row: Row, exc: ValidationError) -> ValidationError:
    return ValidationError(
        gettext("Row %(n)s: %(problem)s Nothing was imported.") % {"n": row.number, "problem": " ".join(exc.messages)}
    )


# --- The partner's workbook with the problems marked ---------------------------------------------


def is_problems_heading(heading: str) -> bool:
    """Whether a heading is the marked copy's "Problems" column, in any of the portal's languages: a partner
    who corrects the marked copy uploads it back with that column, which the import ignores."""
    return heading.strip().lower() in _problems_headings()


@functools.cache
def _problems_headings() -> frozenset[str]:
    names = {"problems"}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            names.add(str(PROBLEMS).lower())
    return frozenset(names)


def _problem_line(column: str, message: str) -> str:
    # a message that already names its column ("Row 3, column D (Baseline value): …") is not named twice
    return message if f"({column})" in message else f"{column}: {message}"


def marked_workbook(data: bytes, result_preview: Preview) -> bytes:
    """A copy of the uploaded workbook (or of the CSV, as a workbook) for the partner to correct and upload
    again: every bad cell filled red, and each bad row's problems written out in a "Problems" column at its
    end (the column the file already has if it is a marked copy coming back; the import ignores it).

    The copy holds the values only (a formula's last result, never a formula: the file goes back to people
    who open it in Excel), every text made safe; styles, formulas, comments, drawings and data validation are
    not copied. The checked sheet is written from the values already read for the preview (text as the
    import reads it: trimmed), the other sheets are streamed from the file, row by row, so the memory is the
    rows already in hand. Problems are text in a column rather than cell comments: Excel shows them without
    hovering, and thousands of comments (VML shapes) took seconds to write."""
    table = result_preview.table
    out = spreadsheets.XlsxWriter()
    others = [title for title in table.sheets if title != table.sheet]
    if not others:
        out.sheet(table.sheet or SHEET, _marked_rows(result_preview), **_marked_layout(table), active=True)
        return out.getvalue()
    if table.checked != hashlib.sha256(data).digest():  # read_table checked these very bytes, or check them now
        spreadsheets.xlsx_check(data, LIMITS)
    source = _workbook_opened(data)
    try:
        for title in table.sheets:
            if title == table.sheet:
                out.sheet(title, _marked_rows(result_preview), **_marked_layout(table), active=True)
            elif title in source.sheetnames:
                sheet = source[title]
                try:
                    out.sheet(title, spreadsheets.sheet_values(sheet), hidden=sheet.sheet_state != "visible")
                except OPENPYXL_ERRORS as exc:  # another sheet of the file is damaged: said, not a server error
                    raise spreadsheets.workbook_damaged(title) from exc
    finally:
        source.close()
    return out.getvalue()


def _problems_column(table: Table) -> int:
    """The 0-based column of the problems: the file's own "Problems" column, or the one after the last."""
    at = next((i for i, h in enumerate(table.headers) if is_problems_heading(h)), None)
    if at is None:
        at = max([len(table.headers), *(len(values) for _number, values in table.rows)])
    return at


def _marked_layout(table: Table) -> dict:
    return {"freeze_rows": table.header_row, "widths": {_problems_column(table) + 1: 80}}


def _marked_rows(result_preview: Preview):
    """The checked sheet's rows, row 1 first (blank rows as empty lists), the bad cells and the problems styled."""
    table = result_preview.table
    at = _problems_column(table)
    index = {h.strip().lower(): i for i, h in enumerate(table.headers) if h.strip()}
    heading_style = spreadsheets.Style(bold=True)
    bad_style = spreadsheets.Style(fill=BAD_COLOUR)
    problems_style = spreadsheets.Style(wrap=True)
    file_errors = result_preview.file_errors
    yield from ([] for _blank in range(1, table.header_row))
    heading = [spreadsheets.Styled(h or None, heading_style) for h in table.headers]
    heading += [None] * (at + 1 - len(heading))
    heading[at] = spreadsheets.Styled(
        "\n".join([str(PROBLEMS), *file_errors]),
        spreadsheets.Style(bold=True, wrap=True, fill=BAD_COLOUR if file_errors else ""),
    )
    yield heading
    bad = {row.number: row for row in result_preview.bad_rows}
    number = table.header_row
    for row_number, values in table.rows:
        yield from ([] for _blank in range(number + 1, row_number))  # the blank rows the table left out
        number = row_number
        cells = list(values) + [None] * (at + 1 - len(values))
        cells[at] = None  # a marked copy's old problems, gone or written again below
        row = bad.get(row_number)
        if row is not None:
            lines = []
            for column, messages in row.errors.items():
                i = index.get(column.lower(), 0)
                cells[i] = spreadsheets.Styled(cells[i], bad_style)
                lines += [_problem_line(column, m) for m in messages]
            cells[at] = spreadsheets.Styled("\n".join(lines), problems_style)
        yield cells


# --- Export: the same columns back -----------------------------------------------------------------


def export_rows(results) -> list[list]:
    """One row per KPI line (a result without lines gets one row), in the import's columns plus Status."""
    rows = []
    for result in results:
        lines = list(result.kpi_lines.all())
        base = [enterprise_label(result.enterprise), module_label(result.module)]
        if not lines:
            rows.append(base + [None] * (len(COLUMNS) - 2) + [result.get_status_display()])
        for line in lines:
            rows.append(
                base
                + [
                    line.kpi.name,
                    line.baseline_value.normalize(),
                    line.baseline_date,
                    line.followup_value.normalize(),
                    line.followup_date,
                    line.note,
                    result.get_status_display(),
                ]
            )
    return rows


def export_csv(results) -> bytes:
    return spreadsheets.csv_bytes([COLUMNS + EXPORT_ONLY, *export_rows(results)])
