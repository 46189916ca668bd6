"""Every CSV and Excel file the portal writes carries user text as text (no formula from user data), and
every download's file name survives being Chinese (RFC 6266)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from enterprises.models import KPILine, ResultImport

from .conftest import draft

pytestmark = pytest.mark.django_db

EVIL = '=HYPERLINK("http://evil.example","x")'
EVILS = [EVIL, "+1+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0", "@SUM(1+1)", "\t=1+1", "\r=1+1"]
HEADER = ["Enterprise", "Module", "KPI", "Baseline value", "Baseline date", "Follow-up value", "Follow-up date", "Note"]


def cells(content: bytes):
    wb = load_workbook(io.BytesIO(content))
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            yield from row


def assert_no_formula(content: bytes) -> None:
    for cell in cells(content):
        assert cell.data_type != "f", f"{cell.coordinate} is a formula: {cell.value!r}"
        if isinstance(cell.value, str):
            assert not cell.value.startswith(("=", "+", "@", "\t", "\r")), (cell.coordinate, cell.value)


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def assert_csv_safe(rows: list[list[str]]) -> None:
    for row in rows:
        for value in row:
            assert not value.startswith(("=", "+", "@", "\t", "\r")), value
            if value.startswith("-"):
                float(value)  # only a plain number may start with a minus


def test_an_enterprise_named_like_a_formula_is_text_in_the_list_exports(client, officer, side_a):
    side_a.enterprise.name = EVIL
    side_a.enterprise.workers_women, side_a.enterprise.workers_men = 100, 23
    side_a.enterprise.save()
    client.force_login(officer)

    xlsx = body(client.get("/enterprises/", {"_export": "xlsx"}))
    assert_no_formula(xlsx)
    ws = load_workbook(io.BytesIO(xlsx)).active
    header = [c.value for c in ws[1]]
    row = [c.value for c in ws[2]]
    assert row[header.index("Name")] == "'" + EVIL  # shown as the text it is
    assert row[header.index("Workforce")] == 123  # numbers stay numbers
    assert ws.cell(row=2, column=header.index("Workforce") + 1).data_type == "n"

    rows = csv_rows(body(client.get("/enterprises/", {"_export": "csv"})))
    assert_csv_safe(rows)
    assert rows[1][rows[0].index("Name")] == "'" + EVIL
    assert rows[1][rows[0].index("Workforce")] == "123"


def test_formula_like_names_are_text_in_every_list_export(client, officer, side_a):
    side_a.organisation.name = EVILS[3]
    side_a.organisation.save()
    side_a.training_round.city = EVILS[1]
    side_a.training_round.save()
    client.force_login(officer)
    for url in ("/rounds/", "/organisations/", "/trainers/", "/enterprises/"):
        for fmt in ("xlsx", "csv"):
            response = client.get(url, {"_export": fmt})
            assert response.status_code == 200, url
            if fmt == "xlsx":
                assert_no_formula(body(response))
            else:
                assert_csv_safe(csv_rows(body(response)))
    rows = csv_rows(body(client.get("/rounds/", {"_export": "csv"})))
    assert any(value.startswith("'" + EVILS[1]) for value in rows[1])


def _import(client, data: bytes, name: str = "results.csv") -> ResultImport:
    response = client.post("/results/import/", {"file": SimpleUploadedFile(name, data)})
    assert response.status_code == 302, response.content.decode()[:500]
    return ResultImport.objects.latest("pk")


def _csv(rows) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows([HEADER, *rows])
    return out.getvalue().encode()


def test_a_partners_imported_note_is_text_in_the_officers_result_export_and_imports_back(client, officer, side_a):
    # given a partner imports KPI lines whose notes look like formulas
    kpis = ["Cost savings / benefits", "On-time delivery", "Accidents", "Employee suggestions received"]
    rows = [
        ["Yucheng Futong Electric", "M1", kpi, "-4.5" if i == 0 else "3", "2014-08-01", "2", "2014-11-30", note]
        for i, (kpi, note) in enumerate(zip(kpis, [EVIL, EVILS[1], EVILS[2], EVILS[3]], strict=True))
    ]
    client.force_login(side_a.partner)
    record = _import(client, _csv(rows))
    client.post(f"/results/import/{record.pk}/confirm/")
    assert sorted(KPILine.objects.values_list("note", flat=True)) == sorted([EVIL, *EVILS[1:4]])

    # when the officer exports the results
    client.force_login(officer)
    xlsx = body(client.get("/results/export/", {"format": "xlsx"}))
    csv_file = body(client.get("/results/export/", {"format": "csv"}))

    # then every note is text, shown with an apostrophe, and the values are numbers
    assert_no_formula(xlsx)
    ws = load_workbook(io.BytesIO(xlsx)).active
    header = [c.value for c in ws[1]]
    notes = {ws.cell(row=r, column=header.index("Note") + 1).value for r in range(2, ws.max_row + 1)}
    assert notes == {"'" + n for n in [EVIL, *EVILS[1:4]]}
    values = [ws.cell(row=r, column=header.index("Baseline value") + 1) for r in range(2, ws.max_row + 1)]
    assert all(c.data_type == "n" for c in values) and -4.5 in [c.value for c in values]
    table = csv_rows(csv_file)
    assert_csv_safe(table)
    assert {r[header.index("Note")] for r in table[1:]} == notes
    assert "-4.5" in {r[header.index("Baseline value")] for r in table[1:]}

    # and the partner's own export imports back to the very same notes
    client.force_login(side_a.partner)
    exported = body(client.get("/results/export/", {"format": "xlsx"}))
    record = _import(client, exported, "export.xlsx")
    page = client.get(f"/results/import/{record.pk}/").content.decode()
    assert "All 4 rows are ready to import" in page
    client.post(f"/results/import/{record.pk}/confirm/")
    assert sorted(KPILine.objects.values_list("note", flat=True)) == sorted([EVIL, *EVILS[1:4]])


def test_the_checked_file_carries_no_formula(client, side_a):
    # given a workbook with a real formula and formula-like text, and a bad row
    wb = Workbook()
    ws = wb.active
    ws.title = "Results"
    ws.append(HEADER)
    good = ["Yucheng Futong Electric", "M1", "Accidents", 3, dt.date(2014, 8, 1), 1, dt.date(2014, 11, 30)]
    ws.append([*good, '=HYPERLINK("http://evil.example","formula")'])
    ws.append(["Yucheng Futong Electric", "M2", "Accidents", "three", "2014-08-01", 1, "2014-11-30", None])
    ws["H4"] = EVIL
    ws["H4"].data_type = "s"  # text in the file that would become a formula when written back naively
    assert ws["H2"].data_type == "f"
    out = io.BytesIO()
    wb.save(out)
    client.force_login(side_a.partner)
    record = _import(client, out.getvalue(), "results.xlsx")

    # when the partner downloads the file with the problems marked
    checked = client.get(f"/results/import/{record.pk}/checked.xlsx").content

    # then nothing in it is a formula, the problems are marked, and the text is shown as text
    assert_no_formula(checked)
    ws = load_workbook(io.BytesIO(checked))["Results"]
    assert "“three” is not a number" in ws["I3"].value and ws["D3"].fill.fgColor.rgb.endswith("FFC7CE")
    assert ws["H4"].value == "'" + EVIL
    assert ws["A2"].value == "Yucheng Futong Electric"

    # a CSV upload's checked file too
    record = _import(client, _csv([[*good[:4], "x", 1, "2014-11-30", EVIL]]), "results.csv")
    checked = client.get(f"/results/import/{record.pk}/checked.xlsx").content
    assert_no_formula(checked)
    assert load_workbook(io.BytesIO(checked))["Results"]["H2"].value == "'" + EVIL


def test_the_import_template_lists_formula_like_names_as_text(client, side_a):
    side_a.enterprise.name = EVIL
    side_a.enterprise.save()
    client.force_login(side_a.partner)
    template = client.get("/results/import/template.xlsx").content
    lists = load_workbook(io.BytesIO(template))["Lists"]
    assert f"'{EVIL}, Taixing" in [c.value for c in lists["A"]]
    for cell in cells(template):
        assert cell.data_type != "f"
    # the name picked from the drop-down imports as the enterprise
    record = _import(client, _csv([[f"'{EVIL}, Taixing", "M1", "Accidents", 3, "2014-08-01", 1, "2014-11-30", ""]]))
    page = client.get(f"/results/import/{record.pk}/").content.decode()
    assert "ready to import" in page and "is not one of your organisation" not in page


# --- Content-Disposition (RFC 6266) ---------------------------------------------------------------------


def _disposition_params(header: str) -> dict[str, str]:
    """The header's parameters (RFC 6266 grammar: quoted strings without quotes inside, or tokens)."""
    import re

    return dict(re.findall(r';\s*([a-z*]+)=("[^"]*"|[^;\s]+)', header))


