"""Bulk entry from Excel and CSV: template with drop-downs, preview with every problem, all or nothing."""

import csv
import datetime as dt
import io
import re

import pytest
from openpyxl import Workbook, load_workbook

from enterprises.models import KPILine, Result, ResultImport

from .conftest import draft

pytestmark = pytest.mark.django_db

HEADER = ["Enterprise", "Module", "KPI", "Baseline value", "Baseline date", "Follow-up value", "Follow-up date", "Note"]
GOOD = [
    [
        "Yucheng Futong Electric, Taixing",
        "M1 Workplace Cooperation",
        "Defect / reject rate",
        4.13,
        dt.date(2014, 8, 1),
        0.61,
        dt.date(2014, 11, 30),
        "Key processes",
    ],
    [
        "Yucheng Futong Electric, Taixing",
        "M1",
        "On-time delivery",
        88.6,
        dt.date(2014, 8, 1),
        92.58,
        dt.date(2014, 11, 30),
        None,
    ],
    ["Yucheng Futong Electric", "M2", "Employee suggestions received", 0, "2014-12-01", 307, "2015-02-28", None],
]


def xlsx(rows, header=HEADER) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Results"
    ws.append(header)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def csv_bytes(rows, header=HEADER) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def post_file(client, data: bytes, name: str = "results.xlsx"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post("/results/import/", {"file": SimpleUploadedFile(name, data)})


def test_template_offers_the_partners_own_enterprises_modules_and_kpis_as_drop_downs(client, side_a, side_b):
    client.force_login(side_a.partner)
    response = client.get("/results/import/template.xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(response.content))
    ws = wb["Results"]
    assert [c.value for c in ws[1]] == HEADER
    lists = wb["Lists"]
    assert lists.sheet_state == "hidden"
    enterprises = [c.value for c in lists["A"][1:] if c.value]
    assert enterprises == ["Yucheng Futong Electric, Taixing"]  # not BSCI's Guangzhou Toy Factory
    assert "M1 Workplace Cooperation" in [c.value for c in lists["B"]]
    assert "Defect / reject rate" in [c.value for c in lists["C"]]
    by_cell = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    assert by_cell["A2:A1001"].type == "list" and by_cell["A2:A1001"].formula1 == "Lists!$A$2:$A$2"
    assert by_cell["B2:B1001"].type == "list"
    assert by_cell["C2:C1001"].type == "list"
    assert by_cell["E2:E1001"].type == "date"
    assert by_cell["D2:D1001"].type == "decimal"


def test_clean_workbook_previews_then_imports_every_row_as_drafts(client, side_a):
    client.force_login(side_a.partner)
    # when the partner uploads
    response = post_file(client, xlsx(GOOD))
    record = ResultImport.objects.get()
    assert response.url == f"/results/import/{record.pk}/"
    # then the preview shows every row and nothing is saved yet
    page = client.get(response.url).content.decode()
    assert "All 3 rows are ready to import" in page
    assert "new draft" in page
    assert not Result.objects.exists()
    # when they confirm
    response = client.post(f"/results/import/{record.pk}/confirm/")
    assert response.status_code == 302
    # then two draft results (M1 with two lines, M2 with one) exist, reported by their organisation
    m1 = Result.objects.get(module__code="M1")
    m2 = Result.objects.get(module__code="M2")
    assert m1.status == m2.status == Result.Status.DRAFT
    assert m1.organisation == side_a.organisation and m1.author == side_a.partner
    defect = m1.kpi_lines.get(kpi__name="Defect / reject rate")
    assert (f"{defect.baseline_value.normalize()}", f"{defect.followup_value.normalize()}") == ("4.13", "0.61")
    assert defect.note == "Key processes"
    assert m2.kpi_lines.get().followup_date == dt.date(2015, 2, 28)
    record.refresh_from_db()
    assert (record.status, record.rows_imported) == ("imported", 3)
    # and importing the same file again is refused
    client.post(f"/results/import/{record.pk}/confirm/")
    assert KPILine.objects.count() == 3


def test_one_bad_row_among_good_ones_saves_nothing_and_every_problem_is_reported(client, side_a, side_b):
    client.force_login(side_a.partner)
    rows = [
        *GOOD,
        ["Guangzhou Toy Factory", "M1", "Accidents", 3, "2014-08-01", 1, "2014-11-30", None],  # out of scope
        ["Nowhere Ltd", "M1", "Accidents", 3, "2014-08-01", 1, "2014-11-30", None],  # unknown enterprise
        ["Yucheng Futong Electric", "M9", "Happiness", "lots", "01/08/2014", 1, "2014-11-30", None],
        ["Yucheng Futong Electric", "M1", "Accidents", 3, "2014-08-01", 1, "2014-07-30", None],  # dates reversed
        ["Yucheng Futong Electric", "M1", "On-time delivery", 80, "2014-08-01", 90, "2014-11-30", None],  # duplicate
    ]
    response = post_file(client, xlsx(rows))
    page = client.get(response.url).content.decode()
    assert "5 of 8 rows have problems" in page
    assert page.count("is not one of your organisation&#x27;s enterprises") == 2  # out of scope reads as unknown
    assert "“M9” is not a SCORE module" in page
    assert "“Happiness” is not in the KPI catalogue" in page
    assert "“lots” is not a number" in page
    assert "“01/08/2014” is not a date; write it as YYYY-MM-DD" in page
    assert "The follow-up cannot be dated before the baseline" in page
    assert "Same enterprise, module and KPI as row 3" in page
    assert "Import 8 rows" not in page
    # confirming anyway saves nothing
    record = ResultImport.objects.get()
    response = client.post(f"/results/import/{record.pk}/confirm/", follow=True)
    assert "nothing was imported" in response.content.decode().lower()
    assert not Result.objects.exists() and not KPILine.objects.exists()


def test_marked_workbook_highlights_and_explains_the_bad_cells(client, side_a):
    client.force_login(side_a.partner)
    rows = [*GOOD, ["Yucheng Futong Electric", "M1", "Accidents", "three", "2014-08-01", 1, "someday", None]]
    post_file(client, xlsx(rows), "cec-2014.xlsx")
    record = ResultImport.objects.get()
    response = client.get(f"/results/import/{record.pk}/checked.xlsx")
    assert 'filename="cec-2014-checked.xlsx"' in response["Content-Disposition"]
    ws = load_workbook(io.BytesIO(response.content))["Results"]
    assert ws["D5"].fill.fgColor.rgb.endswith("FFC7CE") and ws["G5"].fill.fgColor.rgb.endswith("FFC7CE")
    assert ws["I1"].value == "Problems"  # the row's problems, in a column after the last
    assert "Baseline value: “three” is not a number" in ws["I5"].value
    assert "Follow-up date: “someday” is not a date" in ws["I5"].value
    assert ws["I2"].value is None and ws["A2"].fill.fill_type is None and ws["D2"].fill.fill_type is None
    assert ws["A2"].value == "Yucheng Futong Electric, Taixing"  # the partner's own workbook


def test_a_marked_copy_of_a_bad_file_names_every_problem_keeps_the_data_and_comes_back_in(client, side_a):
    # given a workbook with two good rows, two bad ones (a blank row between them) and a second sheet
    wb = Workbook()
    ws = wb.active
    ws.title = "Results"
    ws.append(HEADER)
    bad_value = ["Yucheng Futong Electric", "M1", "Accidents", "three", dt.date(2014, 8, 1), 1, dt.date(2014, 11, 30)]
    unknown = ["Nowhere Ltd", "M9", "Accidents", 3, "2014-08-01", 1, "2014-11-30", "=1+1"]
    for row in (GOOD[0], bad_value, [], unknown, GOOD[2]):
        ws.append(row)
    ws["H5"].data_type = "s"  # text that would be a formula if written back naively
    ws["H6"] = "=2*3"  # a real formula: the copy has its last result (none here), never the formula
    notes = wb.create_sheet("Notes")
    notes.append(["Sent by", '=HYPERLINK("http://evil.example","x")', 42])
    notes["B1"].data_type = "s"
    client.force_login(side_a.partner)
    out = io.BytesIO()
    wb.save(out)
    response = post_file(client, out.getvalue(), "cec.xlsx")

    # when the partner downloads the marked copy
    checked = client.get(f"{response.url}checked.xlsx").content

    # then each bad row names its problems in the Problems column, its bad cells are red, nothing is a formula
    marked = load_workbook(io.BytesIO(checked))
    assert marked.sheetnames == ["Results", "Notes"]
    ws = marked["Results"]
    assert [c.value for c in ws[1]] == [*HEADER, "Problems"]
    assert ws["I3"].value == "Baseline value: “three” is not a number."
    assert "Enterprise: “Nowhere Ltd” is not one of your organisation's enterprises." in ws["I5"].value
    assert "Module: “M9” is not a SCORE module" in ws["I5"].value
    assert {c.coordinate for row in ws.iter_rows() for c in row if c.fill.fill_type == "solid"} == {"D3", "A5", "B5"}
    assert ws["I2"].value is None and ws["I6"].value is None
    for row in ws.iter_rows():
        for cell in row:
            assert cell.data_type != "f", cell.coordinate
    # and the data survives: values, numbers and dates as such, the formula-like text as text
    assert [c.value for c in ws[2]][:8] == [
        *GOOD[0][:4],
        dt.datetime(2014, 8, 1),
        0.61,
        dt.datetime(2014, 11, 30),
        "Key processes",
    ]
    assert ws["D3"].value == "three" and ws["E3"].value == dt.datetime(2014, 8, 1) and ws["F3"].value == 1
    assert all(c.value is None for c in ws[4])
    assert ws["H5"].value == "'=1+1"
    assert [c.value for c in ws[6]][:8] == [*GOOD[2][:7], None]
    assert [c.value for c in marked["Notes"][1]] == ["Sent by", '\'=HYPERLINK("http://evil.example","x")', 42]
    assert all(c.data_type != "f" for row in marked["Notes"].iter_rows() for c in row)

    # and the copy, corrected, comes back in with its Problems column
    ws.delete_rows(3, 3)
    again = io.BytesIO()
    marked.save(again)
    response = post_file(client, again.getvalue(), "cec-checked.xlsx")
    page = client.get(response.url).content.decode()
    assert "All 2 rows are ready to import" in page and "Unknown columns" not in page


def test_the_marked_copy_of_a_csv_and_of_a_file_with_wrong_columns(client, side_a):
    client.force_login(side_a.partner)
    rows = [["Yucheng Futong Electric", "M1", "Accidents", "-", "2014-08-01", 1, "2014-11-30", "@SUM(A1)"]]
    response = post_file(client, csv_bytes(rows), "results.csv")
    ws = load_workbook(io.BytesIO(client.get(f"{response.url}checked.xlsx").content))["Results"]
    assert ws["D2"].fill.fgColor.rgb.endswith("FFC7CE") and "Baseline value:" in ws["I2"].value
    assert ws["H2"].value == "'@SUM(A1)" and ws["E2"].value == "2014-08-01"
    # a heading problem (the upload refuses such a file; one stored before would be) is in the Problems heading
    from enterprises.results import imports

    data = csv_bytes(rows, ["Company", *HEADER[1:]])
    marked = imports.marked_workbook(data, imports.upload_preview(side_a.partner, data))
    ws = load_workbook(io.BytesIO(marked))["Results"]
    assert ws["I1"].value.startswith("Problems\nMissing columns: Enterprise.")
    assert ws["I1"].fill.fgColor.rgb.endswith("FFC7CE") and ws["I2"].value is None
    # the heading is translated, and the import ignores it in every language
    from django.utils import translation

    with translation.override("zh-hans"):
        ws = load_workbook(io.BytesIO(imports.marked_workbook(data, imports.upload_preview(side_a.partner, data))))
    assert ws.active["I1"].value.startswith("问题\n")
    assert imports.is_problems_heading("问题") and imports.is_problems_heading(" problems ")
    assert imports.column_problems([*HEADER, "问题"]) == []


def test_csv_upload_imports_the_same_way(client, side_a):
    client.force_login(side_a.partner)
    rows = [[*r[:4], str(r[4]), r[5], str(r[6]), r[7] or ""] for r in GOOD]
    response = post_file(client, csv_bytes(rows), "results.csv")
    client.post(f"{response.url}confirm/")
    assert KPILine.objects.count() == 3


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.xlsx", b"", "The submitted file is empty"),
        ("blank.csv", b"\n\n  \n", "The file is empty"),
        ("photo.xlsx", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 10, "not an Excel workbook (.xlsx) or a CSV file"),
        ("broken.xlsx", b"PK\x03\x04 this is no zip", "not an Excel workbook (.xlsx) or a CSV file"),
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "Old Excel 97-2003 (.xls) files"),
        ("header-only.xlsx", xlsx([]), "The file has no rows to import"),
        ("letter.csv", b"Dear SCORE team,\nplease find our results attached.\n", "This is not a results spreadsheet"),
    ],
)
def test_malformed_files_are_refused_next_to_the_field_and_save_nothing(client, side_a, name, data, message):
    client.force_login(side_a.partner)
    response = post_file(client, data, name)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ResultImport.objects.exists() and not Result.objects.exists()


