"""Each destructive or final button clicked in a real browser (Playwright driving Debian's Chromium): the
database is as before until the confirmation page's button is clicked. Screenshots of the pages at 1366 and
390 px, in English and Chinese, go to var/screenshots/confirm-*.png."""

from __future__ import annotations

import datetime as dt

import pytest

from enterprises.models import FactoryVisit, Participation, Result
from newsletters.mailing.models import Mailing
from newsletters.models import Issue
from programmes.models import Agreement, TrainingRound
from tests.conftest import browser_login, screenshot
from tests.factories import EnterpriseFactory, ParticipationFactory, QualificationFactory, module
from tests.foundation.test_every_page import CSP_LISTENER, axe_source, check_page
from tests.results.conftest import draft, pair_add
from trainers.models import Qualification, RoundTrainer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
WIDE = {"width": 1366, "height": 900}


def ask_then_confirm(page, click, *, unchanged, changed, says: str, button: str, shot: str = "") -> None:
    """Click the destructive control; on the confirmation page nothing has changed yet; confirm; it is done."""
    click()
    page.get_by_test_id("confirmation").wait_for()
    assert says in page.get_by_test_id("confirmation").inner_text()
    assert unchanged(), "changed before the confirmation"
    if shot:
        screenshot(page, shot)
    assert page.get_by_test_id("confirm-button").inner_text() == button
    with page.expect_navigation():
        page.get_by_test_id("confirm-button").click()
    assert changed(), "not done after the confirmation"


def test_every_destructive_button_of_a_round_and_its_records_asks_first(page, officer, programme):
    rnd = programme.round
    teho = ParticipationFactory(training_round=rnd, enterprise=EnterpriseFactory(name="Teho Metal"))
    m2 = QualificationFactory(trainer=programme.trainer, module=module("M2"), qualified_on=dt.date(2013, 1, 1))
    browser_login(page, "officer1")
    page.set_viewport_size(WIDE)
    page.goto(rnd.get_absolute_url())
    screenshot(page, "confirm-round-page")

    # the factory visit's Remove
    ask_then_confirm(
        page,
        lambda: page.locator("#round-visits").get_by_role("button", name="Remove").click(),
        unchanged=lambda: FactoryVisit.objects.filter(pk=programme.visit.pk).exists(),
        changed=lambda: not FactoryVisit.objects.filter(pk=programme.visit.pk).exists(),
        says="Remove the factory visit to Yucheng Futong Electric",
        button="Remove the visit",
    )
    # an enterprise's Remove (its attendance goes with it)
    ask_then_confirm(
        page,
        lambda: page.locator("#participations").get_by_role("button", name="Remove Teho Metal").click(),
        unchanged=lambda: Participation.objects.filter(pk=teho.pk).exists(),
        changed=lambda: not Participation.objects.filter(pk=teho.pk).exists(),
        says="Its attendance is deleted: 4 participants",
        button="Remove the enterprise",
        shot="confirm-remove-enterprise",
    )
    assert page.get_by_text("It can be added again with “Add an enterprise”.").is_visible()
    # the trainer's Remove
    ask_then_confirm(
        page,
        lambda: page.locator("#round-trainers").get_by_role("button", name="Remove Jia Hongwei").click(),
        unchanged=lambda: RoundTrainer.objects.filter(pk=programme.round_trainer.pk).exists(),
        changed=lambda: not RoundTrainer.objects.filter(pk=programme.round_trainer.pk).exists(),
        says="The trainer can be added again",
        button="Remove the trainer",
    )
    # Cancel the round, from the danger zone at the end of the page
    page.goto(rnd.get_absolute_url())
    ask_then_confirm(
        page,
        lambda: page.locator("#danger-zone").get_by_role("link", name="Cancel the round…").click(),
        unchanged=lambda: TrainingRound.objects.get(pk=rnd.pk).status == TrainingRound.Status.PLANNED,
        changed=lambda: TrainingRound.objects.get(pk=rnd.pk).status == TrainingRound.Status.CANCELLED,
        says="A cancelled round cannot be reopened",
        button="Cancel the round",
        shot="confirm-cancel-round",
    )
    assert page.get_by_text("This round was cancelled.").is_visible()

    # the trainer's page: a qualification's Remove
    page.goto(programme.trainer.get_absolute_url())
    ask_then_confirm(
        page,
        lambda: page.locator("#qualification-table").get_by_role("button", name="Remove M2").click(),
        unchanged=lambda: Qualification.objects.filter(pk=m2.pk).exists(),
        changed=lambda: not Qualification.objects.filter(pk=m2.pk).exists(),
        says="Remove the qualification M2",
        button="Remove the qualification",
    )
    # the organisation's page: an agreement's Delete
    page.goto(programme.cec.get_absolute_url())
    ask_then_confirm(
        page,
        lambda: page.locator("#agreements").get_by_role("button", name="Delete").click(),
        unchanged=lambda: Agreement.objects.filter(pk=programme.agreement.pk).exists(),
        changed=lambda: not Agreement.objects.filter(pk=programme.agreement.pk).exists(),
        says="Delete the implementation agreement of China Enterprise Confederation",
        button="Delete the agreement",
    )


