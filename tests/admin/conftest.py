"""The Django admin, driven through the test client as an officer (or a superuser), asserting the database."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.db import models

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
def officer_client(client, officer):
    client.force_login(officer)
    return client


@pytest.fixture
def programme(db):
    """CEC runs an M1 ToE round in Taixing: one enterprise, one qualified trainer who delivers it, a visit, a
    result; TÜV holds a licence."""
    cec = OrganisationFactory(name="China Enterprise Confederation", short_name="CEC")
    AgreementFactory(organisation=cec)
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
    qualification = QualificationFactory(trainer=trainer, module=module("M1"), qualified_on=dt.date(2012, 1, 1))
    round_trainer = RoundTrainerFactory(training_round=round_m1, trainer=trainer)
    enterprise = EnterpriseFactory(name="Yucheng Futong Electric")
    bring_in(enterprise, cec)
    participation = ParticipationFactory(training_round=round_m1, enterprise=enterprise)
    visit = FactoryVisitFactory(
        training_round=round_m1, enterprise=enterprise, trainer=trainer, visited_on=dt.date(2014, 9, 15)
    )
    result = ResultFactory(enterprise=enterprise, module=module("M1"), training_round=round_m1, title="307 suggestions")
    return SimpleNamespace(
        cec=cec,
        tuv=tuv,
        licence=licence,
        round=round_m1,
        trainer=trainer,
        qualification=qualification,
        round_trainer=round_trainer,
        enterprise=enterprise,
        participation=participation,
        visit=visit,
        result=result,
    )


def _posted(value) -> str | list[str]:
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, list | tuple | models.QuerySet):
        return [str(_posted(v)) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    if value is None:
        return ""
    if value is True:
        return "on"
    return str(value)


def change_form(client, url: str) -> dict:
    """Open an admin change page and return what its form would post unchanged (the edit token included)."""
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    form = response.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is False:
            continue  # an unticked box posts nothing
        data[name] = _posted(value)
    for formset in response.context.get("inline_admin_formsets", []):
        management = formset.formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = _posted(management[name].value())
        for inline_form in formset.formset.forms:
            for name in inline_form.fields:
                value = inline_form[name].value()
                if value is not False:
                    data[inline_form.add_prefix(name)] = _posted(value)
    return data
