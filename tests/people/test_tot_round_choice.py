"""A trainer's page offers the latest training-of-trainers rounds for a new qualification and finds the
others as the officer types: its size does not grow with the programme's rounds."""

import datetime as dt

import pytest

from programmes.models import TrainingRound
from tests.factories import TrainerFactory, TrainingRoundFactory, module

pytestmark = pytest.mark.django_db


@pytest.fixture
def tot_rounds():
    return [
        TrainingRoundFactory(
            kind=TrainingRound.Kind.TOT,
            city=f"City {i:02}",
            start=dt.date(2014, 1, 1) + dt.timedelta(days=7 * i),
            end=dt.date(2014, 1, 5) + dt.timedelta(days=7 * i),
        )
        for i in range(60)
    ]


def test_the_page_offers_the_latest_rounds_and_the_search_finds_the_oldest(client, officer, tot_rounds):
    trainer = TrainerFactory()
    client.force_login(officer)
    html = client.get(f"/trainers/{trainer.pk}/").content.decode()
    assert "City 59" in html and "City 10" in html  # the latest 50
    assert "City 00" not in html and "City 09" not in html
    assert 'data-search-url="/trainers/tot-rounds/autocomplete/"' in html

    found = client.get("/trainers/tot-rounds/autocomplete/", {"q": "city 00"}).json()["results"]
    assert [r["id"] for r in found] == [tot_rounds[0].pk]
    assert "City 00" in found[0]["label"]

    # a round not offered on the page is still accepted (the field checks every round)
    response = client.post(
        f"/trainers/{trainer.pk}/qualifications/add/",
        {"q-module": module("M1").pk, "q-qualified_on": "2015-01-10", "q-tot_round": tot_rounds[0].pk},
    )
    assert response.status_code == 302
    assert trainer.qualifications.get().tot_round == tot_rounds[0]


def test_the_search_is_for_officers_only(client, make_partner, tot_rounds):
    client.force_login(make_partner(tot_rounds[0].organiser))
    assert client.get("/trainers/tot-rounds/autocomplete/", {"q": "city"}).status_code == 403