def test_a_chinese_file_name_downloads_with_an_ascii_fallback_and_its_utf8_name(client, side_a):
    client.force_login(side_a.partner)
    rows = [["Yucheng Futong Electric", "M1", "Accidents", "three", "2014-08-01", 1, "2014-11-30", ""]]
    record = _import(client, _csv(rows), "泰兴成果 2014.csv")
    response = client.get(f"/results/import/{record.pk}/checked.xlsx")
    header = response["Content-Disposition"]
    header.encode("ascii")  # a header is ASCII
    assert header.startswith("attachment;")
    assert "filename*=UTF-8''" + quote("泰兴成果 2014-checked.xlsx", safe="") in header
    params = _disposition_params(header)
    assert set(params) == {"filename", "filename*"}
    assert params["filename"].endswith('.xlsx"') and params["filename"].isascii()
    assert "2014-checked" in params["filename"]


def test_a_file_name_with_quotes_cannot_break_the_header(client, side_a):
    client.force_login(side_a.partner)
    rows = [["Yucheng Futong Electric", "M1", "Accidents", "three", "2014-08-01", 1, "2014-11-30", ""]]
    record = _import(client, _csv(rows), 'a"; filename="evil.exe.csv')
    header = client.get(f"/results/import/{record.pk}/checked.xlsx")["Content-Disposition"]
    params = _disposition_params(header)
    assert params["filename"].endswith('-checked.xlsx"'), header
    assert header.count('filename="') == 1 and header.count('"') == 2, header


