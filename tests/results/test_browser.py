"""The whole approval cycle in a real browser (Playwright driving Debian's Chromium)."""

import re

import pytest
from django.core import mail

from enterprises.models import Result
from tests.conftest import browser_login, screenshot

from .conftest import jpeg_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def new_page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def test_partner_enters_submits_corrects_and_officer_returns_then_approves(
    page, browser, live_server, side_a, officer, tmp_path
):
    before, after = tmp_path / "before.jpg", tmp_path / "after.jpg"
    before.write_bytes(jpeg_bytes((1600, 1200), "saddlebrown", orientation=6, gps=True))
    after.write_bytes(jpeg_bytes((1600, 1200), "seagreen"))

    # the partner enters a result from the enterprise's link, with one KPI line
    browser_login(page, "partner-a")
    page.goto(f"/results/new/?enterprise={side_a.enterprise.pk}")
    page.get_by_label("Module").select_option(label="M1 Workplace Cooperation")
    page.get_by_label("Headline", exact=True).fill("Defects down from 4.13 % to 0.61 %")
    page.get_by_label("Narrative", exact=True).fill("The Enterprise Improvement Team met every Thursday.")
    page.get_by_text("For the newsletter's editions in other languages (optional)").click()
    page.get_by_label("Headline (Simplified Chinese)").fill("缺陷率从4.13%降至0.61%")
    page.locator("#id_lines-0-kpi").select_option(label="Defect / reject rate")
    page.locator("#id_lines-0-baseline_value").fill("4.13")
    page.locator("#id_lines-0-baseline_date").fill("2014-08-01")
    page.locator("#id_lines-0-followup_value").fill("0.81")
    page.locator("#id_lines-0-followup_date").fill("2014-11-30")
    page.get_by_role("button", name="+ Add a KPI line").click()
    page.locator("#id_lines-1-kpi").select_option(label="On-time delivery")
    page.locator("#id_lines-1-baseline_value").fill("88.6")
    page.locator("#id_lines-1-baseline_date").fill("2014-08-01")
    page.locator("#id_lines-1-followup_value").fill("92.58")
    page.locator("#id_lines-1-followup_date").fill("2014-11-30")
    screenshot(page, "results-1-partner-enters")
    page.get_by_role("button", name="Save draft").click()
    page.wait_for_url("**/results/*/")
    assert page.get_by_test_id("status").inner_text() == "Draft"
    assert "缺陷率从4.13%降至0.61%" in page.get_by_test_id("text-zh-hans").inner_text()

    # ... adds a before/after photo pair
    page.get_by_label("Before photo").set_input_files(str(before))
    page.get_by_label(re.compile(r"^\s*Before caption\W*$")).fill("Moving oil barrels needed two workers")
    page.get_by_label("After photo").set_input_files(str(after))
    page.get_by_label(re.compile(r"^\s*After caption\W*$")).fill("A handling cart lowered labour intensity")
    page.get_by_text("Captions for the newsletter's editions in other languages (optional)").click()
    page.get_by_label("After caption (Simplified Chinese)").fill("使用搬运车降低了劳动强度")
    page.get_by_label("Credit").fill("CEC")
    page.get_by_role("button", name="Upload the pair").click()
    page.get_by_text("The photo pair is added.").wait_for()
    images = page.locator(".photo-pair img")
    assert images.count() == 2
    for i in range(2):  # served to the owner: each lazy image, once scrolled to, has loaded and decoded
        image = images.nth(i)
        image.scroll_into_view_if_needed()
        page.wait_for_function("img => img.complete", arg=image.element_handle())
        assert image.evaluate("img => img.naturalWidth") > 0
    assert "/results/photos/" in images.first.get_attribute("src")
    assert "使用搬运车降低了劳动强度" in page.locator(".photo-pair").inner_text()
    # ... and submits
    page.get_by_role("button", name="Submit for approval").click()
    page.get_by_text("Submitted. The SCORE officers have been told.").wait_for()
    screenshot(page, "results-2-partner-submitted")
    assert any(officer.email in m.to for m in mail.outbox)

    # the officer returns it with a comment
    officer_page = new_page(browser, live_server)
    browser_login(officer_page, officer.username)
    result = Result.objects.get()
    officer_page.goto(f"/results/{result.pk}/")
    officer_page.get_by_label("What should the partner correct?").fill(
        "The follow-up defect rate in the factory report is 0.61 %, not 0.81 %."
    )
    officer_page.get_by_role("button", name="Return for correction").click()
    officer_page.get_by_text("Returned to the partner for correction.").wait_for()
    screenshot(officer_page, "results-3-officer-returned")
    assert "0.61 %, not 0.81 %" in mail.outbox[-1].body and mail.outbox[-1].to == [side_a.partner.email]

    # the partner sees it on the home page, corrects it and resubmits
    page.goto("/")
    page.get_by_role("link", name="Yucheng Futong Electric").first.click()
    assert page.get_by_text("0.61 %, not 0.81 %").first.is_visible()
    page.get_by_role("link", name="Edit result and KPIs").click()
    page.locator("#id_lines-0-followup_value").fill("0.61")
    page.get_by_role("button", name="Save draft").click()
    page.wait_for_url(f"**/results/{result.pk}/")
    page.get_by_role("button", name="Submit again for approval").click()
    page.get_by_text("Submitted. The SCORE officers have been told.").wait_for()

    # the officer approves
    officer_page.goto(f"/results/{result.pk}/")
    officer_page.get_by_role("button", name="Approve").click()
    officer_page.get_by_text("Approved. The partner has been told.").wait_for()
    assert officer_page.get_by_test_id("status").inner_text() == "Approved"
    assert officer_page.get_by_text("-85.23 %").is_visible()
    trail = officer_page.locator(".trail-step")
    assert trail.count() == 5
    assert "Follow-up value: 0.81 → 0.61" in officer_page.locator(".history-table").inner_text()
    screenshot(officer_page, "results-4-officer-approved")

    result.refresh_from_db()
    assert result.status == Result.Status.APPROVED and result.author == side_a.partner
    assert mail.outbox[-1].to == [side_a.partner.email] and "approved" in mail.outbox[-1].subject.lower()
    officer_page.context.close()
