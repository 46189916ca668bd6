import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from enterprises.models import KPILine, Result, ResultStep
from enterprises.results import services as result_services
from enterprises.results.selectors import results_approved_between, results_visible_to
from tests.factories import module

from .conftest import draft, kpi

pytestmark = pytest.mark.django_db

REASON = "The follow-up date of the defect rate is wrong."


def test_partner_creates_a_draft_for_its_enterprise_and_its_organisation_reports_it(side_a):
    result = draft(side_a)
    assert result.status == Result.Status.DRAFT
    assert result.organisation == side_a.organisation
    assert result.author == side_a.partner
    assert list(result.steps.values_list("from_status", "to_status", "by")) == [("", "draft", side_a.partner.pk)]


def test_partner_cannot_create_a_result_for_another_organisations_enterprise(side_a, side_b):
    with pytest.raises(ValidationError) as exc:
        result_services.result_create(by=side_a.partner, enterprise=side_b.enterprise, module=module("M1"))
    assert "not one of your organisation's enterprises" in str(exc.value)
    assert not Result.objects.exists()


def test_one_result_per_enterprise_and_module(side_a):
    draft(side_a)
    with pytest.raises(ValidationError, match="already has a result for M1"):
        result_services.result_create(by=side_a.partner, enterprise=side_a.enterprise, module=module("M1"))


def test_user_without_a_role_cannot_create_results(side_a, nobody):
    with pytest.raises(PermissionDenied):
        result_services.result_create(by=nobody, enterprise=side_a.enterprise, module=module("M1"))


def test_full_approval_cycle_records_who_when_why_and_mails_the_people_concerned(
    side_a, officer, django_capture_on_commit_callbacks
):
    # given a draft with a KPI line
    result = draft(side_a)
    # when the partner submits, the officer returns, the partner corrects and resubmits, the officer approves
    with django_capture_on_commit_callbacks(execute=True):
        result_services.result_submit(result=result, by=side_a.partner)
    assert [m.to for m in mail.outbox] == [[officer.email]]
    assert "submitted" in mail.outbox[0].subject.lower()
    with django_capture_on_commit_callbacks(execute=True):
        result_services.result_return(result=result, by=officer, reason=REASON)
    assert mail.outbox[-1].to == [side_a.partner.email]
    assert REASON in mail.outbox[-1].body
    result.refresh_from_db()
    line = result.kpi_lines.get()
    result_services.kpi_line_save(
        result=result,
        by=side_a.partner,
        kpi=line.kpi,
        line=line,
        baseline_value=line.baseline_value,
        baseline_date=line.baseline_date,
        followup_value=Decimal("0.61"),
        followup_date=dt.date(2014, 12, 1),
    )
    with django_capture_on_commit_callbacks(execute=True):
        result_services.result_submit(result=result, by=side_a.partner)
        result_services.result_approve(result=result, by=officer)
    # then
    result.refresh_from_db()
    assert result.status == Result.Status.APPROVED
    assert result.approved_at is not None
    assert result.author == side_a.partner  # never overwritten by the approver
    steps = list(ResultStep.objects.filter(result=result).values_list("from_status", "to_status", "by", "reason"))
    assert steps == [
        ("", "draft", side_a.partner.pk, ""),
        ("draft", "submitted", side_a.partner.pk, ""),
        ("submitted", "returned", officer.pk, REASON),
        ("returned", "submitted", side_a.partner.pk, ""),
        ("submitted", "approved", officer.pk, ""),
    ]
    assert mail.outbox[-1].to == [side_a.partner.email]
    assert "approved" in mail.outbox[-1].subject.lower()
    assert len(mail.outbox) == 4


def test_return_needs_a_reason(side_a, officer):
    result = draft(side_a)
    result_services.result_submit(result=result, by=side_a.partner)
    with pytest.raises(ValidationError, match="correct"):
        result_services.result_return(result=result, by=officer, reason="  ")
    result.refresh_from_db()
    assert result.status == Result.Status.SUBMITTED


