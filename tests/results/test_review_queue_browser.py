"""The review queue and the reopening of a result in a real browser (Playwright driving Debian's Chromium), with
screenshots at a desktop's and a phone's width, in English and Chinese (var/screenshots/review-*.png)."""

import pytest

from enterprises.models import Result
from enterprises.results import services as result_services
from tests.conftest import browser_login, screenshot

from .conftest import draft

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = {"desktop": 1366, "phone": 390}


def screenshots(page, name: str) -> None:
    """The page at a desktop's and a phone's width, in English and in Chinese; left in English at a desktop's."""
    for language in ("en", "zh-hans"):
        page.set_viewport_size({"width": WIDTHS["desktop"], "height": 900})  # the language menu is in the bar
        choose_language(page, language)
        for size, width in WIDTHS.items():
            page.set_viewport_size({"width": width, "height": 900})
            screenshot(page, f"{name}-{language}-{size}")
    page.set_viewport_size({"width": WIDTHS["desktop"], "height": 900})
    choose_language(page, "en")


def choose_language(page, language: str) -> None:
    page.locator("#lang-select").select_option(language)  # the menu changes language only when confirmed
    with page.expect_navigation():
        page.locator(".lang-form button[type=submit]").click()


def test_officer_approves_from_the_queue_and_reopens_through_its_confirmation_page(page, side_a, officer):
    results = []
    for code in ("M1", "M2", "M3"):
        result = draft(side_a, code=code)
        result_services.result_submit(result=result, by=side_a.partner)
        results.append(result)

    browser_login(page, "officer1")
    page.goto("/")
    assert page.get_by_test_id("nav-count").inner_text().startswith("3")
    page.get_by_role("link", name="Open the review queue").click()
    screenshots(page, "review-queue")

    # tick two, approve
    page.get_by_label(str(results[0])).check()
    page.get_by_label(str(results[1])).check()
    page.get_by_role("button", name="Approve").click()
    page.get_by_text("2 results approved.").wait_for()
    assert page.get_by_test_id("queue-row").count() == 1
    assert page.get_by_test_id("nav-count").inner_text().startswith("1")

    # reopen the first: a page that says what follows, then the reason
    page.goto(f"/results/{results[0].pk}/")
    page.get_by_role("link", name="Reopen for correction…").click()
    page.get_by_test_id("consequences").wait_for()
    screenshots(page, "review-reopen")
    page.get_by_label("What must be corrected?").fill("The follow-up value is a typing error.")
    page.get_by_role("button", name="Reopen for correction").click()
    page.get_by_text("Approved, then reopened for correction by").wait_for()

    assert Result.objects.get(pk=results[0].pk).status == Result.Status.RETURNED
    page.goto("/")
    page.set_viewport_size({"width": 1366, "height": 900})
    screenshot(page, "review-home-en-desktop")
