"""Issue 22 §2: everything belongs somewhere. A record cannot be moved to a country its organisation does not work
in, and the rules that cross records (a licence, a trainer, a round's enterprises, an issue's records) hold within
a country; each refusal is told next to its field."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from enterprises import services as enterprise_services
from enterprises.models import Enterprise
from newsletters import services as newsletter_services
from programmes import services
from programmes.models import Agreement, Organisation, TrainingRound
from tests.concurrency.conftest import form_values
from tests.factories import (
    AgreementFactory,
    CountryFactory,
    EnterpriseFactory,
    NewsItemFactory,
    OrganisationFactory,
    QualificationFactory,
    TrainerFactory,
    TrainingRoundFactory,
    module,
)
from trainers import services as trainer_services

pytestmark = pytest.mark.django_db


@pytest.fixture
def viet_nam(db):
    return CountryFactory()


def _messages(error: ValidationError, field: str) -> str:
    return " ".join(error.value.message_dict[field])


def test_a_round_goes_to_a_country_its_organiser_works_in(china, viet_nam):
    cec = OrganisationFactory(short_name="CEC")  # works in China
    with pytest.raises(ValidationError) as error:
        services.round_create(
            country=viet_nam,
            module=module("M1"),
            kind="toe",
            organiser=cec,
            province="Hanoi",
            city="Hanoi",
            start=dt.date(2024, 3, 4),
            end=dt.date(2024, 6, 28),
        )
    assert "CEC does not work in Viet Nam" in _messages(error, "organiser")
    # without a country, the organiser's only one is taken
    made = services.round_create(
        module=module("M1"),
        kind="toe",
        organiser=cec,
        province="Jiangsu",
        city="Taixing",
        start=dt.date(2024, 3, 4),
        end=dt.date(2024, 6, 28),
    )
    assert made.country == china


def test_a_co_organiser_works_in_the_rounds_country_too(china, viet_nam):
    round_ = TrainingRoundFactory()
    vn_partner = OrganisationFactory(short_name="VCCI", countries=[viet_nam])
    with pytest.raises(ValidationError) as error:
        services.round_update(training_round=round_, co_organisers=[vn_partner])
    assert "VCCI does not work in China" in _messages(error, "co_organisers")
    assert not round_.co_organisers.exists()


def test_a_licence_covers_rounds_in_its_own_country_only(china, viet_nam):
    # given TÜV, licensed in China only, works in both countries
    tuv = OrganisationFactory(short_name="TÜV", kind=Organisation.Kind.LICENSED_PROVIDER, countries=[china, viet_nam])
    AgreementFactory(organisation=tuv, kind=Agreement.Kind.LICENCE, start=dt.date(2020, 1, 1), end=None)
    fields = {"module": module("M1"), "kind": "toe", "organiser": tuv, "start": dt.date(2024, 3, 4)}
    fields |= {"end": dt.date(2024, 6, 28)}
    # a round in China is covered, one in Viet Nam is not
    services.round_create(country=china, province="Jiangsu", city="Suzhou", **fields)
    with pytest.raises(ValidationError) as error:
        services.round_create(country=viet_nam, province="Hanoi", city="Hanoi", **fields)
    assert "without a licence agreement" in _messages(error, "organiser")


def test_an_organisation_keeps_a_country_while_it_has_rounds_there(china, viet_nam):
    cec = OrganisationFactory(short_name="CEC", countries=[china, viet_nam])
    TrainingRoundFactory(organiser=cec)
    with pytest.raises(ValidationError) as error:
        services.organisation_save(organisation=cec, countries=[viet_nam])
    assert "CEC keeps China among its countries while it has records there: 1 training round." in _messages(
        error, "countries"
    )
    services.organisation_save(organisation=cec, countries=[china])  # Viet Nam has nothing of it: dropped
    assert list(cec.countries.all()) == [china]


def test_an_enterprise_is_brought_in_by_organisations_of_its_country_and_joins_its_rounds(china, viet_nam):
    cec = OrganisationFactory(short_name="CEC")
    with pytest.raises(ValidationError) as error:
        enterprise_services.enterprise_save(
            name="Hanoi Garments", sector="garment", country=viet_nam, province="Hanoi", city="Hanoi",
            organisations=[cec],
        )  # fmt: skip
    assert "CEC does not work in Viet Nam" in _messages(error, "organisations")
    assert not Enterprise.objects.filter(name="Hanoi Garments").exists()
    vn_enterprise = EnterpriseFactory(name="Hanoi Garments", country=viet_nam, city="Hanoi")
    with pytest.raises(ValidationError) as error:
        enterprise_services.participation_add(training_round=TrainingRoundFactory(), enterprise=vn_enterprise)
    assert "Hanoi Garments is in Viet Nam: a round takes enterprises of its own country." in _messages(
        error, "enterprise"
    )


def test_a_qualified_trainer_delivers_only_where_they_work(china, viet_nam):
    round_ = TrainingRoundFactory(start=dt.date(2024, 3, 4), end=dt.date(2024, 6, 28))
    trainer = TrainerFactory(name="Nguyen Lan", countries=[viet_nam])
    QualificationFactory(trainer=trainer, module=module("M1"))
    with pytest.raises(ValidationError) as error:
        trainer_services.round_trainer_add(training_round=round_, trainer=trainer)
    assert "Nguyen Lan does not work in China" in _messages(error, "trainer")
    trainer_services.trainer_save(trainer=trainer, countries=[viet_nam, china])
    trainer_services.round_trainer_add(training_round=round_, trainer=trainer)
    # and a round whose trainer works in China only does not move to Viet Nam
    trainer_services.trainer_save(trainer=trainer, countries=[china])
    viet_nam_org = OrganisationFactory(countries=[viet_nam])
    with pytest.raises(ValidationError) as error:
        services.round_update(training_round=round_, country=viet_nam, organiser=viet_nam_org)
    assert "do not work in Viet Nam: Nguyen Lan" in _messages(error, "country")
    assert TrainingRound.objects.get(pk=round_.pk).country == china


def test_an_issue_holds_the_records_of_its_country(china, viet_nam):
    NewsItemFactory(title="Taixing round starts", date=dt.date(2014, 11, 10))
    NewsItemFactory(title="Hanoi round starts", date=dt.date(2014, 11, 12), country=viet_nam)
    issue = newsletter_services.issue_create(period_start=dt.date(2014, 11, 1), number=5, country=china)
    assert [item.news_item.title for item in issue.items.filter(news_item__isnull=False)] == ["Taixing round starts"]


def test_the_round_form_refuses_an_organiser_of_another_country_next_to_the_field(client, officer, china, viet_nam):
    # given an officer of both countries and CEC, working in China
    client.force_login(officer)
    cec = OrganisationFactory(short_name="CEC")
    values = form_values(client.get("/rounds/new/"), "/rounds/new/")
    data = {
        **values,
        "country": viet_nam.pk,
        "module": module("M1").pk,
        "kind": "toe",
        "organiser": cec.pk,
        "province": "Hanoi",
        "city": "Hanoi",
        "start": "2024-03-04",
        "end": "2024-06-28",
    }
    # when the officer puts CEC's round in Viet Nam
    response = client.post("/rounds/new/", data)
    # then the form says why, and no round is made
    assert response.status_code == 200
    assert "CEC does not work in Viet Nam: add Viet Nam to its countries first" in response.content.decode()
    assert not TrainingRound.objects.filter(city="Hanoi").exists()


def test_a_country_officer_makes_agreements_only_for_their_country(client, officer, china, viet_nam):
    # given TÜV, working in both countries, and an officer of China
    from tests.conftest import give_countries

    tuv = OrganisationFactory(short_name="TÜV", kind=Organisation.Kind.LICENSED_PROVIDER, countries=[china, viet_nam])
    give_countries(officer, china)
    client.force_login(officer)
    url = f"/organisations/{tuv.pk}/agreements/new/"
    # the form takes China without asking: it is the only one of TÜV's countries the officer works for
    page = client.get(tuv.get_absolute_url()).content.decode()
    assert f'type="hidden" name="country" value="{china.pk}"' in page
    # and a Viet Nam agreement posted anyway is refused next to the country, nothing saved
    values = form_values(client.get(tuv.get_absolute_url()), url)
    response = client.post(
        url,
        {**values, "kind": "licence", "country": viet_nam.pk, "signed_on": "2026-01-05", "start": "2026-01-05"},
    )
    assert response.status_code == 200 and "country" in response.context["form"].errors
    assert not Agreement.objects.filter(organisation=tuv).exists()
