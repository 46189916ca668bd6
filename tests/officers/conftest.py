"""Fixtures for the officer portal: a small programme with every kind of record."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from programmes.models import Agreement, Organisation
from tests.factories import (
    AgreementFactory,
    EnterpriseFactory,
    FactoryVisitFactory,
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


@pytest.fixture
def programme(db):
    """CEC runs an M1 ToE round in Taixing with one enterprise, one qualified trainer, a visit and a result."""
    cec = OrganisationFactory(name="China Enterprise Confederation", short_name="CEC")
    AgreementFactory(organisation=cec)
    other = OrganisationFactory(name="Business Social Compliance Initiative", short_name="BSCI", kind="brand")
    tuv = OrganisationFactory(name="TÜV Rheinland China", short_name="TÜV", kind=Organisation.Kind.LICENSED_PROVIDER)
    licence = AgreementFactory(
        organisation=tuv,
        kind=Agreement.Kind.LICENCE,
        signed_on=dt.date(2014, 10, 21),
        start=dt.date(2014, 10, 21),
        end=dt.date(2017, 10, 20),
    )
    round_m1 = TrainingRoundFactory(organiser=cec, city="Taixing", start=dt.date(2014, 8, 1), end=dt.date(2014, 11, 30))
    trainer = TrainerFactory(name="Jia Hongwei", organisation=cec)
    QualificationFactory(trainer=trainer, module=module("M1"), qualified_on=dt.date(2012, 1, 1))
    RoundTrainerFactory(training_round=round_m1, trainer=trainer)
    enterprise = EnterpriseFactory(name="Yucheng Futong Electric")
    bring_in(enterprise, cec)
    participation = ParticipationFactory(training_round=round_m1, enterprise=enterprise)
    visit = FactoryVisitFactory(
        training_round=round_m1, enterprise=enterprise, trainer=trainer, visited_on=dt.date(2014, 9, 15)
    )
    result = ResultFactory(enterprise=enterprise, module=module("M1"), training_round=round_m1, title="307 suggestions")
    other_round = TrainingRoundFactory(organiser=other, city="Guangzhou", module=module("M3"))
    other_enterprise = EnterpriseFactory(name="BSCI supplier factory 1", city="Guangzhou")
    bring_in(other_enterprise, other)
    return SimpleNamespace(
        cec=cec,
        other=other,
        tuv=tuv,
        licence=licence,
        round=round_m1,
        trainer=trainer,
        enterprise=enterprise,
        participation=participation,
        visit=visit,
        result=result,
        other_round=other_round,
        other_enterprise=other_enterprise,
        agreement=cec.agreements.get(),
        qualification=trainer.qualifications.get(),
        round_trainer=round_m1.round_trainers.get(),
    )
