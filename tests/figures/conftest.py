"""A programme of two partners whose figures the tests count again, record by record."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from enterprises.models import KPI, Result
from programmes.models import TrainingRound
from tests.factories import (
    EnterpriseFactory,
    KPIFactory,
    KPILineFactory,
    OrganisationFactory,
    ParticipationFactory,
    QualificationFactory,
    ResultFactory,
    RoundTrainerFactory,
    TrainerFactory,
    TrainingRoundFactory,
    bring_in,
    module,
)

PROVINCES = ("Jiangsu", "Sichuan", "Guangdong")


def build_programme(n: int, org, *, year: int = 2014, kpi=None, offset: int = 0) -> list[TrainingRound]:
    """n completed rounds of ``org`` in ``year``, each with an enterprise, a trainer, a cost and a result."""
    kpi = kpi or KPIFactory()
    rounds = []
    for j in range(n):
        i = j + offset
        start = dt.date(year, 1, 1) + dt.timedelta(days=(13 * i) % 330)
        r = TrainingRoundFactory(
            organiser=org,
            module=module(f"M{1 + i % 5}"),
            province=PROVINCES[i % 3],
            city=f"City {i}",
            start=start,
            end=start + dt.timedelta(days=20),
            status=TrainingRound.Status.COMPLETED,
            cost_total=Decimal(10000 + 100 * i),
            paid_by_enterprises=Decimal(1000 + i),
            paid_by_partners=Decimal(2000),
            paid_by_sponsors=Decimal(500 * (i % 2)),
            paid_by_ilo=Decimal(3000),
        )
        enterprise = EnterpriseFactory(province=r.province)
        bring_in(enterprise, org)
        ParticipationFactory(
            training_round=r,
            enterprise=enterprise,
            managers_women=i % 3,
            managers_men=1 + i % 2,
            workers_women=2,
            workers_men=i % 4,
        )
        trainer = TrainerFactory(organisation=org, sex="fm"[i % 2])
        QualificationFactory(trainer=trainer, module=r.module)
        RoundTrainerFactory(training_round=r, trainer=trainer)
        if i % 3 != 2:  # every third enterprise has not reported yet
            result = ResultFactory(
                enterprise=enterprise,
                module=r.module,
                training_round=r,
                organisation=org,
                status=Result.Status.APPROVED,
                approved_at=timezone.make_aware(dt.datetime(year, 12, 1, 10)),
            )
            KPILineFactory(result=result, kpi=kpi, baseline_value=Decimal(50), followup_value=Decimal(50 + i % 4 - 1))
        rounds.append(r)
    return rounds


@pytest.fixture
def two_partners(db):
    """CEC and BSCI each run rounds in 2014; CEC also one in 2013 and a cancelled one."""
    cec = OrganisationFactory(name="China Enterprise Confederation", short_name="CEC")
    bsci = OrganisationFactory(name="Business Social Compliance Initiative", short_name="BSCI", province="Guangdong")
    kpi = KPI.objects.get(name="On-time delivery")  # from the default catalogue
    build_programme(7, cec, kpi=kpi)
    build_programme(4, bsci, kpi=kpi, offset=100)
    build_programme(2, cec, year=2013, kpi=kpi, offset=200)
    cancelled = build_programme(1, cec, kpi=kpi, offset=300)[0]
    cancelled.status = TrainingRound.Status.CANCELLED
    cancelled.save()
    return cec, bsci