def test_wrong_columns_are_all_named(client, side_a):
    client.force_login(side_a.partner)
    header = ["Company", "Module", "KPI", "Baseline", "Baseline date", "Follow-up value", "Follow-up date", "KPI"]
    response = post_file(client, xlsx([["Yucheng", "M1", "Accidents", 1, "2014-08-01", 1, "2014-11-30", "x"]], header))
    page = response.content.decode()
    assert "Missing columns: Enterprise, Baseline value." in page
    assert "Unknown columns: Company, Baseline." in page
    assert "Columns given twice: KPI." in page
    assert not ResultImport.objects.exists()


def test_rows_for_a_submitted_result_are_refused(client, side_a):
    result = draft(side_a)
    from enterprises.results import services as result_services

    result_services.result_submit(result=result, by=side_a.partner)
    client.force_login(side_a.partner)
    response = post_file(client, xlsx(GOOD[:1]))
    page = client.get(response.url).content.decode()
    assert "M1 result is submitted and can no longer be changed" in page


def test_import_adds_to_and_updates_a_draft(client, side_a):
    result = draft(side_a, lines=2)  # defect 4.13 -> 0.61 and on-time delivery
    client.force_login(side_a.partner)
    rows = [["Yucheng Futong Electric", "M1", "Defect / reject rate", 4.2, "2014-08-01", 0.5, "2014-11-30", None]]
    response = post_file(client, xlsx(rows))
    assert "add to draft" in client.get(response.url).content.decode()
    client.post(f"{response.url}confirm/")
    assert result.kpi_lines.count() == 2
    assert f"{result.kpi_lines.get(kpi__name='Defect / reject rate').followup_value.normalize()}" == "0.5"


