"""The programme rules, checked by the services every path goes through (portal, admin)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from enterprises import services as enterprise_services
from enterprises.models import Participation
from programmes import services as programme_services
from programmes.models import TrainingRound
from tests.factories import (
    EnterpriseFactory,
    ParticipationFactory,
    QualificationFactory,
    TrainerFactory,
    TrainingRoundFactory,
    china,
    module,
)
from trainers import services as trainer_services
from trainers.models import RoundTrainer

pytestmark = pytest.mark.django_db


def messages_of(excinfo) -> dict:
    return {field: " ".join(str(m) for m in msgs) for field, msgs in excinfo.value.message_dict.items()}


def new_round(programme, **overrides):
    values = {
        "module": module("M1"),
        "kind": TrainingRound.Kind.TOE,
        "organiser": programme.cec,
        "province": "Jiangsu",
        "city": "Taixing",
        "start": dt.date(2015, 3, 1),
        "end": dt.date(2015, 5, 31),
    }
    values.update(overrides)
    return programme_services.round_create(**values)


# --- Dates and the licence ---------------------------------------------------------------------------------


def test_round_cannot_end_before_it_starts(programme):
    with pytest.raises(ValidationError) as excinfo:
        new_round(programme, start=dt.date(2015, 3, 1), end=dt.date(2015, 2, 1))
    assert "cannot end before it starts" in messages_of(excinfo)["end"]
    assert not TrainingRound.objects.filter(start=dt.date(2015, 3, 1)).exists()


def test_licensed_provider_round_inside_its_licence_is_accepted(programme):
    training_round = new_round(programme, organiser=programme.tuv, start=dt.date(2014, 11, 3), end=dt.date(2015, 1, 30))
    assert training_round.status == TrainingRound.Status.PLANNED


def test_licensed_provider_round_before_its_licence_is_refused(programme):
    with pytest.raises(ValidationError) as excinfo:
        new_round(programme, organiser=programme.tuv, start=dt.date(2014, 9, 1), end=dt.date(2014, 11, 30))
    assert "must fall inside one of its licence agreements" in messages_of(excinfo)["start"]


def test_licensed_provider_round_running_past_its_licence_is_refused_on_the_end(programme):
    with pytest.raises(ValidationError) as excinfo:
        new_round(programme, organiser=programme.tuv, start=dt.date(2017, 9, 1), end=dt.date(2017, 12, 1))
    assert "licence agreements" in messages_of(excinfo)["end"]


def test_licensed_provider_without_licence_is_told_to_record_one(programme):
    programme.licence.delete()
    with pytest.raises(ValidationError) as excinfo:
        new_round(programme, organiser=programme.tuv, start=dt.date(2015, 1, 1), end=dt.date(2015, 2, 1))
    assert "without a licence agreement" in messages_of(excinfo)["organiser"]


def test_licence_cannot_shrink_away_from_a_round_run_under_it(programme):
    new_round(programme, organiser=programme.tuv, start=dt.date(2014, 11, 3), end=dt.date(2015, 1, 30))
    with pytest.raises(ValidationError) as excinfo:
        programme_services.agreement_save(
            organisation=programme.tuv, agreement=programme.licence, start=dt.date(2015, 1, 1)
        )
    assert "outside every licence agreement" in messages_of(excinfo)["end"]


# --- The round's life ---------------------------------------------------------------------------------------


def test_round_moves_through_its_life(programme):
    training_round = new_round(programme)
    for status in ("classroom", "consulting", "completed"):
        training_round = programme_services.round_transition(training_round=training_round, to_status=status, by=None)
    training_round.refresh_from_db()
    assert training_round.status == "completed"


@pytest.mark.parametrize(
    ("start", "to", "message"),
    [
        ("planned", "completed", "cannot move from Planned to Completed"),
        ("planned", "consulting", "cannot move from Planned to Consulting"),
        ("consulting", "classroom", "cannot move from Consulting to Classroom"),
        ("completed", "cancelled", "Completed is final"),
        ("cancelled", "planned", "Cancelled is final"),
    ],
)
def test_illegal_transitions_are_refused_with_a_message(programme, start, to, message):
    training_round = TrainingRoundFactory(organiser=programme.cec, status=start)
    with pytest.raises(ValidationError) as excinfo:
        programme_services.round_transition(training_round=training_round, to_status=to, by=None)
    assert message in messages_of(excinfo)["status"]
    training_round.refresh_from_db()
    assert training_round.status == start


@pytest.mark.parametrize("start", ["planned", "classroom", "consulting"])
def test_a_round_not_final_can_be_cancelled(programme, start):
    training_round = TrainingRoundFactory(organiser=programme.cec, status=start)
    programme_services.round_transition(training_round=training_round, to_status="cancelled", by=None)
    training_round.refresh_from_db()
    assert training_round.status == "cancelled"


# --- ToE trainers are qualified ------------------------------------------------------------------------------


def test_unqualified_trainer_is_refused_in_a_toe_round(programme):
    training_round = new_round(programme, module=module("M2"))
    with pytest.raises(ValidationError) as excinfo:
        trainer_services.round_trainer_add(training_round=training_round, trainer=programme.trainer, role="lead")
    assert "Jia Hongwei is not qualified for M2" in messages_of(excinfo)["trainer"]
    assert not RoundTrainer.objects.filter(training_round=training_round).exists()


def test_qualification_must_be_valid_on_the_start_date(programme):
    trainer = TrainerFactory(name="Lapsed trainer")
    QualificationFactory(trainer=trainer, qualified_on=dt.date(2010, 1, 1), expires_on=dt.date(2015, 1, 1))
    training_round = new_round(programme, start=dt.date(2015, 3, 1))
    with pytest.raises(ValidationError, match="Lapsed trainer is not qualified for M1"):
        trainer_services.round_trainer_add(training_round=training_round, trainer=trainer, role="lead")
    earlier = new_round(programme, start=dt.date(2014, 12, 1), end=dt.date(2014, 12, 31))
    assert trainer_services.round_trainer_add(training_round=earlier, trainer=trainer, role="lead").pk


def test_tot_candidates_and_tot_rounds_need_no_qualification(programme):
    trainer = TrainerFactory(name="Candidate")
    both = new_round(programme, kind=TrainingRound.Kind.BOTH)
    tot = new_round(programme, kind=TrainingRound.Kind.TOT, city="Deyang")
    assert trainer_services.round_trainer_add(training_round=both, trainer=trainer, role="candidate").pk
    assert trainer_services.round_trainer_add(training_round=tot, trainer=trainer, role="lead").pk


def test_changing_a_rounds_module_rechecks_its_trainers(programme):
    with pytest.raises(ValidationError) as excinfo:
        programme_services.round_update(training_round=programme.round, module=module("M2"))
    assert "would not be qualified: Jia Hongwei" in messages_of(excinfo)["start"]
    programme.round.refresh_from_db()
    assert programme.round.module.code == "M1"


def test_qualification_a_round_relies_on_cannot_be_removed(programme):
    with pytest.raises(ValidationError, match="Remove the trainer from those rounds first"):
        trainer_services.qualification_remove(qualification=programme.qualification)


# --- Module 1 first ------------------------------------------------------------------------------------------


def test_enterprise_takes_module_1_before_module_2(programme):
    m2 = new_round(programme, module=module("M2"), start=dt.date(2014, 12, 9), end=dt.date(2014, 12, 11))
    newcomer = EnterpriseFactory(name="Newcomer")
    with pytest.raises(ValidationError) as excinfo:
        enterprise_services.participation_add(training_round=m2, enterprise=newcomer, by=None)
    assert "Newcomer has not taken Module 1" in messages_of(excinfo)["enterprise"]
    # the enterprise of the M1 round may go on
    assert enterprise_services.participation_add(training_round=m2, enterprise=programme.enterprise, by=None).pk


def test_officer_may_record_an_exception_with_a_reason(programme, officer, make_partner):
    m3 = new_round(programme, module=module("M3"))
    newcomer = EnterpriseFactory(name="Newcomer")
    partner = make_partner(programme.cec)
    with pytest.raises(ValidationError) as excinfo:
        enterprise_services.participation_add(
            training_round=m3, enterprise=newcomer, module_order_exception="Buyer asked for OSH first", by=partner
        )
    assert "Only a project officer" in messages_of(excinfo)["module_order_exception"]
    p = enterprise_services.participation_add(
        training_round=m3, enterprise=newcomer, module_order_exception="Buyer asked for OSH first", by=officer
    )
    assert p.module_order_exception == "Buyer asked for OSH first"


def test_module_1_in_a_cancelled_round_does_not_count(programme):
    cancelled = TrainingRoundFactory(organiser=programme.cec, status="cancelled", start=dt.date(2014, 1, 1))
    enterprise = EnterpriseFactory(name="Cancelled once")
    ParticipationFactory(training_round=cancelled, enterprise=enterprise)
    m2 = new_round(programme, module=module("M2"))
    with pytest.raises(ValidationError, match="Cancelled once has not taken Module 1 by"):
        enterprise_services.participation_add(training_round=m2, enterprise=enterprise, by=None)


def test_attendance_counts_cannot_be_negative(programme):
    training_round = new_round(programme)
    with pytest.raises(ValidationError) as excinfo:
        enterprise_services.participation_add(
            training_round=training_round, enterprise=EnterpriseFactory(), workers_women=-2, by=None
        )
    assert "cannot be negative" in messages_of(excinfo)["workers_women"]
    assert not Participation.objects.filter(training_round=training_round).exists()


def test_the_module_1_round_later_modules_rely_on_cannot_be_removed(programme):
    m2 = new_round(programme, module=module("M2"), start=dt.date(2014, 12, 9), end=dt.date(2014, 12, 11))
    enterprise_services.participation_add(training_round=m2, enterprise=programme.enterprise, by=None)
    programme.visit.delete()
    with pytest.raises(ValidationError, match="Later modules of this enterprise rely on"):
        enterprise_services.participation_remove(participation=programme.participation)


def test_changing_a_round_to_module_2_rechecks_module_1_first(programme):
    training_round = new_round(programme)
    enterprise_services.participation_add(training_round=training_round, enterprise=EnterpriseFactory(), by=None)
    with pytest.raises(ValidationError) as excinfo:
        programme_services.round_update(training_round=training_round, module=module("M2"))
    assert "would take it before Module 1" in messages_of(excinfo)["module"]


# --- Factory visits and cancelled rounds --------------------------------------------------------------------


def test_factory_visit_must_be_to_an_enterprise_of_the_round_by_its_trainer(programme):
    with pytest.raises(ValidationError) as excinfo:
        enterprise_services.factory_visit_add(
            training_round=programme.round,
            enterprise=programme.other_enterprise,
            trainer=TrainerFactory(name="Stranger"),
            visited_on=dt.date(2014, 7, 1),
        )
    errors = messages_of(excinfo)
    assert "does not take part in this round" in errors["enterprise"]
    assert "Stranger does not deliver this round" in errors["trainer"]
    assert "before the round starts" in errors["visited_on"]


def test_a_cancelled_round_cannot_be_changed(programme):
    programme_services.round_transition(training_round=programme.round, to_status="cancelled")
    programme.round.refresh_from_db()
    with pytest.raises(ValidationError, match="cancelled"):
        enterprise_services.participation_add(training_round=programme.round, enterprise=EnterpriseFactory())


# --- The Django admin obeys the same rules (tests/admin/ drives every admin class as an officer) ----


def admin_round_data(programme, **overrides):
    data = {
        "country": china().pk,
        "module": module("M1").pk,
        "kind": "toe",
        "organiser": programme.tuv.pk,
        "province": "Guangdong",
        "city": "Dongguan",
        "start": "2014-09-01",
        "end": "2014-11-30",
        "status": "planned",
        "notes": "",
    }
    data.update(overrides)
    return data


def test_admin_refuses_a_round_outside_the_licence(admin_client, programme):
    client = admin_client
    response = client.post("/admin/programmes/traininground/add/", admin_round_data(programme))
    assert response.status_code == 200
    assert "must fall inside one of its licence agreements" in response.content.decode()
    assert not TrainingRound.objects.filter(city="Dongguan").exists()
    response = client.post("/admin/programmes/traininground/add/", admin_round_data(programme, start="2014-11-03"))
    assert response.status_code == 302
    assert TrainingRound.objects.filter(city="Dongguan").exists()


# A round's status is not edited in the admin at all (tests/admin/test_programmes.py).


def test_admin_refuses_an_unqualified_trainer_and_module_order(admin_client, programme):
    client = admin_client
    m2 = TrainingRoundFactory(
        organiser=programme.cec, module=module("M2"), start=dt.date(2015, 1, 1), end=dt.date(2015, 3, 1)
    )
    response = client.post(
        "/admin/trainers/roundtrainer/add/", {"training_round": m2.pk, "trainer": programme.trainer.pk, "role": "lead"}
    )
    assert "is not qualified for M2" in response.content.decode()
    newcomer = EnterpriseFactory(name="Newcomer")
    response = client.post(
        "/admin/enterprises/participation/add/",
        {
            "training_round": m2.pk,
            "enterprise": newcomer.pk,
            "managers_women": 1,
            "managers_men": 1,
            "workers_women": 1,
            "workers_men": 1,
            "module_order_exception": "",
        },
    )
    assert "Newcomer has not taken Module 1" in response.content.decode()
    assert not Participation.objects.filter(training_round=m2).exists()


def test_admin_refuses_to_shorten_or_delete_a_licence_rounds_run_under(admin_client, programme):
    # given TÜV ran a round under its licence
    TrainingRoundFactory(organiser=programme.tuv, city="Dongguan", start=dt.date(2014, 11, 3), end=dt.date(2015, 1, 30))
    url = f"/admin/programmes/agreement/{programme.licence.pk}/change/"
    data = {
        "organisation": programme.tuv.pk,
        "kind": "licence",
        "country": china().pk,
        "signed_on": "2014-10-21",
        "start": "2014-10-21",
        "end": "2014-12-31",
        "territory": "China",
        "notes": "",
    }
    # when an officer shortens the licence to end before the round does
    response = admin_client.post(url, data)
    # then the admin refuses it next to the field, and the licence keeps its term
    assert "would fall outside every licence agreement" in response.content.decode()
    programme.licence.refresh_from_db()
    assert str(programme.licence.end) == "2017-10-20"
    # and the licence cannot be deleted either
    assert admin_client.get(f"/admin/programmes/agreement/{programme.licence.pk}/delete/").status_code == 403
    programme.licence.refresh_from_db()


# A trainer's qualifications are read-only on the trainer's admin page (tests/admin/test_trainers.py).
