"""Fixtures for the newsletter: a small issue built from records, and PDF text for assertions."""

import datetime as dt
import io
import re
import subprocess
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from pypdf import PdfReader

from enterprises.models import KPI, Result
from newsletters import services
from programmes.models import Module
from tests.factories import (
    EventFactory,
    ExpertCommentFactory,
    KPILineFactory,
    NewsItemFactory,
    PhotoPairFactory,
    ResultFactory,
    TrainerFactory,
)

PERIOD = dt.date(2014, 11, 1)


def pdf_text(data: bytes) -> str:
    """The PDF's text with whitespace collapsed, pages joined."""
    reader = PdfReader(io.BytesIO(data))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def pdf_pages(data: bytes) -> int:
    return len(PdfReader(io.BytesIO(data)).pages)


# A4 at the resolution the page measurements use; the body is the page less its top and bottom margins (18 mm:
# the running header and footer live there).
MEASURE_DPI = 30
MM = MEASURE_DPI / 25.4


def page_blank_fractions(data: bytes, *, gap_mm: float = 6) -> list[float]:
    """For each page of the PDF, the share of its body height that is blank paper: the runs of rows with no ink
    taller than ``gap_mm`` (line and paragraph spacing do not count), measured on pdftoppm's rendering."""
    from PIL import Image

    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "issue.pdf"
        source.write_bytes(data)
        subprocess.run(
            ["pdftoppm", "-r", str(MEASURE_DPI), "-gray", "-png", str(source), str(Path(folder) / "page")],
            check=True,
            capture_output=True,
        )
        fractions = []
        for png in sorted(Path(folder).glob("page-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1])):
            page = Image.open(png).convert("L")
            top, bottom = round(18 * MM), page.height - round(18 * MM)
            body = page.crop((0, top, page.width, bottom))
            pixels = body.load()
            inked = [any(pixels[x, y] < 235 for x in range(body.width)) for y in range(body.height)]
            blank, run = 0, 0
            for has_ink in [*inked, True]:
                if has_ink:
                    if run > gap_mm * MM:
                        blank += run
                    run = 0
                else:
                    run += 1
            fractions.append(blank / body.height)
        return fractions


def page_fills(data: bytes, *, dpi: int = 30) -> list[float]:
    """For each page of the PDF, how far down its body the last ink reaches (0: blank, 1: to the bottom margin),
    measured on pdftoppm's rendering, so photos, charts and coloured boxes count as well as text. The body is the
    page between the margins (12 mm on top of the first page, 18 mm on the others and at the bottom: the running
    header and footer live there)."""
    from PIL import Image

    mm = dpi / 25.4
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "issue.pdf"
        source.write_bytes(data)
        subprocess.run(
            ["pdftoppm", "-r", str(dpi), "-gray", "-png", str(source), str(Path(folder) / "page")],
            check=True,
            capture_output=True,
        )
        fills = []
        pages = sorted(Path(folder).glob("page-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
        for number, png in enumerate(pages):
            page = Image.open(png).convert("L")
            top, bottom = round((12 if number == 0 else 18) * mm), page.height - round(18 * mm)
            # a row has ink when its darkest pixel is darker than the paper (point operation, then the bounding box)
            ink = page.crop((0, top, page.width, bottom)).point(lambda value: 255 if value < 235 else 0)
            box = ink.getbbox()
            fills.append(0.0 if box is None else box[3] / (bottom - top))
        return fills


def assert_pages_fill(data: bytes) -> None:
    """Every page but the last at least 80 % filled, the last at least a third."""
    fills = page_fills(data)
    assert all(fill >= 0.8 for fill in fills[:-1]) and fills[-1] >= 1 / 3, [round(fill, 2) for fill in fills]


def pdf_page_texts(data: bytes) -> list[str]:
    return [re.sub(r"\s+", " ", page.extract_text()) for page in PdfReader(io.BytesIO(data)).pages]


def pdffont_rows(data: bytes) -> list[tuple[str, bool]]:
    """Each font poppler's pdffonts lists for the PDF: its name, and whether the PDF embeds it (the "emb" column)."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as fh:
        fh.write(data)
        fh.flush()
        out = subprocess.run(["pdffonts", fh.name], check=True, capture_output=True, text=True).stdout
    rows = [line.split() for line in out.splitlines()[2:] if line.strip()]
    return [(row[0], row[-5] == "yes") for row in rows]  # name type encoding emb sub uni object ID


def pdffonts(data: bytes) -> list[str]:
    """The font names poppler's pdffonts lists for the PDF."""
    return [name for name, _embedded in pdffont_rows(data)]


def pdftotext(data: bytes) -> str:
    """The PDF's text as poppler's pdftotext extracts it (what copy and search see), whitespace collapsed."""
    out = subprocess.run(["pdftotext", "-", "-"], input=data, check=True, capture_output=True).stdout
    return re.sub(r"\s+", " ", out.decode())


def assert_dense(data: bytes) -> None:
    """No page but the last more than a third blank; the last page holds more than the contact block."""
    blanks = page_blank_fractions(data)
    assert all(blank <= 1 / 3 for blank in blanks[:-1]), blanks
    last = pdf_page_texts(data)[-1]
    assert len(last.split("For more information on SCORE China")[0].split()) > 30, last


def stored_pdf_text(issue) -> str:
    with issue.pdf.open("rb") as fh:
        return pdf_text(fh.read())


def in_order(text: str, *parts: str) -> bool:
    """Each part occurs in text, after the previous one."""
    position = 0
    text = text.lower()
    for part in parts:
        part = part.lower()
        found = text.find(part, position)
        if found < 0:
            raise AssertionError(
                f"{part!r} not found after position {position} in: {text[position : position + 300]!r}"
            )
        position = found + len(part)
    return True


@pytest.fixture
def make_issue(db):
    """make_issue(**options) -> a draft for November–December 2014 filled with a few records."""

    def make(*, photos: bool = True, number: int = 7):
        NewsItemFactory(title="ToE on Module 2", place="Taixing, Jiangsu", date=dt.date(2014, 12, 11))
        NewsItemFactory(title="Developing HR handbook", place="Yunnan", date=dt.date(2014, 11, 14))
        NewsItemFactory(
            title="Switcher refunds workers", place="Xiamen, Fujian", date=dt.date(2014, 11, 25), section="practice"
        )
        NewsItemFactory(title="Too early for this issue", date=dt.date(2014, 10, 31))
        module = Module.objects.get(code="M1")
        kpi = KPI.objects.get(name="Material recovery rate")
        result = ResultFactory(
            module=module,
            enterprise__name="Teho Metal",
            title="Copper powder recovery up",
            status=Result.Status.APPROVED,
            approved_at=timezone.make_aware(dt.datetime(2014, 12, 5, 12)),
        )
        KPILineFactory(
            result=result,
            kpi=kpi,
            baseline_value=Decimal("97.5"),
            followup_value=Decimal("98.5"),
        )
        if photos:
            PhotoPairFactory(
                result=result,
                before__caption="Moving oil barrels needed two workers",
                after__caption="Using a handling cart",
            )
        ResultFactory(module=module, enterprise__name="Not approved yet", status=Result.Status.SUBMITTED)
        EventFactory(title="ToT for SGS trainers", place="Shanghai", starts_on=dt.date(2015, 3, 2))
        EventFactory(title="Too far ahead", starts_on=dt.date(2015, 5, 2), ends_on=dt.date(2015, 5, 3))
        ExpertCommentFactory(
            trainer=TrainerFactory(name="Asia Wang"),
            quote="SCORE is a project of sustainable vitality.",
            given_on=dt.date(2014, 11, 30),
        )
        return services.issue_create(period_start=PERIOD, number=number, introduction="The last issue of 2014.")

    return make
