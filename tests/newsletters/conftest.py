"""Fixtures for the newsletter: a small issue built from records, and PDF text for assertions."""

import datetime as dt
import io
import re
from decimal import Decimal

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