def test_deactivating_a_person_asks_first_in_english_and_chinese(page, officer, editor, live_server):
    browser_login(page, "officer1")
    page.goto(f"/people/{editor.pk}/")
    assert page.locator(".page-header").get_by_text("Deactivate").count() == 0  # not next to the everyday buttons
    ask_then_confirm(
        page,
        lambda: page.locator("#danger-zone").get_by_role("link", name="Deactivate…").click(),
        unchanged=lambda: type(editor).objects.get(pk=editor.pk).is_active,
        changed=lambda: not type(editor).objects.get(pk=editor.pk).is_active,
        says="An officer can reactivate the account",
        button="Deactivate",
        shot="confirm-deactivate",
    )
    assert page.get_by_role("button", name="Reactivate").is_visible()

    # the same page in Chinese, on a phone
    page.context.add_cookies([{"name": "django_language", "value": "zh-hans", "url": live_server.url}])
    page.context.add_init_script(CSP_LISTENER)
    page.get_by_role("button", name="Reactivate").click()
    page.set_viewport_size(PHONE)
    page.goto(f"/people/{editor.pk}/deactivate/")
    assert "停用 editor1？" in page.get_by_test_id("confirmation").inner_text()
    screenshot(page, "confirm-deactivate-zh-phone")
    # the confirmation page passes the every-page check: no sideways scrolling, no axe violation, no CSP one
    assert check_page(page, f"/people/{editor.pk}/deactivate/", axe_source(), sideways=True) == []
    assert type(editor).objects.get(pk=editor.pk).is_active


def test_reopen_and_send_ask_first_and_zero_subscribers_is_not_offered(page, editor, published_issue, make_subscriber):
    issue = published_issue(photos=False)
    browser_login(page, "editor1")
    page.set_viewport_size(WIDE)
    page.goto(issue.get_absolute_url())
    # nobody reads English yet: no button to send to nobody
    assert page.get_by_test_id("no-audience").is_visible()
    assert page.get_by_role("link", name="Send to 0 subscribers…").count() == 0

    make_subscriber("en1@example.com", language="en")
    page.goto(issue.get_absolute_url())
    ask_then_confirm(
        page,
        lambda: page.get_by_role("link", name="Send to 1 subscriber…").click(),
        unchanged=lambda: not Mailing.objects.exists(),
        changed=lambda: Mailing.objects.filter(issue=issue).exists(),
        says="Send issue No. 7 (English) to 1 subscriber?",
        button="Send to 1 subscriber",
        shot="confirm-send",
    )
    page.goto(issue.get_absolute_url())
    ask_then_confirm(
        page,
        lambda: page.locator("#danger-zone").get_by_role("link", name="Reopen for a correction…").click(),
        unchanged=lambda: Issue.objects.get(pk=issue.pk).status == Issue.Status.PUBLISHED,
        changed=lambda: Issue.objects.get(pk=issue.pk).status == Issue.Status.DRAFT,
        says="The archive keeps version 1",
        button="Reopen for a correction",
    )


def test_a_partner_deletes_a_photo_pair_and_a_draft_only_after_confirming(page, side_a):
    result = draft(side_a, lines=2)
    pair = pair_add(result, side_a.partner, caption="Oil barrels on a cart")
    browser_login(page, "partner-a")
    page.set_viewport_size(WIDE)
    page.goto(f"/results/{result.pk}/")
    ask_then_confirm(
        page,
        lambda: page.get_by_role("button", name="Delete this pair").click(),
        unchanged=lambda: result.photo_pairs.filter(pk=pair.pk).exists(),
        changed=lambda: not result.photo_pairs.filter(pk=pair.pk).exists(),
        says="Delete the photo pair “Oil barrels on a cart”?",
        button="Delete the photo pair",
    )
    page.goto(f"/results/{result.pk}/")
    ask_then_confirm(
        page,
        lambda: page.locator("#danger-zone").get_by_role("link", name="Delete draft…").click(),
        unchanged=lambda: Result.objects.filter(pk=result.pk).exists(),
        changed=lambda: not Result.objects.filter(pk=result.pk).exists(),
        says="Its 2 KPI lines are deleted with it.",
        button="Delete the draft",
        shot="confirm-delete-draft",
    )
