"""Trainers as users: they see the rounds they deliver and those rounds' enterprises and results, record
attendance and factory visits there, and report results for the round's organisation. Everything else is a 404."""

from dataclasses import dataclass

import pytest
from django.urls import reverse

from enterprises.models import FactoryVisit, Participation, Result
from enterprises.results import services as result_services
from enterprises.results.selectors import photos_visible_to
from programmes.models import Organisation, TrainingRound
from tests.factories import (
    EnterpriseFactory,
    OrganisationFactory,
    ParticipationFactory,
    PhotoPairFactory,
    ResultFactory,
    RoundTrainerFactory,
    TrainerFactory,
    TrainingRoundFactory,
    module,
)
from tests.tokens import page_token

pytestmark = pytest.mark.django_db


@dataclass
class World:
    cec: Organisation
    mine: TrainingRound
    other: TrainingRound
    my_enterprise: object
    other_enterprise: object
    my_result: Result
    other_result: Result
    trainer_user: object


@pytest.fixture
def world(make_trainer_user) -> World:
    cec, saws = OrganisationFactory(short_name="CEC"), OrganisationFactory(short_name="SAWS")
    jia = TrainerFactory(name="Jia Hongwei")
    mine = TrainingRoundFactory(organiser=cec, city="Taixing", status=TrainingRound.Status.CONSULTING)
    other = TrainingRoundFactory(organiser=saws, city="Deyang", status=TrainingRound.Status.CONSULTING)
    RoundTrainerFactory(training_round=mine, trainer=jia)
    RoundTrainerFactory(training_round=other)  # someone else delivers Deyang
    my_enterprise = EnterpriseFactory(name="Teho Metal")
    other_enterprise = EnterpriseFactory(name="Deyang Boilers", city="Deyang")
    ParticipationFactory(training_round=mine, enterprise=my_enterprise)
    ParticipationFactory(training_round=other, enterprise=other_enterprise)
    my_result = ResultFactory(enterprise=my_enterprise, training_round=mine, organisation=cec, title="Teho result")
    other_result = ResultFactory(
        enterprise=other_enterprise, training_round=other, organisation=saws, title="Deyang result"
    )
    return World(cec, mine, other, my_enterprise, other_enterprise, my_result, other_result, make_trainer_user(jia))


def test_trainer_sees_the_rounds_they_deliver_and_their_enterprises_and_results(client, world):
    client.force_login(world.trainer_user)

    rounds = client.get(reverse("programmes:round_list")).content.decode()
    enterprises = client.get(reverse("enterprises:enterprise_list")).content.decode()
    results = client.get(reverse("results:result_list")).content.decode()

    assert "Taixing" in rounds and "Deyang" not in rounds
    assert "Teho Metal" in enterprises and "Deyang Boilers" not in enterprises
    assert "Teho Metal" in results and "Deyang Boilers" not in results
    assert client.get(world.mine.get_absolute_url()).status_code == 200
    assert client.get(world.my_result.get_absolute_url()).status_code == 200


def test_trainer_cannot_reach_another_round_enterprise_or_result(client, world):
    client.force_login(world.trainer_user)
    other = world.other_result
    pair = PhotoPairFactory(result=other)

    for url in (
        world.other.get_absolute_url(),
        world.other_enterprise.get_absolute_url(),
        other.get_absolute_url(),
        reverse("results:result_edit", args=[other.pk]),
        reverse("results:result_export_one", args=[other.pk]),
        reverse("results:photo_file", args=[pair.before.pk, "web"]),
    ):
        assert client.get(url).status_code == 404, url
    export = b"".join(client.get(reverse("results:result_export"), {"format": "csv"}).streaming_content).decode()
    assert "Teho Metal" in export and "Deyang Boilers" not in export
    found = client.get(reverse("results:enterprise_autocomplete"), {"q": "e"}).json()["results"]
    assert [r["label"].split(",")[0] for r in found] == ["Teho Metal"]
    assert not photos_visible_to(world.trainer_user).filter(pk=pair.before.pk).exists()
    visit = reverse("enterprises:factory_visit_add", args=[world.other.pk])
    assert client.post(visit, {"v-enterprise": world.other_enterprise.pk}).status_code == 404
    assert client.get(reverse("trainers:trainer_list")).status_code == 403
    assert client.get(reverse("programmes:organisation_list")).status_code == 403
    assert client.get(reverse("newsletters:dashboard")).status_code == 404