def test_ascii_file_names_keep_their_plain_header(client, side_a):
    draft(side_a)
    client.force_login(side_a.partner)
    response = client.get("/results/import/template.xlsx")
    assert response["Content-Disposition"] == 'attachment; filename="score-results-template.xlsx"'


def test_the_fast_writer_keeps_values_as_values_and_text_as_text():
    from decimal import Decimal

    from core import spreadsheets

    out = spreadsheets.XlsxWriter()
    red = spreadsheets.Style(fill="FFC7CE")
    rows = [
        ["text", EVIL, "-5", 3, 4.25, Decimal("1.50"), True, dt.date(2014, 8, 1), dt.datetime(2014, 8, 1, 9, 30)],
        [],
        [
            spreadsheets.Styled(None, red),
            spreadsheets.Styled('a & b <c>\n"d"', red),
            dt.time(9, 30),
            dt.date(1850, 1, 1),
            "no\x00 XML\uffff \x1b",
        ],
    ]
    out.sheet("Lists", [["hidden"]], hidden=True)
    out.sheet("A/B", rows, active=True, freeze_rows=1, widths={2: 40})
    content = out.getvalue()
    assert_no_formula(content)
    wb = load_workbook(io.BytesIO(content))
    assert wb.sheetnames == ["Lists", "A B"] and wb["Lists"].sheet_state == "hidden"
    assert wb.active.title == "A B"
    ws = wb["A B"]
    assert [c.value for c in ws[1]] == [
        "text",
        "'" + EVIL,
        "-5",
        3,
        4.25,
        1.5,
        True,
        dt.datetime(2014, 8, 1),
        dt.datetime(2014, 8, 1, 9, 30),
    ]
    assert ws["H1"].number_format == "yyyy-mm-dd" and ws["C1"].data_type == "s"
    assert all(c.value is None for c in ws[2])
    assert ws["A3"].fill.fgColor.rgb == "FFFFC7CE" and ws["B3"].value == 'a & b <c>\n"d"'
    assert ws["C3"].value == dt.time(9, 30) and ws["D3"].value == "1850-01-01" and ws["E3"].value == "no XML "
    assert ws.freeze_panes == "A2" and ws.column_dimensions["B"].width == 40


# XlsxWriter writes a string that starts with "<r>" and ends with "</r>" as rich-string XML, unescaped
MARKUP = '<r><t>x</t></r></is></c><c r="Z1"><f>HYPERLINK("http://evil.example","x")</f></c><c><is><r><t>y</t></r>'


def test_text_shaped_like_cell_markup_stays_text_in_the_checked_copy(client, side_a):
    import zipfile

    # given an upload whose note and other sheet hold text that is the XML of a formula cell
    wb = Workbook()
    ws = wb.active
    ws.title = "Results"
    ws.append(HEADER)
    ws.append(["Yucheng Futong Electric", "M2", "Accidents", "three", "2014-08-01", 1, "2014-11-30", MARKUP])
    wb.create_sheet("Notes").append([MARKUP, "<r>" + "x" * 40_000 + "</r>"])
    out = io.BytesIO()
    wb.save(out)
    client.force_login(side_a.partner)
    record = _import(client, out.getvalue(), "results.xlsx")

    # when the partner downloads the file with the problems marked
    checked = client.get(f"/results/import/{record.pk}/checked.xlsx").content

    # then the text is the cell's text, and no sheet holds a formula element
    assert_no_formula(checked)
    with zipfile.ZipFile(io.BytesIO(checked)) as zf:
        sheets = [zf.read(n).decode() for n in zf.namelist() if n.startswith("xl/worksheets/sheet")]
    assert sheets and not any("<f>" in xml or "<f " in xml for xml in sheets)
    marked = load_workbook(io.BytesIO(checked))
    assert marked["Results"]["H2"].value == MARKUP and marked["Results"]["D2"].fill.fgColor.rgb.endswith("FFC7CE")
    assert marked["Notes"]["A1"].value == MARKUP


