"""Every spreadsheet upload is bounded by the work it causes: a workbook that declares or holds too many rows,
a row of too many cells, a zip bomb or an overlong cell is refused quickly, next to the field, with the
reason, and nothing is saved; a CSV the same."""

from __future__ import annotations

import io
import time
import zipfile

import pytest
from django.core.files.base import ContentFile

from enterprises.models import Result, ResultImport

from .test_imports import GOOD, HEADER, csv_bytes, post_file, xlsx

pytestmark = pytest.mark.django_db

SHEET_START = b'<?xml version="1.0" encoding="UTF-8"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'


def inline(text: str) -> bytes:
    return f'<c t="inlineStr"><is><t>{text}</t></is></c>'.encode()


def header_row() -> bytes:
    return b'<row r="1">' + b"".join(inline(h) for h in HEADER) + b"</row>"


def raw_workbook(sheet_parts, start: bytes = SHEET_START) -> bytes:
    """A real .xlsx (openpyxl's) whose sheet is written part by part (so a huge one never sits whole in memory)."""
    base = xlsx([])
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in src.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                zf.writestr(info.filename, src.read(info))
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(start)
            for part in sheet_parts:
                sheet.write(part)
            sheet.write(b"</worksheet>")
    return out.getvalue()


def refused_quickly(client, side, data: bytes, name: str = "results.xlsx") -> str:
    client.force_login(side.partner)
    assert client.get("/results/import/").status_code == 200  # the page is warm: what is timed is the file
    started = time.perf_counter()
    response = post_file(client, data, name)
    elapsed = time.perf_counter() - started
    assert response.status_code == 200  # the form again, with the reason next to the field
    assert elapsed < 5, f"{elapsed:.1f} s"
    assert not ResultImport.objects.exists() and not Result.objects.exists()
    return response.content.decode()


def test_a_workbook_declaring_a_million_rows_is_refused_before_it_is_read(client, side_a):
    # given a small workbook whose sheet says it spans A1:H1048576 (its rows are read only up to the data)
    data = raw_workbook(
        [b'<dimension ref="A1:H1048576"/><sheetData>', header_row(), b'<row r="1048576">', inline("x"), b"</row>"]
        + [b"</sheetData>"]
    )
    assert len(data) < 5_000
    page = refused_quickly(client, side_a, data)
    assert "The sheet “Results” reaches row 1,048,576; a file may have at most 5,001 rows." in page


def test_a_workbook_whose_rows_go_on_past_the_limit_is_refused_while_streaming(client, side_a):
    # no dimension, and 200,000 rows of one cell: the count stops at row 5,002
    rows = (f'<row r="{n}"><c><v>{n}</v></c></row>'.encode() for n in range(2, 200_002))
    data = raw_workbook([b"<sheetData>", header_row(), *rows, b"</sheetData>"])
    page = refused_quickly(client, side_a, data)
    assert "The sheet “Results” reaches row 5,002; a file may have at most 5,001 rows." in page


def test_a_row_of_a_million_cells_is_refused(client, side_a):
    # given a workbook of about a megabyte whose second row holds a million cells
    data = raw_workbook([b"<sheetData>", header_row(), b'<row r="2">', b"<c><v>1</v></c>" * 1_000_000, b"</row>"])
    page = refused_quickly(client, side_a, data)
    assert "Row 2 of the sheet “Results” has more than 30 columns; a file may have at most 30." in page


def test_a_zip_bomb_is_refused_from_the_zip_directory(client, side_a):
    # given a workbook whose sheet unpacks to 100 MB (of blanks) from a few hundred kilobytes
    data = raw_workbook([b"<sheetData>", header_row(), *(b" " * (1024 * 1024) for _ in range(100)), b"</sheetData>"])
    assert len(data) < 500_000
    page = refused_quickly(client, side_a, data)
    assert "The workbook unpacks to 100 MB of data; a workbook may unpack to at most 64 MB" in page


def test_a_cell_longer_than_excel_allows_is_refused(client, side_a):
    data = raw_workbook([b"<sheetData>", header_row(), b'<row r="2">', inline("x" * 40_000), b"</row></sheetData>"])
    page = refused_quickly(client, side_a, data)
    assert "Row 2, column 1 of the sheet “Results” holds more than 32,767 characters" in page


def test_a_workbook_with_an_entity_declaration_is_refused(client, side_a):
    # given a sheet whose XML declares entities that expand to each other ("billion laughs")
    entities = b"".join(b'<!ENTITY e%d "%s">' % (n, b"&e%d;" % (n - 1) * 10 if n else b"ha") for n in range(10))
    sheet = b'<?xml version="1.0"?><!DOCTYPE worksheet [' + entities + b"]>"
    data = raw_workbook([b"<sheetData>&e9;</sheetData>"], start=sheet + SHEET_START.split(b"\n", 1)[1])
    page = refused_quickly(client, side_a, data)
    assert "This file is not an Excel workbook (.xlsx) or a CSV file." in page


def test_a_csv_with_a_row_of_half_a_million_columns_is_refused(client, side_a):
    data = ",".join(HEADER).encode() + b"\n" + b"ab," * 500_000 + b"\n"
    page = refused_quickly(client, side_a, data, "results.csv")
    assert "Row 2 has more than 30 columns; a file may have at most 30." in page


def test_a_csv_with_too_many_rows_is_refused(client, side_a):
    row = b"Yucheng Futong Electric,M1,Accidents,1,2014-08-01,1,2014-11-30,\n"
    data = ",".join(HEADER).encode() + b"\n" + row * 5_001
    page = refused_quickly(client, side_a, data, "results.csv")
    assert "The file has more than 5,001 rows; split it into smaller files." in page


def test_a_csv_cell_of_200000_characters_is_refused_not_a_server_error(client, side_a):
    data = ",".join(HEADER).encode() + b'\n"' + b"x" * 200_000 + b'",M1,Accidents,1,2014-08-01,1,2014-11-30,\n'
    page = refused_quickly(client, side_a, data, "results.csv")
    assert "holds more than 32,767 characters" in page


def test_a_file_stored_before_the_limits_is_refused_on_preview_and_never_marked_up(client, side_a):
    # given a workbook declaring a million rows, stored as an upload before the limits existed
    data = raw_workbook(
        [b'<dimension ref="A1:H1048576"/><sheetData>', header_row(), b'<row r="1048576">', inline("x"), b"</row>"]
        + [b"</sheetData>"]
    )
    record = ResultImport(filename="big.xlsx", uploaded_by=side_a.partner, organisation=side_a.organisation)
    record.file.save("big.upload", ContentFile(data), save=False)
    record.save()
    client.force_login(side_a.partner)
    # when its preview and its marked-up copy are asked for
    started = time.perf_counter()
    preview = client.get(f"/results/import/{record.pk}/")
    marked = client.get(f"/results/import/{record.pk}/checked.xlsx")
    # then the preview says why at once, and there is no marked-up copy to build
    assert time.perf_counter() - started < 5
    assert "reaches row 1,048,576" in preview.content.decode()
    assert marked.status_code == 404


def test_files_within_the_limits_still_import(client, side_a):
    client.force_login(side_a.partner)
    response = post_file(client, xlsx(GOOD))
    assert response.status_code == 302
    rows = [[*r[:4], str(r[4]), r[5], str(r[6]), r[7] or ""] for r in GOOD]
    assert post_file(client, csv_bytes(rows), "results.csv").status_code == 302
