"""Benchmark: the worst photo and the worst spreadsheet the upload limits let in, and those they refuse.

    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/score_bench .venv/bin/python bench/limits.py

The files are built first, in this process, and written to a temporary folder. Each case then runs in a
fresh Python process of its own (so one case's memory cannot hide in another's peak): it sets Django up,
reads the file, notes its resident memory peak (``VmHWM``), runs the case once and reports the wall
time and the growth of the resident peak (what the server really pays: Pillow's pixels are not Python
objects, so tracemalloc would miss them, and it slows Python code several times over). The goal
of issue 9 is printed beside each: at most 300 MB more memory and 10 s, or refused before decoding.

The spreadsheet cases read and check the rows as a partner of a throwaway organisation, in a transaction
that is rolled back (the database needs to be migrated; nothing is left in it).
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "score_portal.settings")

GOAL_MB, GOAL_S = 300, 10
HEADER = ["Enterprise", "Module", "KPI", "Baseline value", "Baseline date", "Follow-up value", "Follow-up date", "Note"]


# --- The files ---------------------------------------------------------------------------------------


def _photo_png(size) -> bytes:
    from PIL import Image

    # Smooth gradients in four channels: decodes like any photo of that size, and stays under the 25 MB limit.
    w, h = size
    gx = Image.linear_gradient("L").resize((w, h))
    gy = gx.transpose(Image.Transpose.ROTATE_90).resize((w, h))
    image = Image.merge("RGBA", (gx, gy, gx.point(lambda v: 255 - v), Image.new("L", (w, h), 255)))
    out = io.BytesIO()
    image.save(out, "PNG", compress_level=6)
    return out.getvalue()


def _photo_jpeg(size) -> bytes:
    from PIL import Image

    image = Image.effect_noise(size, 40).convert("RGB")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


def _huge_png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(out, "PNG")
    return out.getvalue()


def _rows_xlsx(rows: int, extra_columns: int = 0) -> bytes:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Results")
    ws.append(HEADER + [f"Extra {n}" for n in range(extra_columns)])
    note = "Key processes of the workshop, measured every week by the EIT. " * 4
    for n in range(rows):
        # an enterprise the partner does not have: every row has a problem, so every row is marked
        ws.append(
            [f"Enterprise {n}, Taixing", "M1", "Defect / reject rate", 4.13, "2014-08-01", 0.61, "2014-11-30", note]
            + [n] * extra_columns
        )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _rows_csv(rows: int) -> bytes:
    import csv

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for n in range(rows):
        writer.writerow([f"Enterprise {n}, Taixing", "M1", "Accidents", 3, "2014-08-01", 1, "2014-11-30", "x" * 200])
    return out.getvalue().encode()


def _raw_sheet(parts) -> bytes:
    """openpyxl's workbook with its sheet replaced by ``parts``, streamed (a zip bomb never sits in memory)."""
    base = _rows_xlsx(0)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        names = [i.filename for i in src.infolist()]
        sheet = next(n for n in names if n.startswith("xl/worksheets/"))
        for name in names:
            if name != sheet:
                zf.writestr(name, src.read(name))
        with zf.open(sheet, "w", force_zip64=True) as fh:
            fh.write(
                b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            )
            for part in parts:
                fh.write(part)
            fh.write(b"</worksheet>")
    return out.getvalue()


