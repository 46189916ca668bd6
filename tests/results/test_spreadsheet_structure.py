"""A spreadsheet upload is bounded by what its parts hold, not only by its rows and cells (issue 21 §1): a cell of
thousands of rich-text runs, a styles part of tens of thousands of formats, tens of thousands of defined names,
a part of too many elements and a workbook of too many files are refused from a streamed scan before openpyxl
builds anything; a workbook citing a shared string it does not have, or with broken XML, is a clear message, not
a server error; a CSV with a NUL byte anywhere is refused at the upload, and one stored before never leaves its
import stuck."""

from __future__ import annotations

import html
import io
import re
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import translation

from enterprises.models import KPILine, Result, ResultImport

from .test_imports import GOOD, HEADER, csv_bytes, post_file, xlsx
from .test_spreadsheet_limits import refused_quickly

pytestmark = pytest.mark.django_db

# Every row a different line (a module and a KPI of the catalogue), so that a file of 20 rows is ready to import
LINES = [
    (module, kpi)
    for module in ("M1", "M2", "M3", "M4", "M5")
    for kpi in ("Accidents", "Defect / reject rate", "On-time delivery", "Employee suggestions received")
]

NS = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
STRINGS_TYPE = (
    b'<Override PartName="/xl/sharedStrings.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
)


def rewritten(data: bytes, parts: dict, *, content_types: bytes = b"", edit=None) -> bytes:
    """The workbook ``data`` with ``parts`` ({name: bytes or an iterable of bytes}) added or replaced, a content
    type override added, and ``edit(name, xml) -> xml`` applied to the parts it keeps."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in src.infolist():
            if info.filename in parts:
                continue
            xml = src.read(info)
            if info.filename == "[Content_Types].xml":
                xml = xml.replace(b"</Types>", content_types + b"</Types>")
            zf.writestr(info.filename, edit(info.filename, xml) if edit else xml)
        for name, chunks in parts.items():
            with zf.open(name, "w", force_zip64=True) as fh:
                for chunk in [chunks] if isinstance(chunks, bytes) else chunks:
                    fh.write(chunk)
    return out.getvalue()


def first_enterprise_as_shared_string(strings: list[bytes], index: int = 0) -> bytes:
    """The good workbook, its first row's enterprise a shared string (number ``index``) of ``strings`` (<si>s)."""

    def edit(name, xml):
        if name != "xl/worksheets/sheet1.xml":
            return xml
        return re.sub(
            rb'<c r="A2" t="inlineStr"><is><t>[^<]*</t></is></c>', b'<c r="A2" t="s"><v>%d</v></c>' % index, xml
        )

    sst = [b"<sst " + NS + b">", *strings, b"</sst>"]
    return rewritten(xlsx(GOOD), {"xl/sharedStrings.xml": sst}, content_types=STRINGS_TYPE, edit=edit)


def runs(text: str, pieces: int) -> bytes:
    """An <si> of ``text`` written as ``pieces`` rich-text runs (its first letters, then empty runs)."""
    words = [f"<r><t>{text}</t></r>".encode()] + [b"<r><rPr><b/></rPr><t></t></r>"] * (pieces - 1)
    return b"<si>" + b"".join(words) + b"</si>"


def test_a_cell_of_twenty_thousand_rich_text_runs_is_refused(client, side_a):
    # given the good workbook whose first enterprise is one shared string of 20,000 runs (a few kilobytes)
    data = first_enterprise_as_shared_string([runs("Yucheng Futong Electric, Taixing", 20_000)])
    assert len(data) < 20_000
    page = refused_quickly(client, side_a, data)
    assert (
        "A cell's text is made of more than 1,000 differently formatted pieces; clear the cells' formatting, "
        "or save a copy with values only." in html.unescape(page)
    )


def test_thirty_texts_of_a_thousand_rich_text_runs_are_refused_together(client, side_a):
    # each text within the 1,000 runs a cell may have, but 30,000 runs in all (openpyxl builds every one)
    data = first_enterprise_as_shared_string([runs("Yucheng Futong Electric, Taixing", 1_000)] * 30)
    page = refused_quickly(client, side_a, data)
    assert "The workbook's texts are made of more than 20,000 differently formatted pieces" in html.unescape(page)


def test_a_cell_of_a_few_rich_text_runs_still_imports(client, side_a):
    data = first_enterprise_as_shared_string([runs("Yucheng Futong Electric, Taixing", 10)])
    client.force_login(side_a.partner)
    response = post_file(client, data)
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "All 3 rows are ready to import" in page


