"""A round records what it cost and who paid it; a bad amount is refused next to its field."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from programmes import services
from programmes.models import TrainingRound
from tests.factories import OrganisationFactory, TrainingRoundFactory, module
from tests.tokens import page_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


def form(organiser, **overrides):
    data = {
        "module": module("M1").pk,
        "kind": "toe",
        "organiser": organiser.pk,
        "province": "Jiangsu",
        "city": "Suzhou",
        "start": "2015-03-01",
        "end": "2015-04-30",
        "notes": "",
        "cost_total": "60000",
        "paid_by_enterprises": "12000",
        "paid_by_partners": "18000",
        "paid_by_sponsors": "",
        "paid_by_ilo": "30000",
    }
    data.update(overrides)
    return data


def test_officer_records_a_rounds_cost_and_its_page_shows_the_share_paid_by_others(officer_client):
    cec = OrganisationFactory(short_name="CEC")
    response = officer_client.post("/rounds/new/", form(cec))
    assert response.status_code == 302
    saved = TrainingRound.objects.get(city="Suzhou")
    assert (saved.cost_total, saved.paid_by_sponsors, saved.paid_by_ilo) == (Decimal(60000), 0, Decimal(30000))
    html = officer_client.get(response.url).content.decode()
    assert "60,000 CNY in all" in html and "50 % covered by non-ILO resources" in html


@pytest.mark.parametrize("field", ["cost_total", "paid_by_enterprises", "paid_by_partners", "paid_by_ilo"])
def test_a_negative_amount_is_refused_next_to_its_field(officer_client, field):
    response = officer_client.post("/rounds/new/", form(OrganisationFactory(), **{field: "-5"}))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert f'id="error_1_id_{field}"' in response.content.decode()
    assert not TrainingRound.objects.filter(city="Suzhou").exists()


def test_shares_over_the_total_are_refused_next_to_the_total(officer_client):
    response = officer_client.post("/rounds/new/", form(OrganisationFactory(), paid_by_ilo="40000"))
    errors = " ".join(response.context["form"].errors["cost_total"])
    assert "add up to 70,000.00, more than the total cost of 60,000.00" in errors
    assert not TrainingRound.objects.filter(city="Suzhou").exists()


def test_shares_without_a_total_are_refused(officer_client):
    response = officer_client.post("/rounds/new/", form(OrganisationFactory(), cost_total=""))
    assert "Enter the total cost before what each paid." in response.context["form"].errors["cost_total"]


def test_editing_a_round_keeps_the_same_rules(officer_client):
    r = TrainingRoundFactory(city="Suzhou", start="2015-03-01", end="2015-04-30")
    url = f"/rounds/{r.pk}/edit/"
    response = officer_client.post(
        url, {**form(r.organiser, paid_by_partners="99999"), **page_token(officer_client, url)}
    )
    assert "cost_total" in response.context["form"].errors
    r.refresh_from_db()
    assert r.cost_total is None and r.paid_by_partners == 0


def test_the_services_refuse_what_the_form_refuses():
    r = TrainingRoundFactory()
    with pytest.raises(ValidationError, match="more than the total cost of 100.00") as refused:
        services.round_update(training_round=r, cost_total=Decimal(100), paid_by_ilo=Decimal(150))
    assert "cost_total" in refused.value.error_dict
    with pytest.raises(ValidationError, match="Enter an amount of zero or more") as refused:
        services.round_update(training_round=r, cost_total=Decimal(100), paid_by_sponsors=Decimal(-1))
    assert "paid_by_sponsors" in refused.value.error_dict
    saved = services.round_update(training_round=r, cost_total=Decimal(100), paid_by_ilo=Decimal(100))
    assert saved.cost_recovery_percent == 0.0


@pytest.mark.parametrize(
    "values",
    [
        {"cost_total": Decimal(-1)},
        {"cost_total": Decimal(100), "paid_by_enterprises": Decimal(-1)},
        {"cost_total": Decimal(100), "paid_by_partners": Decimal(60), "paid_by_ilo": Decimal(60)},
        {"cost_total": None, "paid_by_sponsors": Decimal(10)},
    ],
)
def test_the_database_refuses_bad_costs_whatever_path_writes_them(values):
    r = TrainingRoundFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        TrainingRound.objects.filter(pk=r.pk).update(**values)