def test_export_gives_the_same_columns_back_and_reimports(client, side_a):
    draft(side_a, lines=3)
    client.force_login(side_a.partner)
    exported = b"".join(client.get("/results/export/", {"format": "xlsx"}).streaming_content)
    ws = load_workbook(io.BytesIO(exported)).active
    assert [c.value for c in ws[1]] == [*HEADER, "Status"]
    assert ws.max_row == 4
    # the exported file reads back cleanly (the draft's lines update in place)
    response = post_file(client, exported, "export.xlsx")
    page = client.get(response.url).content.decode()
    assert "All 3 rows are ready to import" in page, re.sub(r"\s+", " ", page)[:2000]


def test_officers_do_not_import(client, officer):
    client.force_login(officer)
    assert client.get("/results/import/").status_code == 403
    assert client.get("/results/import/template.xlsx").status_code == 403


# --- The import at scale: batched, all or nothing, with history ------------------------------------


def _rows_for(enterprises, kpis=("Defect / reject rate", "On-time delivery")):
    return [
        [f"{e.name}, {e.city}", "M1", name, 4.13, dt.date(2014, 8, 1), 0.61, dt.date(2014, 11, 30), None]
        for e in enterprises
        for name in kpis
    ]


def _own_enterprises(side, n, name="Import Works"):
    from enterprises.services import derived_refresh
    from tests.factories import EnterpriseFactory

    made = [EnterpriseFactory(name=f"{name} {i:03}", city="Taixing") for i in range(n)]
    side.organisation.enterprises.add(*made)
    derived_refresh(enterprise_ids=[e.pk for e in made])  # written as a bulk load does: the scope worked out after
    return made