def test_a_workbook_citing_a_shared_string_it_does_not_have_is_refused_not_a_server_error(client, side_a):
    # given a workbook whose first enterprise cites shared string 5 of the 1 it holds
    data = first_enterprise_as_shared_string([runs("Yucheng Futong Electric, Taixing", 1)], index=5)
    page = refused_quickly(client, side_a, data)
    assert (
        "Row 2, column 1 of the sheet “Results” refers to text number 5, but the workbook holds 1 texts: "
        "the file is damaged. Save it again from Excel." in page
    )


def test_a_workbook_with_broken_xml_says_which_part(client, side_a):
    data = first_enterprise_as_shared_string([b"<si><t>Yucheng Futong Electric, Taixing</si>"])
    page = refused_quickly(client, side_a, data)
    assert "The workbook is damaged: its part “xl/sharedStrings.xml” is not well-formed XML (line 1)." in page


def test_a_value_that_is_not_what_its_cell_says_is_a_message_not_a_server_error(client, side_a):
    # given a cell typed as a number whose value is a word (openpyxl raises ValueError on it)
    def edit(name, xml):
        if name != "xl/worksheets/sheet1.xml":
            return xml
        return re.sub(rb'<c r="D2"( s="\d+")? t="n"><v>[^<]*</v></c>', b'<c r="D2" t="n"><v>four</v></c>', xml)

    data = rewritten(xlsx(GOOD), {}, edit=edit)
    assert b"<v>four</v>" in zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    page = refused_quickly(client, side_a, data)
    assert "The workbook is damaged: row 2 of the sheet “Results” cannot be read. Save it again from Excel." in page


def test_a_styles_part_of_fifty_thousand_formats_is_refused(client, side_a):
    xf = b'<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'

    def styles():
        yield b"<styleSheet " + NS + b'><fonts count="1"><font><sz val="11"/></font></fonts>'
        yield b'<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
        yield b'<borders count="1"><border/></borders><cellXfs count="50000">'
        yield xf * 50_000
        yield b"</cellXfs></styleSheet>"

    data = rewritten(xlsx(GOOD), {"xl/styles.xml": styles()})
    page = refused_quickly(client, side_a, data)
    assert "The workbook defines more than 10,000 cell formats, fonts, fills and borders" in page


def test_a_workbook_of_twenty_thousand_defined_names_is_refused(client, side_a):
    names = b"".join(b'<definedName name="n%d">Results!$A$1</definedName>' % i for i in range(20_000))

    def edit(name, xml):
        return (
            xml.replace(b"<definedNames />", b"<definedNames>" + names + b"</definedNames>")
            if name == "xl/workbook.xml"
            else xml
        )

    data = rewritten(xlsx(GOOD), {}, edit=edit)
    page = refused_quickly(client, side_a, data)
    assert "The workbook defines more than 10,000 names (Formulas &gt; Name Manager)" in page


def test_a_part_of_too_many_elements_is_refused_whatever_the_part(client, side_a):
    # given the document properties (which openpyxl parses whole) made of 300,000 empty elements
    core = [b'<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties">']
    data = rewritten(xlsx(GOOD), {"docProps/core.xml": [*core, b"<x/>" * 300_000, b"</cp:coreProperties>"]})
    page = refused_quickly(client, side_a, data)
    assert "The workbook's part “docProps/core.xml” holds more than 250,000 XML elements" in html.unescape(page)


CORE = b'<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties">'


def test_a_part_of_too_many_elements_is_refused_before_its_xml_is_parsed():
    from core.spreadsheets import xlsx_check
    from enterprises.results.imports import LIMITS

    # given document properties of 300,000 elements whose XML is broken at the 11th (an attribute without a value)
    broken = [CORE, b"<x/>" * 10, b"<x a>", b"<x/>" * 300_000, b"</cp:coreProperties>"]
    data = rewritten(xlsx(GOOD), {"docProps/core.xml": broken})
    # then it is refused for its elements, counted before expat parses it (which would stop at the broken tag)
    with pytest.raises(ValidationError, match="“docProps/core.xml” holds more than 250,000 XML elements"):
        xlsx_check(data, LIMITS)


