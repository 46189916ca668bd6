"""Integrity lives in the database: every constraint refuses bad rows, and says why in a form."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from programmes.models import Module
from tests import factories as f

pytestmark = pytest.mark.django_db


def assert_refused(build, message: str):
    """The row is refused by validation with `message`, and by the database when validation is skipped."""
    obj = build()
    with pytest.raises(ValidationError) as err:
        obj.full_clean()
    assert message in str(err.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        obj.save()


def test_agreement_cannot_end_before_it_starts():
    org = f.OrganisationFactory()
    assert_refused(
        lambda: f.AgreementFactory.build(organisation=org, start=dt.date(2014, 10, 21), end=dt.date(2014, 10, 20)),
        "An agreement cannot end before it starts.",
    )


def test_agreement_duplicate_is_refused():
    agreement = f.AgreementFactory()
    assert_refused(
        lambda: f.AgreementFactory.build(
            organisation=agreement.organisation, kind=agreement.kind, start=agreement.start
        ),
        "already has an agreement of this kind",
    )


def test_round_cannot_end_before_it_starts():
    org = f.OrganisationFactory()
    assert_refused(
        lambda: f.TrainingRoundFactory.build(organiser=org, start=dt.date(2014, 12, 23), end=dt.date(2014, 12, 19)),
        "A training round cannot end before it starts.",
    )


def test_module_codes_are_unique():
    with pytest.raises(ValidationError) as err:
        Module(code="M1", name="Another").full_clean()
    assert "Module with this Code already exists." in str(err.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        Module.objects.create(code="M1", name="Another")


def test_the_five_modules_exist_in_order():
    assert list(Module.objects.values_list("code", "short_name")) == [
        ("M1", "Workplace Cooperation"),
        ("M2", "Quality Management"),
        ("M3", "Clean Production"),
        ("M4", "Human Resource Management"),
        ("M5", "Occupational Safety and Health"),
    ]


def test_qualification_must_expire_after_award():
    trainer = f.TrainerFactory()
    assert_refused(
        lambda: f.QualificationFactory.build(
            trainer=trainer, module=f.module("M2"), qualified_on=dt.date(2014, 1, 1), expires_on=dt.date(2013, 1, 1)
        ),
        "must expire after",
    )


def test_trainer_cannot_be_in_a_round_twice():
    rt = f.RoundTrainerFactory()
    assert_refused(
        lambda: f.RoundTrainerFactory.build(training_round=rt.training_round, trainer=rt.trainer),
        "already in this round",
    )


def test_enterprise_workforce_cannot_be_negative():
    # PositiveIntegerField adds its own check; the named constraint says it in words.
    ent = f.EnterpriseFactory.build(workers_women=-3)
    with pytest.raises(ValidationError) as err:
        ent.full_clean()
    assert "workers_women" in err.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        ent.save()


def test_enterprise_name_is_unique_per_city():
    ent = f.EnterpriseFactory(name="Teho Metal", city="Taixing")
    assert_refused(lambda: f.EnterpriseFactory.build(name="Teho Metal", city=ent.city), "already registered")
    f.EnterpriseFactory(name="Teho Metal", city="Ningbo")  # another city is another enterprise


def test_attendance_counts_cannot_be_negative():
    p = f.ParticipationFactory.build(
        training_round=f.TrainingRoundFactory(), enterprise=f.EnterpriseFactory(), workers_women=-1
    )
    with pytest.raises(ValidationError) as err:
        p.full_clean()
    assert "workers_women" in err.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        p.save()


def test_enterprise_takes_part_in_a_round_once():
    p = f.ParticipationFactory()
    assert_refused(
        lambda: f.ParticipationFactory.build(training_round=p.training_round, enterprise=p.enterprise),
        "already takes part in this round",
    )


def test_one_result_per_enterprise_and_module():
    r = f.ResultFactory()
    assert_refused(lambda: f.ResultFactory.build(enterprise=r.enterprise, module=r.module), "already has a result")


def test_kpi_line_followup_not_before_baseline_and_unique():
    line = f.KPILineFactory()
    assert_refused(
        lambda: f.KPILineFactory.build(
            result=line.result,
            kpi=f.KPIFactory(),
            baseline_date=dt.date(2014, 12, 1),
            followup_date=dt.date(2014, 8, 1),
        ),
        "follow-up cannot be dated before the baseline",
    )
    assert_refused(lambda: f.KPILineFactory.build(result=line.result, kpi=line.kpi), "already in this result")


def test_kpi_values_are_decimals_not_text():
    line = f.KPILineFactory.build(result=f.ResultFactory(), kpi=f.KPIFactory(), baseline_value="4.13%")
    with pytest.raises(ValidationError) as err:
        line.full_clean()
    assert "baseline_value" in err.value.message_dict


def test_kpi_change_respects_direction():
    lower = f.KPIFactory(direction="lower")
    line = f.KPILineFactory(kpi=lower, baseline_value=Decimal("4.13"), followup_value=Decimal("0.61"))
    assert line.improved is True
    assert str(line.change_percent) == "-85.23"
    higher = f.KPILineFactory(result=line.result, kpi=f.KPIFactory(direction="higher"), baseline_value=Decimal("0"))
    assert higher.change_percent is None  # no per cent change from zero
    assert higher.improved is True


def test_event_cannot_end_before_it_starts():
    assert_refused(
        lambda: f.EventFactory.build(starts_on=dt.date(2015, 3, 6), ends_on=dt.date(2015, 3, 2)),
        "An event cannot end before it starts.",
    )


def test_issue_numbers_and_periods_are_unique_and_bimonthly():
    issue = f.IssueFactory(number=5, period_start=dt.date(2014, 11, 1))
    assert_refused(
        lambda: f.IssueFactory.build(number=5, period_start=dt.date(2015, 1, 1)),
        "Issue No. 5 covers November–December 2014",
    )
    assert_refused(lambda: f.IssueFactory.build(number=6, period_start=issue.period_start), "already covers")
    # an edition in another language shares number and period, once per language
    f.IssueFactory.build(number=5, period_start=issue.period_start, language="zh-hans").full_clean()
    f.IssueFactory(number=5, period_start=issue.period_start, language="zh-hans")
    assert_refused(
        lambda: f.IssueFactory.build(number=5, period_start=issue.period_start, language="zh-hans"),
        "There is already an issue with this number in this language.",
    )
    assert_refused(lambda: f.IssueFactory.build(number=7, period_start=dt.date(2015, 2, 1)), "first day of January")
    assert_refused(lambda: f.IssueFactory.build(number=0, period_start=dt.date(2015, 3, 1)), "start at 1")