def _import_queries(side, enterprises) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from enterprises.results import imports

    preview = imports.preview(side.partner, imports.read_table(xlsx(_rows_for(enterprises))))
    assert preview.ok, [r.errors for r in preview.bad_rows]
    with CaptureQueriesContext(connection) as ctx:
        assert imports.import_rows(side.partner, preview) == 2 * len(enterprises)
    # One bulk INSERT may go out in several statements where the database limits a statement's parameters
    # (SQLite: 999): consecutive INSERTs into one table count as one.
    statements = [
        q["sql"].split(" (", 1)[0] if q["sql"].startswith("INSERT") else q["sql"] for q in ctx.captured_queries
    ]
    return len(
        [sql for i, sql in enumerate(statements) if not (i and sql.startswith("INSERT") and statements[i - 1] == sql)]
    )


def test_the_import_runs_the_same_queries_for_2_rows_as_for_80(side_a):
    few = _import_queries(side_a, _own_enterprises(side_a, 1))
    Result.objects.all().delete()
    assert _import_queries(side_a, _own_enterprises(side_a, 39, name="Bulk Works")) == few
    assert KPILine.objects.filter(result__organisation=side_a.organisation).count() == 78


def test_imported_results_and_lines_have_their_history_and_draft_step(side_a):
    enterprises = _own_enterprises(side_a, 3)
    _import_queries(side_a, enterprises)
    results = Result.objects.filter(enterprise__in=enterprises)
    assert results.count() == 3
    for result in results:
        assert [(s.from_status, s.to_status, s.by) for s in result.steps.all()] == [("", "draft", side_a.partner)]
        created = Result.history.get(id=result.pk)
        assert (created.history_type, created.history_user) == ("+", side_a.partner)
        lines = KPILine.history.filter(result_id=result.pk)
        assert sorted((h.history_type, h.history_user.username) for h in lines) == [("+", "partner-a")] * 2