def _progressive_jpeg(size, scans: int) -> bytes:
    """A real progressive JPEG of ``size`` whose last scan is repeated until it has ``scans`` scans."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, "seagreen").save(out, "JPEG", progressive=True, quality=90)
    data = out.getvalue()
    own = data.count(b"\xff\xda")
    last_scan = data[data.rindex(b"\xff\xda") : -2]
    return data[:-2] + last_scan * (scans - own) + b"\xff\xd9"


def _grey_16_bit_png(size) -> bytes:
    import numpy
    from PIL import Image

    row = numpy.linspace(10_000, 40_000, size[0], dtype=numpy.uint16)
    out = io.BytesIO()
    Image.fromarray(numpy.tile(row, (size[1], 1))).save(out, "PNG")
    return out.getvalue()


_NS = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_STRINGS_TYPE = (
    b'<Override PartName="/xl/sharedStrings.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
)


def _with_parts(parts: dict, *, rows: int = 20, strings: bool = False, edit=None) -> bytes:
    """A workbook of ``rows`` rows with ``parts`` ({name: bytes or an iterable of bytes}) added or replaced,
    streamed; ``strings`` declares a shared-strings part, ``edit(name, xml)`` changes a part it keeps."""
    base = _rows_xlsx(rows)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in src.infolist():
            if info.filename in parts:
                continue
            xml = src.read(info)
            if info.filename == "[Content_Types].xml" and strings:
                xml = xml.replace(b"</Types>", _STRINGS_TYPE + b"</Types>")
            zf.writestr(info.filename, edit(info.filename, xml) if edit else xml)
        for name, chunks in parts.items():
            with zf.open(name, "w", force_zip64=True) as fh:
                for chunk in [chunks] if isinstance(chunks, bytes) else chunks:
                    fh.write(chunk)
    return out.getvalue()


def _first_cell_shared(index: int = 0):
    """An edit that makes the sheet's first enterprise cell (A2) shared string ``index``."""

    def edit(name, xml):
        if not name.startswith("xl/worksheets/"):
            return xml
        start = xml.index(b"<row", xml.index(b"</row>"))
        cell_start = xml.index(b"<c", start)
        cell_end = xml.index(b"</c>", cell_start) + 4
        return xml[:cell_start] + b'<c r="A2" t="s"><v>%d</v></c>' % index + xml[cell_end:]

    return edit


def _runs_workbook(strings: int, runs: int, index: int = 0) -> bytes:
    """Shared strings: ``strings`` texts of ``runs`` rich-text runs each; the first enterprise cites ``index``."""
    label = b"<r><t>Enterprise 0, Taixing</t></r>"
    si = b"<si>" + label + b"<r><t></t></r>" * (runs - 1) + b"</si>"
    sst = (b"<sst " + _NS + b">", *(si for _ in range(strings)), b"</sst>")
    return _with_parts({"xl/sharedStrings.xml": sst}, strings=True, edit=_first_cell_shared(index))


def _styles_workbook(formats: int) -> bytes:
    head = (
        b"<styleSheet " + _NS + b'><fonts count="1"><font><sz val="11"/></font></fonts>'
        b'<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
        b'<borders count="1"><border/></borders><cellXfs count="%d">' % formats
    )
    xf = b'<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    return _with_parts({"xl/styles.xml": (head, *(xf for _ in range(formats)), b"</cellXfs></styleSheet>")})


def _names_workbook(names: int) -> bytes:
    def edit(name, xml):
        if name != "xl/workbook.xml":
            return xml
        defined = b"".join(b'<definedName name="n%d">Results!$A$1</definedName>' % i for i in range(names))
        return xml.replace(b"<definedNames />", b"<definedNames>" + defined + b"</definedNames>")

    return _with_parts({}, edit=edit)


def _elements_workbook(elements: int) -> bytes:
    core = b'<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties">'
    return _with_parts({"docProps/core.xml": (core, *(b"<x/>" for _ in range(elements)), b"</cp:coreProperties>")})


def _parts_workbook(parts: int) -> bytes:
    return _with_parts({f"customXml/item{n}.xml": b"<a/>" for n in range(parts)})


def _nul_csv() -> bytes:
    data = _rows_csv(5_000)
    return data[:-10] + b"\x00" + data[-9:]  # in the last row, far past the first 4 KB


def _head() -> bytes:
    return b'<row r="1">' + b"".join(f'<c t="inlineStr"><is><t>{h}</t></is></c>'.encode() for h in HEADER) + b"</row>"


