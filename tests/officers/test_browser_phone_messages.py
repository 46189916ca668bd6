"""After an add the page comes back at the section that changed, and its message is there, focused, on the
phone's screen, rather than above the fold at the top of the page (issue 20 §3)."""

import pytest
from playwright.sync_api import expect

from tests.conftest import browser_login, screenshot

from .test_browser import demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

__all__ = ["demo"]
PHONE = {"width": 390, "height": 844}


def test_the_message_of_an_add_is_in_the_section_that_changed_focused_and_on_the_screen(browser, live_server, demo):
    context = browser.new_context(base_url=live_server.url, viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(15_000)
    # given a new round on the officer's phone
    browser_login(page, "officer", "demo")
    page.goto("/rounds/new/")
    page.locator("#id_country").select_option(label="China")  # the global officer works for every country
    page.locator("#id_module").select_option(label="M1 Workplace Cooperation")
    page.locator("#id_kind").select_option(value="toe")
    page.locator("#id_organiser").select_option(label="CEC")
    page.locator("#id_province").fill("Jiangsu")
    page.locator("#id_city").fill("Changzhou")
    page.locator("#id_start").fill("2015-03-02")
    page.locator("#id_end").fill("2015-05-29")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/rounds/*/")

    # when a trainer is added
    page.get_by_text("Add a trainer").click()
    page.locator("#id_t-trainer").select_option(label="Jia Hongwei")
    page.get_by_role("button", name="Add trainer").click()
    page.wait_for_url("**/rounds/*/#trainers")

    # then the message is in the trainers' section, focused and on the screen
    message = page.locator("#trainers #messages")
    expect(message).to_contain_text("Jia Hongwei added to the round.")
    expect(message).to_be_focused()
    expect(message).to_be_in_viewport(ratio=1)  # once the browser's own scroll to "#trainers" is done
    box = message.bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"]
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    assert page.locator("main > #messages").count() == 0  # no longer above the fold
    screenshot(page, "officers-phone-message-next-to-trainers")
    context.close()
