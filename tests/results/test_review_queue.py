"""The officer's review queue: submitted results oldest first with their age, bulk approve and return through the
services (four eyes kept), its count on the officer's home and in the navigation; reopening an approved result
for a correction; the import button only for who may import."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import roles
from enterprises.models import Result, ResultStep
from enterprises.results import services as result_services
from tests.conftest import give_countries
from tests.factories import bring_in, module

from .conftest import draft

pytestmark = pytest.mark.django_db

QUEUE = reverse("results:review_queue")
REASON = "The follow-up date of the defect rate is the baseline date: give the real one."


@pytest.fixture
def second_officer(django_user_model):
    user = django_user_model.objects.create_user(
        username="officer2", password="pw", email="officer2@example.org", first_name="Li", last_name="Wei"
    )
    user.groups.add(Group.objects.get(name=roles.OFFICERS))
    give_countries(user, everywhere=True)
    return user


def submitted(side, code: str = "M1", *, at: str | None = None) -> Result:
    """A result of the side's partner, submitted through the services (at a given UTC moment, if said)."""
    result = draft(side, code=code)
    if at is None:
        result_services.result_submit(result=result, by=side.partner)
    else:
        with time_machine.travel(dt.datetime.fromisoformat(at), tick=False):
            result_services.result_submit(result=result, by=side.partner)
    result.refresh_from_db()
    return result


def approved(side, by, code: str = "M1") -> Result:
    result = submitted(side, code)
    result_services.result_approve(result=result, by=by)
    result.refresh_from_db()
    return result


def page_text(response) -> str:
    return response.content.decode()


# --- The queue page ------------------------------------------------------------------------------------


def test_queue_lists_the_submitted_results_oldest_first_with_their_age_in_local_days(client, officer, side_a):
    # given results submitted on different days (UTC), a draft and an approved one
    newest = submitted(side_a, "M1", at="2026-12-01T17:00:00+00:00")  # already 2 December in Beijing
    oldest = submitted(side_a, "M2", at="2026-11-27T02:00:00+00:00")
    middle = submitted(side_a, "M3", at="2026-11-30T09:00:00+00:00")
    draft(side_a, code="M4")
    approved(side_a, officer, "M5")
    client.force_login(officer)

    # when the officer opens the queue on 2 December, 11:30 in Beijing (03:30 UTC)
    with time_machine.travel(dt.datetime(2026, 12, 2, 3, 30, tzinfo=dt.UTC), tick=False):
        response = client.get(QUEUE)

    # then the three submitted results, the longest waiting first, with days counted in Beijing's dates
    page = page_text(response)
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [(r.pk, age) for r, age in rows] == [(oldest.pk, 5), (middle.pk, 2), (newest.pk, 0)]
    assert "3 submitted results wait for review" in page
    assert page.index("5 days") < page.index("2 days") < page.index("since today")
    assert page.count('data-testid="queue-row"') == 3


def test_queue_is_paginated_25_at_a_time(client, officer, side_a):
    for code in ("M1", "M2", "M3", "M4", "M5"):
        submitted(side_a, code)
    client.force_login(officer)
    from enterprises.results import views

    views.REVIEW_PAGE_SIZE, saved = 2, views.REVIEW_PAGE_SIZE
    try:
        first = client.get(QUEUE)
        last = client.get(QUEUE + "?page=3")
    finally:
        views.REVIEW_PAGE_SIZE = saved
    assert len(first.context["rows"]) == 2
    assert "Page 1 of 3" in page_text(first)
    assert len(last.context["rows"]) == 1


@pytest.mark.parametrize("who", ["partner", "trainer", "nobody"])
def test_only_officers_open_the_queue(client, side_a, trainer, nobody, who):
    submitted(side_a)
    user = {"partner": side_a.partner, "trainer": trainer, "nobody": nobody}[who]
    client.force_login(user)
    assert client.get(QUEUE).status_code == 403
    response = client.post(QUEUE, {"action": "approve", "results": [Result.objects.get().pk]})
    assert response.status_code == 403
    assert Result.objects.get().status == Result.Status.SUBMITTED