def build(folder: Path, names: set[str]) -> dict[str, Path]:
    files = {
        "photo-16mp.png": lambda: _photo_png((4898, 3266)),
        "photo-16mp-square.png": lambda: _photo_png((4000, 4000)),
        "photo-40mp.png": lambda: _photo_png((8000, 5000)),
        "photo-40mp.jpg": lambda: _photo_jpeg((8000, 5000)),
        "photo-100mp.png": lambda: _huge_png(),
        "photo-truncated.jpg": lambda: _photo_jpeg((4000, 3000))[:1_000_000],
        "rows-5000.xlsx": lambda: _rows_xlsx(5_000),
        "cells-60000.xlsx": lambda: _rows_xlsx(3_999, extra_columns=7),
        "rows-5000.csv": lambda: _rows_csv(5_000),
        "declares-1048576-rows.xlsx": lambda: _raw_sheet(
            [b'<dimension ref="A1:H1048576"/><sheetData>', _head(), b'<row r="1048576"><c><v>1</v></c></row>']
            + [b"</sheetData>"]
        ),
        "row-of-1000000-cells.xlsx": lambda: _raw_sheet(
            [b"<sheetData>", _head(), b'<row r="2">', b"<c><v>1</v></c>" * 1_000_000, b"</row></sheetData>"]
        ),
        "zip-bomb-1gb.xlsx": lambda: _raw_sheet(
            [b"<sheetData>", *(b" " * 2**20 for _ in range(1024)), b"</sheetData>"]
        ),
        # issue 21 §1: the work hidden inside a file
        "progressive-40mp-10-scans.jpg": lambda: _progressive_jpeg((8000, 5000), 10),
        "progressive-40mp-12-scans.jpg": lambda: _progressive_jpeg((8000, 5000), 12),
        "progressive-40mp-13-scans.jpg": lambda: _progressive_jpeg((8000, 5000), 13),
        "progressive-12mp-40-scans.jpg": lambda: _progressive_jpeg((4000, 3000), 40),
        "progressive-40mp-5000-scans.jpg": lambda: _progressive_jpeg((8000, 5000), 5_000),
        "cut-short-with-end-marker.jpg": lambda: _photo_jpeg((4000, 3000))[:1_000_000] + b"\xff\xd9",
        "grey-16-bit-16mp.png": lambda: _grey_16_bit_png((4898, 3266)),
        "runs-20-strings-of-1000.xlsx": lambda: _runs_workbook(20, 1_000),
        "runs-124-strings-of-1000.xlsx": lambda: _runs_workbook(124, 1_000),
        "runs-one-cell-of-4000000.xlsx": lambda: _runs_workbook(1, 4_000_000),
        "styles-9990.xlsx": lambda: _styles_workbook(9_990),
        "styles-1000000.xlsx": lambda: _styles_workbook(1_000_000),
        "names-10000.xlsx": lambda: _names_workbook(10_000),
        "names-1000000.xlsx": lambda: _names_workbook(1_000_000),
        "elements-249990.xlsx": lambda: _elements_workbook(249_990),
        "elements-10000000.xlsx": lambda: _elements_workbook(10_000_000),
        "parts-190.xlsx": lambda: _parts_workbook(190),
        "parts-60000.xlsx": lambda: _parts_workbook(60_000),
        "missing-shared-string.xlsx": lambda: _runs_workbook(1, 1, index=7),
        "csv-nul-in-last-row.csv": lambda: _nul_csv(),
    }
    paths = {}
    for name, make in files.items():
        if name in names:
            paths[name] = folder / name
            paths[name].write_bytes(make())
    return paths