def test_partner_cannot_approve_and_officer_cannot_submit(side_a, officer):
    result = draft(side_a)
    with pytest.raises(PermissionDenied):
        result_services.result_submit(result=result, by=officer)
    result_services.result_submit(result=result, by=side_a.partner)
    with pytest.raises(PermissionDenied):
        result_services.result_approve(result=result, by=side_a.partner)
    result_services.result_approve(result=result, by=officer)
    with pytest.raises(PermissionDenied):
        result_services.result_approve(result=result, by=officer)  # approving twice is not a step


def test_submitted_and_approved_results_cannot_be_edited(side_a, officer):
    result = draft(side_a)
    result_services.result_submit(result=result, by=side_a.partner)
    result.refresh_from_db()
    with pytest.raises(PermissionDenied, match="only drafts and returned"):
        result_services.result_update(result=result, by=side_a.partner, title="x", narrative="y")
    with pytest.raises(PermissionDenied):
        result_services.kpi_line_delete(line=result.kpi_lines.get(), by=side_a.partner)
    assert KPILine.objects.count() == 1


def test_submit_needs_a_kpi_line_or_a_narrative(side_a):
    result = result_services.result_create(by=side_a.partner, enterprise=side_a.enterprise, module=module("M1"))
    with pytest.raises(ValidationError, match="at least one KPI line"):
        result_services.result_submit(result=result, by=side_a.partner)


def test_followup_before_baseline_is_refused(side_a):
    result = draft(side_a, lines=0)
    with pytest.raises(ValidationError, match="before the baseline"):
        result_services.kpi_line_save(
            result=result,
            by=side_a.partner,
            kpi=kpi("Accidents"),
            baseline_value=Decimal(3),
            baseline_date=dt.date(2014, 8, 1),
            followup_value=Decimal(1),
            followup_date=dt.date(2014, 7, 1),
        )


@pytest.mark.clock
def test_only_approved_results_count(side_a, officer):
    approved, submitted = draft(side_a), draft(side_a, code="M2")
    draft(side_a, code="M3")
    result_services.result_submit(result=approved, by=side_a.partner)
    result_services.result_approve(result=approved, by=officer)
    result_services.result_submit(result=submitted, by=side_a.partner)
    # A result approved today, in the programme's time zone, counts for today's date.
    today = timezone.localdate()
    assert list(results_approved_between(today, today)) == [approved]
    assert not results_approved_between(today + dt.timedelta(days=1), today + dt.timedelta(days=30)).exists()


def test_an_approval_at_seven_in_beijing_counts_for_that_beijing_day(side_a, officer, client):
    # given: an officer in Beijing approves on 1 January 2015 at 07:00, when it is still 31 December in UTC
    result = draft(side_a)
    result_services.result_submit(result=result, by=side_a.partner)
    beijing_morning = dt.datetime(2015, 1, 1, 7, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
    with time_machine.travel(beijing_morning, tick=False):
        result_services.result_approve(result=result, by=officer)
    result.refresh_from_db()
    assert result.approved_at.astimezone(dt.UTC).date() == dt.date(2014, 12, 31)
    # then: it is a result of 1 January, of the January–February issue and not of November–December's
    assert list(results_approved_between(dt.date(2015, 1, 1), dt.date(2015, 1, 1))) == [result]
    assert not results_approved_between(dt.date(2014, 12, 31), dt.date(2014, 12, 31)).exists()
    client.force_login(officer)
    html = client.get(result.get_absolute_url()).content.decode()
    assert "2015-01-01 07:00" in html


def test_history_records_who_changed_and_deleted_kpi_lines(side_a):
    result = draft(side_a, lines=2)
    line = result.kpi_lines.get(kpi__name="On-time delivery")
    line_id = line.pk
    result_services.kpi_line_delete(line=line, by=side_a.partner)
    deleted = KPILine.history.get(id=line_id, history_type="-")
    assert deleted.history_user == side_a.partner


def test_partner_sees_results_of_its_enterprises_only(side_a, side_b, officer):
    mine, theirs = draft(side_a), draft(side_b)
    assert list(results_visible_to(side_a.partner)) == [mine]
    assert list(results_visible_to(side_b.partner)) == [theirs]
    assert set(results_visible_to(officer)) == {mine, theirs}