def test_anonymous_visitor_is_sent_to_the_login_page(client):
    response = client.get(QUEUE)
    assert response.status_code == 302
    assert "/login" in response["Location"]


# --- Bulk approve and return ---------------------------------------------------------------------------------


def test_bulk_approve_approves_the_chosen_and_refuses_the_one_the_officer_entered(
    client, officer, side_a, django_capture_on_commit_callbacks
):
    # given two results the partner submitted and one the officer entered on behalf of the partner and submitted
    first, second = submitted(side_a, "M1"), submitted(side_a, "M2")
    own = result_services.result_create(
        by=officer,
        enterprise=side_a.enterprise,
        module=module("M3"),
        organisation=side_a.organisation,
        narrative="Entered from the paper form.",
    )
    result_services.result_submit(result=own, by=officer)
    client.force_login(officer)

    # when the officer approves all three at once
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(QUEUE, {"action": "approve", "results": [first.pk, second.pk, own.pk]}, follow=True)

    # then the partner's two are approved, with their steps; the officer's own one waits for another officer
    page = page_text(response)
    statuses = dict(Result.objects.values_list("pk", "status"))
    assert statuses == {first.pk: "approved", second.pk: "approved", own.pk: "submitted"}
    assert "2 results approved." in page
    assert "Not approved: Yucheng Futong Electric – M3. You entered this result: another officer approves it." in page
    assert ResultStep.objects.filter(to_status="approved", by=officer).count() == 2
    assert [r.pk for r, _age in response.context["rows"]] == [own.pk]
    assert sum("approved" in m.subject.lower() for m in mail.outbox) == 2


def test_bulk_return_needs_one_reason_and_records_it_for_each(client, officer, side_a):
    first, second = submitted(side_a, "M1"), submitted(side_a, "M2")
    client.force_login(officer)

    # without a reason: nothing is returned, the page says why and keeps the ticks
    refused = client.post(QUEUE, {"action": "return", "results": [first.pk, second.pk], "reason": "  "})
    assert refused.status_code == 400
    assert "Say what the partner should correct." in page_text(refused)
    assert page_text(refused).count("checked") == 2
    assert set(Result.objects.values_list("status", flat=True)) == {"submitted"}

    # with one reason: both are returned, each with the reason in its trail
    response = client.post(QUEUE, {"action": "return", "results": [first.pk, second.pk], "reason": REASON}, follow=True)
    assert "2 results returned for correction." in page_text(response)
    assert set(Result.objects.values_list("status", flat=True)) == {"returned"}
    steps = ResultStep.objects.filter(to_status="returned").values_list("result", "reason", "by")
    assert sorted(steps) == [(first.pk, REASON, officer.pk), (second.pk, REASON, officer.pk)]


def test_bulk_approve_without_a_choice_changes_nothing(client, officer, side_a):
    submitted(side_a)
    client.force_login(officer)
    response = client.post(QUEUE, {"action": "approve"})
    assert response.status_code == 400
    assert "Choose at least one result." in page_text(response)
    assert Result.objects.get().status == Result.Status.SUBMITTED


def test_bulk_review_names_a_result_another_officer_approved_meanwhile(officer, second_officer, side_a):
    result = submitted(side_a)
    result_services.result_approve(result=result, by=second_officer)
    outcome = result_services.results_review(results=[result], by=officer, to=Result.Status.APPROVED)
    assert outcome.done == []
    assert outcome.refused == [(result, "A approved result cannot be approved.")]
    assert ResultStep.objects.filter(to_status="approved").count() == 1


# --- Reopen -----------------------------------------------------------------------------------------------


def test_reopen_asks_first_and_says_what_follows(client, officer, side_a):
    result = approved(side_a, officer)
    client.force_login(officer)

    detail = page_text(client.get(result.get_absolute_url()))
    response = client.get(reverse("results:result_reopen", args=[result.pk]))

    assert reverse("results:result_reopen", args=[result.pk]) in detail
    page = page_text(response)
    assert "Reopen the approved M1 result of Yucheng Futong Electric?" in page
    assert "dashboards, figures and newsletters leave it out until it is approved again" in page
    assert "you cannot approve a result you reopened" in page
    assert 'name="reason"' in page and 'name="confirm" value="yes"' in page
    # a GET, and a one-click POST without the confirmation, change nothing
    one_click = client.post(reverse("results:result_reopen", args=[result.pk]), {"reason": REASON})
    assert 'data-testid="confirmation"' in page_text(one_click)
    result.refresh_from_db()
    assert result.status == Result.Status.APPROVED
    assert not ResultStep.objects.filter(result=result, to_status="returned").exists()


