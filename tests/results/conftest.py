"""Fixtures of the results area: two partner organisations with their own rounds, enterprises and results,
and real image files made in memory."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from enterprises.models import KPI, Enterprise, Result
from enterprises.results import services as result_services
from programmes.models import Organisation, TrainingRound
from tests.factories import (
    EnterpriseFactory,
    OrganisationFactory,
    ParticipationFactory,
    TrainingRoundFactory,
    bring_in,
    module,
)


@dataclass
class Side:
    organisation: Organisation
    partner: object
    training_round: TrainingRound
    enterprise: Enterprise


@pytest.fixture
def side_a(make_partner) -> Side:
    org = OrganisationFactory(name="China Enterprise Confederation", short_name="CEC")
    rnd = TrainingRoundFactory(organiser=org, status=TrainingRound.Status.COMPLETED, city="Taixing")
    ent = EnterpriseFactory(name="Yucheng Futong Electric", city="Taixing")
    bring_in(ent, org)
    ParticipationFactory(training_round=rnd, enterprise=ent)
    return Side(org, make_partner(org, "partner-a"), rnd, ent)


@pytest.fixture
def side_b(make_partner) -> Side:
    org = OrganisationFactory(name="Business Social Compliance Initiative", short_name="BSCI")
    rnd = TrainingRoundFactory(organiser=org, status=TrainingRound.Status.COMPLETED, city="Guangzhou")
    ent = EnterpriseFactory(name="Guangzhou Toy Factory", city="Guangzhou")
    bring_in(ent, org)
    ParticipationFactory(training_round=rnd, enterprise=ent)
    return Side(org, make_partner(org, "partner-b"), rnd, ent)


def kpi(name: str) -> KPI:
    return KPI.objects.get(name=name)


def draft(side: Side, *, lines: int = 1, enterprise: Enterprise | None = None, code: str = "M1") -> Result:
    """A draft result of the side's partner, with KPI lines from the catalogue, made through the services."""
    result = result_services.result_create(
        by=side.partner,
        enterprise=enterprise or side.enterprise,
        module=module(code),
        title="Defects down from 4.13 % to 0.61 %",
        narrative="The Enterprise Improvement Team met every Thursday.",
    )
    names = ["Defect / reject rate", "On-time delivery", "Employee suggestions received", "Accidents"]
    values = [("4.13", "0.61"), ("88.6", "92.58"), ("0", "307"), ("3", "3")]
    for name, (before, after) in list(zip(names, values, strict=True))[:lines]:
        result_services.kpi_line_save(
            result=result,
            by=side.partner,
            kpi=kpi(name),
            baseline_value=Decimal(before),
            baseline_date=dt.date(2014, 8, 1),
            followup_value=Decimal(after),
            followup_date=dt.date(2014, 11, 30),
        )
    return result


# --- Real image files --------------------------------------------------------------------------


def jpeg_bytes(size=(1200, 800), color="navy", *, orientation: int | None = None, gps: bool = False) -> bytes:
    image = Image.new("RGB", size, color)
    # a white block in the top-left corner shows which way is up
    image.paste((255, 255, 255), (0, 0, size[0] // 4, size[1] // 4))
    exif = Image.Exif()
    if orientation:
        exif[0x0112] = orientation
    if gps:
        exif[0x8825] = {1: "N", 2: (31.0, 14.0, 0.0), 3: "E", 4: (121.0, 28.0, 0.0)}
    exif[0x010F] = "PhoneMaker"
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, quality=90)
    return out.getvalue()


def png_bytes(size=(640, 480), mode="RGBA") -> bytes:
    image = Image.new(mode, size, (10, 120, 60, 200) if mode == "RGBA" else 1)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def upload(data: bytes, name: str = "photo.jpg", content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def pair_add(result: Result, by, *, size=(1200, 800), **overrides):
    """Add a before/after pair of two real JPEGs to `result` as `by`; keyword arguments replace any part."""
    from enterprises.results import services as result_services

    arguments = {
        "before": upload(jpeg_bytes(size)),
        "before_caption": "Before",
        "after": upload(jpeg_bytes(size, color="seagreen")),
        "after_caption": "After",
        **overrides,
    }
    return result_services.photo_pair_add(result=result, by=by, **arguments)