def test_the_fast_writer_writes_markup_shaped_text_as_text_even_when_cut_to_a_cells_size():
    from core import spreadsheets

    out = spreadsheets.XlsxWriter()
    bold = spreadsheets.Style(bold=True)
    # cut to Excel's 32,767 characters, this one ends in "</r>" too
    cut = "<r>" + "x" * (32_767 - 7) + "</r>" + "tail"
    out.sheet("S", [[spreadsheets.Styled(MARKUP, bold), MARKUP, cut]])
    ws = load_workbook(io.BytesIO(out.getvalue()))["S"]
    assert [c.data_type for c in ws[1]] == ["s", "s", "s"]
    assert ws["A1"].value == MARKUP and ws["A1"].font.b and ws["B1"].value == MARKUP
    assert ws["C1"].value == cut[:32_767]


def test_a_name_holding_a_non_character_still_exports_as_a_workbook_excel_opens(client, officer, side_a):
    # U+FFFE and U+FFFF are not characters: XML cannot hold them, a workbook carrying one is refused by Excel
    side_a.enterprise.name = "Yucheng\ufffe Futong\uffff Electric"
    side_a.enterprise.save()
    client.force_login(officer)
    xlsx = body(client.get("/enterprises/", {"_export": "xlsx"}))
    ws = load_workbook(io.BytesIO(xlsx)).active
    header = [c.value for c in ws[1]]
    assert ws.cell(row=2, column=header.index("Name") + 1).value == "Yucheng Futong Electric"


def test_the_writer_keeps_font_sizes_colours_column_formats_and_data_validations():
    from core import spreadsheets

    out = spreadsheets.XlsxWriter()
    white = spreadsheets.Style(bold=True, fill="0B4F8A", colour="FFFFFF", size=13)
    name = out.sheet(
        "Figures",
        [[spreadsheets.Styled("Title", white), "Rate"], ["a", 12.345], ["b", spreadsheets.Styled(7.5, white)]],
        formats={2: "0.0"},
        validations=[
            ("A2:A9", {"validate": "list", "source": "=Lists!$A$1:$A$2", "error_message": "Pick one."}),
            ("B2:B9", {"validate": "decimal", "criteria": "between", "minimum": -10, "maximum": 10}),
            ("C2:C9", {"validate": "date", "criteria": ">", "value": 1}),
        ],
    )
    out.sheet("Lists", [["x"], ["y"]], hidden=True)
    wb = load_workbook(io.BytesIO(out.getvalue()))
    ws = wb[name]
    assert ws["A1"].font.b and ws["A1"].font.sz == 13 and ws["A1"].font.color.rgb == "FFFFFFFF"
    assert ws["A1"].fill.fgColor.rgb == "FF0B4F8A"
    # a column's number format: on its numbers, whatever their style, and on that column only
    assert ws["B2"].number_format == ws["B3"].number_format == "0.0" and ws["B3"].font.b
    assert ws["A2"].number_format == "General" and ws.column_dimensions["B"].number_format == "0.0"
    by_cell = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    assert (by_cell["A2:A9"].type, by_cell["A2:A9"].formula1, by_cell["A2:A9"].error) == (
        "list",
        "Lists!$A$1:$A$2",
        "Pick one.",
    )
    decimal = by_cell["B2:B9"]
    # "between" is a validation's default operator, which the file may leave unsaid (openpyxl reads None)
    assert decimal.type == "decimal" and decimal.operator in (None, "between")
    assert (decimal.formula1, decimal.formula2) == ("-10", "10")
    date = by_cell["C2:C9"]
    assert (date.type, date.operator, date.formula1) == ("date", "greaterThan", "1")
    # options the library would silently leave out are refused
    with pytest.raises(ValueError, match="data validation of A1 refused"):
        spreadsheets.XlsxWriter().sheet("S", [], validations=[("A1", {"validate": "decimal", "criteria": "about"})])