def test_reopen_needs_a_reason(client, officer, side_a):
    result = approved(side_a, officer)
    client.force_login(officer)
    response = client.post(reverse("results:result_reopen", args=[result.pk]), {"reason": " ", "confirm": "yes"})
    assert response.status_code == 200
    assert "This field is required." in page_text(response)
    result.refresh_from_db()
    assert result.status == Result.Status.APPROVED
    with pytest.raises(ValidationError, match="Say what must be corrected"):
        result_services.result_reopen(result=result, by=officer, reason="  ")


def test_reopened_result_is_corrected_by_the_reopener_and_approved_by_another_officer(
    client, officer, second_officer, side_a, django_capture_on_commit_callbacks
):
    # given a result approved by the second officer
    result = approved(side_a, second_officer)
    client.force_login(officer)

    # when the first officer reopens it with a reason
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("results:result_reopen", args=[result.pk]), {"reason": REASON, "confirm": "yes"}, follow=True
        )

    # then it is editable again, no longer counts as approved, the trail and the author's mail say why
    result.refresh_from_db()
    assert (result.status, result.approved_at) == (Result.Status.RETURNED, None)
    last = ResultStep.objects.filter(result=result).last()
    assert (last.from_status, last.to_status, last.by, last.reason) == ("approved", "returned", officer, REASON)
    page = page_text(response)
    assert "Approved, then reopened for correction by" in page
    assert REASON in page
    assert mail.outbox[-1].to == [side_a.partner.email]
    assert "reopened" in mail.outbox[-1].subject.lower()
    assert REASON in mail.outbox[-1].body
    assert result.history.first().status == "returned"  # the history records it too

    # the reopener corrects it and submits it again
    result_services.result_update(result=result, by=officer, title="Defects down to 0.58 %", narrative="Corrected.")
    result.refresh_from_db()
    result_services.result_submit(result=result, by=officer)

    # the reopener may not approve it, by itself or in bulk; another officer does
    with pytest.raises(PermissionDenied, match="You reopened this result: another officer approves it."):
        result_services.result_approve(result=result, by=officer)
    queue = page_text(client.post(QUEUE, {"action": "approve", "results": [result.pk]}, follow=True))
    assert "Not approved: Yucheng Futong Electric – M1. You reopened this result" in queue
    approve_url = reverse("results:result_approve", args=[result.pk])
    assert approve_url not in page_text(client.get(result.get_absolute_url()))  # no approve button for the reopener
    client.force_login(second_officer)
    assert approve_url in page_text(client.get(result.get_absolute_url()))
    result_services.result_approve(result=result, by=second_officer)
    result.refresh_from_db()
    assert result.status == Result.Status.APPROVED
    assert result.title == "Defects down to 0.58 %"


def test_the_officer_who_resubmitted_a_reopened_result_cannot_approve_it(officer, second_officer, side_a):
    # the second officer reopens, the partner corrects and the first officer cannot be both submitter and approver
    result = approved(side_a, officer)
    result_services.result_reopen(result=result, by=second_officer, reason=REASON)
    result.refresh_from_db()
    result_services.result_submit(result=result, by=side_a.partner)
    with pytest.raises(PermissionDenied, match="You reopened this result"):
        result_services.result_approve(result=result, by=second_officer)
    result_services.result_approve(result=result, by=officer)  # the first officer neither entered nor reopened it
    result.refresh_from_db()
    assert result.status == Result.Status.APPROVED