# (label, file, what is done). "upload" is what the upload request does; "preview" what showing it does.
CASES = [
    ("Photo 4,898 x 3,266 PNG (16 MP, the largest PNG accepted)", "photo-16mp.png", "photo_upload"),
    ("  its newsletter print copy (preview)", "photo-16mp.png", "photo_print"),
    ("Photo 4,000 x 4,000 PNG (16 MP, square)", "photo-16mp-square.png", "photo_upload"),
    ("Photo 8,000 x 5,000 JPEG (40 MP, the largest accepted)", "photo-40mp.jpg", "photo_upload"),
    ("Portrait 4,898 x 3,266 PNG (16 MP, the largest accepted)", "photo-16mp.png", "portrait_upload"),
    ("Portrait 4,000 x 4,000 PNG (16 MP, square)", "photo-16mp-square.png", "portrait_upload"),
    ("Photo 8,000 x 5,000 PNG (40 MP), refused", "photo-40mp.png", "photo_upload"),
    ("Photo 10,000 x 10,000 PNG (100 MP), refused", "photo-100mp.png", "photo_upload"),
    ("Photo JPEG cut short, refused", "photo-truncated.jpg", "photo_upload"),
    ("Workbook 5,000 rows (the most accepted), every row marked: upload", "rows-5000.xlsx", "sheet_upload"),
    ("  preview", "rows-5000.xlsx", "sheet_preview"),
    ("  marked workbook", "rows-5000.xlsx", "sheet_marked"),
    ("Workbook 60,000 cells (3,999 x 15, the most accepted): upload", "cells-60000.xlsx", "sheet_upload"),
    ("  marked workbook", "cells-60000.xlsx", "sheet_marked"),
    ("CSV 5,000 rows: preview", "rows-5000.csv", "sheet_preview"),
    ("Workbook declaring 1,048,576 rows, refused", "declares-1048576-rows.xlsx", "sheet_upload"),
    ("Workbook with a row of 1,000,000 cells, refused", "row-of-1000000-cells.xlsx", "sheet_upload"),
    ("Zip bomb (1 GB of sheet XML), refused", "zip-bomb-1gb.xlsx", "sheet_upload"),
    # issue 21 §1: the work hidden inside a file (each: the worst accepted, then the case of the issue, refused)
    ("Photo progressive JPEG 40 MP, 10 scans (libjpeg's own)", "progressive-40mp-10-scans.jpg", "photo_upload"),
    # the most scans the marker walk lets through (12 at 40 MP, 40 at 12 MP); these repeats break the
    # progression, so the strict decode refuses them, after the work of every scan
    ("Photo progressive JPEG 40 MP, 12 scans (the most), refused", "progressive-40mp-12-scans.jpg", "photo_upload"),
    ("Photo progressive JPEG 40 MP, 13 scans, refused", "progressive-40mp-13-scans.jpg", "photo_upload"),
    ("Photo progressive JPEG 12 MP, 40 scans (the most), refused", "progressive-12mp-40-scans.jpg", "photo_upload"),
    ("Photo progressive JPEG 40 MP, 5,000 scans, refused", "progressive-40mp-5000-scans.jpg", "photo_upload"),
    ("Photo JPEG cut short, ending with its end marker, refused", "cut-short-with-end-marker.jpg", "photo_upload"),
    ("Photo PNG 16-bit grey 4,898 x 3,266 (16 MP)", "grey-16-bit-16mp.png", "photo_upload"),
    ("Portrait PNG 16-bit grey 4,898 x 3,266 (16 MP)", "grey-16-bit-16mp.png", "portrait_upload"),
    ("Workbook, 20 texts of 1,000 runs (the most): preview", "runs-20-strings-of-1000.xlsx", "sheet_preview"),
    ("Workbook, 124 texts of 1,000 runs, refused", "runs-124-strings-of-1000.xlsx", "sheet_upload"),
    ("Workbook, one cell of 4,000,000 rich-text runs, refused", "runs-one-cell-of-4000000.xlsx", "sheet_upload"),
    ("Workbook, styles of 9,990 formats (the most): preview", "styles-9990.xlsx", "sheet_preview"),
    ("Workbook, styles of 1,000,000 formats, refused", "styles-1000000.xlsx", "sheet_upload"),
    ("Workbook, 10,000 defined names (the most): preview", "names-10000.xlsx", "sheet_preview"),
    ("Workbook, 1,000,000 defined names, refused", "names-1000000.xlsx", "sheet_upload"),
    ("Workbook, a part of 249,990 elements (the most): preview", "elements-249990.xlsx", "sheet_preview"),
    ("Workbook, a part of 10,000,000 elements, refused", "elements-10000000.xlsx", "sheet_upload"),
    ("Workbook of 199 files (the most): preview", "parts-190.xlsx", "sheet_preview"),
    ("Workbook of 60,009 files (9 MB), refused", "parts-60000.xlsx", "sheet_upload"),
    ("Workbook citing a shared string it lacks, refused", "missing-shared-string.xlsx", "sheet_upload"),
    ("CSV 5,000 rows, a NUL byte in the last, refused", "csv-nul-in-last-row.csv", "sheet_upload"),
]


# --- One case, in its own process ------------------------------------------------------------------------