def test_trainer_records_attendance_and_a_factory_visit_in_their_round(client, world):
    client.force_login(world.trainer_user)
    participation = Participation.objects.get(training_round=world.mine)
    trainer = world.trainer_user.trainer_account.trainer

    url = reverse("enterprises:participation_update", args=[world.mine.pk, participation.pk])
    saved = client.post(
        url,
        {"managers_women": 2, "managers_men": 3, "workers_women": 14, "workers_men": 21, **page_token(client, url)},
    )
    visited = client.post(
        reverse("enterprises:factory_visit_add", args=[world.mine.pk]),
        {
            "v-enterprise": world.my_enterprise.pk,
            "v-trainer": trainer.pk,
            "v-visited_on": "2014-10-02",
            "v-notes": "First visit: the EIT met.",
        },
    )

    assert saved.status_code == 302 and visited.status_code == 302
    participation.refresh_from_db()
    assert (participation.workers_women, participation.workers_men) == (14, 21)
    assert FactoryVisit.objects.get(training_round=world.mine).notes == "First visit: the EIT met."
    page = client.get(world.mine.get_absolute_url()).content.decode()
    assert "First visit: the EIT met." in page
    # adding or removing enterprises stays with officers
    add = client.post(reverse("enterprises:participation_add", args=[world.mine.pk]), {"p-enterprise": ""})
    assert add.status_code == 403


def test_trainer_reports_a_result_for_the_rounds_organisation_through_the_same_approval(
    client, world, officer, make_partner
):
    # given a second enterprise of the trainer's round, without a result yet
    runyuan = EnterpriseFactory(name="Runyuan Machinery")
    ParticipationFactory(training_round=world.mine, enterprise=runyuan)
    trainer = world.trainer_user

    # when the trainer enters and submits a result for it
    result = result_services.result_create(
        by=trainer, enterprise=runyuan, module=module("M1"), training_round=world.mine, narrative="EIT weekly."
    )
    result_services.result_submit(result=result, by=trainer)

    # then it is reported for the round's organisation, its partner sees it, an officer approves it
    result.refresh_from_db()
    assert (result.organisation, result.author, result.status) == (world.cec, trainer, Result.Status.SUBMITTED)
    partner = make_partner(world.cec)
    client.force_login(partner)
    assert client.get(result.get_absolute_url()).status_code == 200
    result_services.result_approve(result=result, by=officer)
    result.refresh_from_db()
    assert result.status == Result.Status.APPROVED


def test_trainer_names_the_round_and_stays_within_their_enterprises(world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="Choose the round"):
        result_services.result_create(by=world.trainer_user, enterprise=world.my_enterprise, module=module("M2"))
    with pytest.raises(ValidationError, match="not in one of the rounds you deliver"):
        result_services.result_create(
            by=world.trainer_user, enterprise=world.other_enterprise, module=module("M2"), training_round=world.mine
        )
    assert Result.objects.count() == 2


def test_trainer_enters_a_result_from_the_portal(client, world):
    runyuan = EnterpriseFactory(name="Runyuan Machinery")
    ParticipationFactory(training_round=world.mine, enterprise=runyuan)
    client.force_login(world.trainer_user)

    response = client.post(
        reverse("results:result_create"),
        {
            "enterprise": runyuan.pk,
            "module": module("M1").pk,
            "training_round": world.mine.pk,
            "title": "Scrap down by a third",
            "narrative": "",
            "title_zh_hans": "",
            "narrative_zh_hans": "",
            "lines-TOTAL_FORMS": 0,
            "lines-INITIAL_FORMS": 0,
        },
    )

    result = Result.objects.get(enterprise=runyuan)
    assert response.status_code == 302 and response.url == result.get_absolute_url()
    assert result.organisation == world.cec
    page = client.get(result.get_absolute_url()).content.decode()
    assert "Entered by" in page and "for CEC" in page