def test_end_tags_comments_and_declarations_are_not_counted_as_elements():
    from core.spreadsheets import xlsx_check
    from enterprises.results.imports import LIMITS

    # given 240,000 elements (the limit is 250,000), each with an end tag, a comment and a processing instruction,
    # 5 MB unpacked, counted in 1 MB pieces that end on the "<" of a "</", a "<?" and a "<!" (1 MB is 12 more than a
    # multiple of the element's 22 bytes: the pieces end at its bytes 4, 16, 6, 18 and 8)
    element = b"<x></x><!-- y --><?p?>"
    head = CORE + b" " * ((1024 * 1024 - len(CORE) - 4) % len(element))
    assert [element[(4 + 12 * n) % 22 - 1 : (4 + 12 * n) % 22 + 1] for n in (0, 3, 4)] == [b"</", b"<?", b"<!"]
    data = rewritten(xlsx(GOOD), {"docProps/core.xml": [head, element * 240_000, b"</cp:coreProperties>"]})
    xlsx_check(data, LIMITS)  # then it is accepted
    # and 250,001 such elements are not
    data = rewritten(xlsx(GOOD), {"docProps/core.xml": [CORE, element * 250_001, b"</cp:coreProperties>"]})
    with pytest.raises(ValidationError, match="holds more than 250,000 XML elements"):
        xlsx_check(data, LIMITS)


def test_a_tag_of_a_hundred_thousand_attributes_is_refused_before_it_is_built(client, side_a):
    # given a cell whose start tag holds 100,000 attributes (1.4 MB without a ">": expat would build one dict)
    attributes = b"".join(b' a%d="1"' % n for n in range(100_000))

    def edit(name, xml):
        return xml.replace(b'<c r="H2"', b'<c r="H2"' + attributes, 1) if name == "xl/worksheets/sheet1.xml" else xml

    data = rewritten(xlsx(GOOD), {}, edit=edit)
    page = refused_quickly(client, side_a, data)
    assert "The workbook is damaged: its part “xl/worksheets/sheet1.xml” cannot be read." in page


def test_a_workbook_of_too_many_files_is_refused(client, side_a):
    data = rewritten(xlsx(GOOD), {f"customXml/item{n}.xml": b"<a/>" for n in range(300)})
    page = refused_quickly(client, side_a, data)
    assert "The workbook is made of 309 files; a workbook may be made of at most 200" in page


def test_a_csv_with_a_nul_byte_after_its_first_4_kb_is_refused_at_the_upload(client, side_a):
    # given a CSV of 20 good rows whose last note holds a NUL byte, past the first 4 KB
    rows = [["Yucheng Futong Electric", m, kpi, 3, "2014-08-01", 1, "2014-11-30", "x" * 250] for m, kpi in LINES]
    rows[-1][-1] = "broken \x00 note"
    data = csv_bytes(rows)
    assert data.index(b"\x00") > 4096
    page = refused_quickly(client, side_a, data, "results.csv")
    assert "Row 21 holds a NUL character (a zero byte), which a text file cannot hold" in page


def test_a_stored_csv_with_a_nul_byte_is_refused_on_preview_and_its_import_never_sticks(client, side_a):
    # given a CSV with a NUL byte in a note past its first 4 KB, stored as an upload before the check existed
    rows = [["Yucheng Futong Electric", m, kpi, 3, "2014-08-01", 1, "2014-11-30", "x" * 250] for m, kpi in LINES]
    rows[-1][-1] = "a \x00 note"
    assert csv_bytes(rows).index(b"\x00") > 4096
    record = ResultImport(filename="nul.csv", uploaded_by=side_a.partner, organisation=side_a.organisation)
    record.file.save("nul.upload", ContentFile(csv_bytes(rows)), save=False)
    record.save()
    client.force_login(side_a.partner)
    # when its preview is shown, then the reason is
    preview = client.get(f"/results/import/{record.pk}/").content.decode()
    assert f"Row {len(rows) + 1} holds a NUL character (a zero byte)" in preview
    assert "ready to import" not in preview
    # and an import sent anyway is refused with the same reason, not a server error, and nothing is saved
    response = client.post(f"/results/import/{record.pk}/confirm/", follow=True)
    assert response.status_code == 200
    assert f"Row {len(rows) + 1} holds a NUL character" in response.content.decode()
    assert not KPILine.objects.exists() and not Result.objects.exists()
    assert ResultImport.objects.get().status == ResultImport.Status.PREVIEWED


def test_the_refusals_are_said_in_chinese_too(client, side_a):
    data = first_enterprise_as_shared_string([runs("Yucheng Futong Electric, Taixing", 1)], index=5)
    with translation.override("zh-hans"):
        client.cookies["django_language"] = "zh-hans"
        page = refused_quickly(client, side_a, data)
    assert "工作表“Results”第 2 行第 1 列引用了第 5 个文本" in page


def test_the_good_file_still_imports_as_xlsx_and_csv(client, side_a):
    client.force_login(side_a.partner)
    assert post_file(client, xlsx(GOOD)).status_code == 302
    rows = [[*r[:4], str(r[4]), r[5], str(r[6]), r[7] or ""] for r in GOOD]
    assert post_file(client, csv_bytes(rows, header=HEADER), "results.csv").status_code == 302