def _partner():
    from django.contrib.auth.models import Group, User

    from core import roles
    from programmes.models import Country, Organisation, PartnerMembership

    org = Organisation.objects.create(name="Bench limits partner", short_name="BLP")
    org.countries.add(Country.objects.get(code="CN"))  # a partner of China's programme
    user = User.objects.create(username="bench-limits-partner")
    user.groups.add(Group.objects.get(name=roles.PARTNERS))
    PartnerMembership.objects.create(user=user, organisation=org)
    return user


class Rollback(Exception):
    pass


def _peak_mb() -> float:
    """This process's resident peak (VmHWM). Not ru_maxrss: after fork and exec that keeps the parent's peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def run_case(action: str, path: Path) -> dict:
    import django

    django.setup()
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import transaction

    from enterprises.results import imports, photos

    data = path.read_bytes()
    outcome = {}
    work = None
    if action == "photo_upload":

        def work():
            photos.photo_prepare(SimpleUploadedFile(path.name, data))

    elif action == "portrait_upload":  # a quoted person's or a trainer's photo: checked, cleaned, encoded again
        from core.uploads import BoundedImageField

        def work():
            BoundedImageField().clean(SimpleUploadedFile(path.name, data))

    elif action == "photo_print":
        from django.core.files.base import ContentFile
        from django.core.files.storage import default_storage

        from newsletters import pdf

        prepared = photos.photo_prepare(SimpleUploadedFile(path.name, data))
        name = default_storage.save(
            f"bench-limits/{path.stem}.{photos.ALLOWED_FORMATS[prepared.fmt]}", ContentFile(prepared.master)
        )
        del prepared

        def work():
            copy = pdf.print_copy_name(name, photos.PRINT_BOX)
            default_storage.delete(copy)

    elif action == "sheet_upload":

        def work():
            imports.read_table(data)

    elif action in ("sheet_preview", "sheet_marked"):
        holder = {}

        def work():
            preview = imports.upload_preview(holder["user"], data)
            outcome["rows with problems"] = len(preview.bad_rows) or len(preview.file_errors)
            if action == "sheet_marked":
                imports.marked_workbook(data, preview)

    base = _peak_mb()
    try:
        with transaction.atomic():
            if action in ("sheet_preview", "sheet_marked"):
                holder["user"] = _partner()
                if action == "sheet_marked":  # the preview ran before, on its own page
                    imports.upload_preview(holder["user"], data)
                base = _peak_mb()
            started = time.perf_counter()
            try:
                work()
                outcome["outcome"] = "accepted"
            except ValidationError as exc:
                outcome["outcome"] = "refused: " + " ".join(exc.messages)[:90]
            outcome["seconds"] = time.perf_counter() - started
            outcome["rss_mb"] = _peak_mb() - base
            raise Rollback
    except Rollback:
        pass
    return outcome


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--case":
        print(json.dumps(run_case(sys.argv[2], Path(sys.argv[3]))))
        return
    only = sys.argv[1] if len(sys.argv) == 2 else ""  # e.g. "scans": the cases whose label or file name has it
    cases = [case for case in CASES if only.lower() in (case[0] + case[1]).lower()]
    with tempfile.TemporaryDirectory() as tmp:
        print("Building the files…", flush=True)
        paths = build(Path(tmp), {name for _label, name, _action in cases})
        env = {**os.environ, "MEDIA_ROOT": str(Path(tmp) / "media")}
        print(f"Goal: at most {GOAL_MB} MB more memory and {GOAL_S} s, or refused before decoding.\n")
        print(f"{'case':<56} {'file':>8} {'time':>7} {'memory':>9}  outcome")
        for label, name, action in cases:
            done = subprocess.run(
                [sys.executable, __file__, "--case", action, str(paths[name])],
                capture_output=True,
                text=True,
                env=env,
                check=False,
            )
            if done.returncode:
                print(f"{label:<56} failed:\n{done.stderr[-2000:]}")
                continue
            r = json.loads(done.stdout.strip().splitlines()[-1])
            size = paths[name].stat().st_size / 1024
            within = r["seconds"] <= GOAL_S and r["rss_mb"] <= GOAL_MB
            print(
                f"{label:<56} {size:>6.0f}KB {r['seconds']:>6.2f}s {r['rss_mb']:>6.0f} MB"
                f"  {'ok' if within else 'OVER'} {r['outcome']}",
                flush=True,
            )


if __name__ == "__main__":
    main()