def test_a_row_refused_at_import_time_saves_nothing_and_names_the_row(side_a):
    from django.core.exceptions import ValidationError

    from enterprises.results import imports
    from enterprises.results import services as result_services

    existing = draft(side_a)  # M1 of Yucheng Futong Electric, one line
    enterprises = _own_enterprises(side_a, 2)
    rows = _rows_for(enterprises) + [GOOD[1]]  # the last row adds to the existing draft
    preview = imports.preview(side_a.partner, imports.read_table(xlsx(rows)))
    assert preview.ok
    result_services.result_submit(result=existing, by=side_a.partner)  # between the preview and the import
    with pytest.raises(ValidationError) as refused:
        imports.import_rows(side_a.partner, preview)
    assert "Row 6:" in refused.value.messages[0] and "Nothing was imported" in refused.value.messages[0]
    assert not Result.objects.filter(enterprise__in=enterprises).exists()
    assert existing.kpi_lines.count() == 1


def test_template_validations_offer_the_lists_and_refuse_what_is_not_a_number_or_a_date(client, side_a):
    client.force_login(side_a.partner)
    wb = load_workbook(io.BytesIO(client.get("/results/import/template.xlsx").content))
    ws, lists = wb["Results"], wb["Lists"]
    by_cell = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    # each drop-down's source is its own column of the hidden sheet, from row 2 to the last choice
    for target, letter in (("A", "A"), ("B", "B"), ("C", "C")):
        dv = by_cell[f"{target}2:{target}1001"]
        source = [c.value for c in lists[letter][1:] if c.value is not None]
        assert dv.type == "list" and dv.formula1 == f"Lists!${letter}$2:${letter}${len(source) + 1}"
        assert lists[f"{letter}1"].value == HEADER["ABC".index(letter)]
        assert dv.showErrorMessage and dv.error == "Choose a value from the drop-down list."
    for letter in "DF":
        dv = by_cell[f"{letter}2:{letter}1001"]
        assert dv.type == "decimal" and dv.operator in (None, "between")  # between: the default, may go unsaid
        assert (dv.formula1, dv.formula2) == ("-9999999999", "9999999999")
        assert dv.showErrorMessage and dv.error == "Enter a number."
    for letter in "EG":
        dv = by_cell[f"{letter}2:{letter}1001"]
        assert (dv.type, dv.operator, dv.formula1) == ("date", "greaterThan", "1")
        assert dv.error == "Enter a date, e.g. 2014-08-01."
    # the heading: white bold text on the blue fill, frozen above the rows, the wide columns wide
    assert all(c.font.b and c.font.color.rgb == "FFFFFFFF" and c.fill.fgColor.rgb == "FF0B4F8A" for c in ws[1])
    assert ws.freeze_panes == "A2" and ws.column_dimensions["A"].width == 40