def test_only_approved_results_are_reopened(client, officer, side_a):
    result = submitted(side_a)
    client.force_login(officer)
    asked = page_text(client.get(reverse("results:result_reopen", args=[result.pk])))
    assert "Only approved results can be reopened." in asked and 'name="reason"' not in asked  # no button
    response = client.post(reverse("results:result_reopen", args=[result.pk]), {"reason": REASON, "confirm": "yes"})
    assert response.status_code == 302
    result.refresh_from_db()
    assert result.status == Result.Status.SUBMITTED
    with pytest.raises(PermissionDenied, match="only approved results can be reopened"):
        result_services.result_reopen(result=result, by=officer, reason=REASON)


def test_partners_and_trainers_cannot_reopen(client, officer, side_a, side_b, trainer):
    result = approved(side_a, officer)
    url = reverse("results:result_reopen", args=[result.pk])
    client.force_login(side_a.partner)  # sees the result, may not reopen it
    assert client.get(url).status_code == 403
    assert client.post(url, {"reason": REASON, "confirm": "yes"}).status_code == 403
    assert reverse("results:result_reopen", args=[result.pk]) not in page_text(client.get(result.get_absolute_url()))
    client.force_login(side_b.partner)  # does not see it at all
    assert client.post(url, {"reason": REASON, "confirm": "yes"}).status_code == 404
    client.force_login(trainer)  # not one of their rounds
    assert client.get(url).status_code == 404
    with pytest.raises(PermissionDenied):
        result_services.result_reopen(result=result, by=side_a.partner, reason=REASON)
    result.refresh_from_db()
    assert result.status == Result.Status.APPROVED


# --- The officer's home and the navigation ------------------------------------------------------------------


def test_home_and_navigation_show_the_queue_count_and_the_oldest(client, officer, side_a):
    submitted(side_a, "M1", at="2026-11-20T02:00:00+00:00")
    submitted(side_a, "M2", at="2026-11-29T02:00:00+00:00")
    client.force_login(officer)

    with time_machine.travel(dt.datetime(2026, 12, 2, 3, 30, tzinfo=dt.UTC), tick=False):
        home = page_text(client.get(reverse("home")))

    section = home.split('id="review-queue"')[1].split("</section>")[0]
    assert 'data-testid="review-count">2<' in section
    assert section.index("waiting 12 days") < section.index("waiting 3 days")
    assert reverse("results:review_queue") in section
    assert 'data-testid="nav-count">2<' in home

    # the count follows an approval (the kept count is replaced when the data changes)
    result_services.result_approve(result=Result.objects.get(module__code="M1"), by=officer)
    rounds = page_text(client.get(reverse("programmes:round_list")))
    assert 'data-testid="nav-count">1<' in rounds


def test_navigation_has_no_queue_for_partners(client, side_a):
    submitted(side_a)
    client.force_login(side_a.partner)
    page = page_text(client.get(reverse("results:result_list")))
    assert reverse("results:review_queue") not in page
    assert "nav-count" not in page


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", [QUEUE, "/"])
def test_queue_and_home_run_the_same_queries_for_1_and_25_results(client, officer, side_a, url):
    from tests.factories import EnterpriseFactory

    client.force_login(officer)
    submitted(side_a)
    one = queries(client, url)
    for i in range(24):
        enterprise = EnterpriseFactory(name=f"Factory {i}")
        bring_in(enterprise, side_a.organisation)
        result = draft(side_a, enterprise=enterprise)
        result_services.result_submit(result=result, by=side_a.partner)
    assert queries(client, url) == one


def test_the_navigation_count_is_kept_between_pages(client, officer, side_a):
    submitted(side_a)
    client.force_login(officer)
    client.get(reverse("results:result_list"))
    with CaptureQueriesContext(connection) as ctx:
        client.get(reverse("results:kpi_list"))
    assert not [q for q in ctx.captured_queries if "enterprises_resultstep" in q["sql"]]


# --- The import button --------------------------------------------------------------------------------------


IMPORT_BUTTON = "Import from Excel or CSV"


def test_import_button_only_for_who_may_import(client, officer, trainer, side_a):
    for user, may in ((side_a.partner, True), (officer, False), (trainer, False)):
        client.force_login(user)
        page = page_text(client.get(reverse("results:result_list")))
        assert (IMPORT_BUTTON in page) is may, user
        assert (client.get(reverse("results:import_start")).status_code == 200) is may, user
