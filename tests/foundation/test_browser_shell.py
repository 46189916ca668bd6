import pytest
from playwright.sync_api import expect

from tests.conftest import browser_login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_user_logs_in_and_out_in_a_real_browser(page, officer):
    browser_login(page, officer.username)
    assert page.get_by_role("link", name="SCORE Portal").is_visible()
    screenshot(page, "shell-officer-home")
    page.get_by_role("button", name=officer.username).click()
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/accounts/login/")
    assert page.get_by_role("heading", name="Log in to the SCORE Portal").is_visible()


def test_a_second_click_on_save_sends_nothing_more(page, officer):
    # given an officer on the new round form, with an organisation to choose
    from tests.factories import OrganisationFactory

    OrganisationFactory(short_name="CEC")
    browser_login(page, officer.username)
    page.goto("/rounds/new/")
    page.locator("#id_module").select_option(label="M1 Workplace Cooperation")
    page.locator("#id_kind").select_option(value="toe")
    page.locator("#id_organiser").select_option(label="CEC")
    page.locator("#id_province").fill("Jiangsu")
    page.locator("#id_city").fill("Changzhou")
    page.locator("#id_start").fill("2015-03-02")
    page.locator("#id_end").fill("2015-05-29")
    # (the page counts the submissions that go out, and holds them, as a slow network would)
    page.evaluate(
        """() => window.addEventListener("submit", (event) => {
            if (!event.defaultPrevented) { window.sent = (window.sent || 0) + 1; }
            event.preventDefault();
        })"""
    )
    # when they click Save, and click again while the first request is on its way
    save = page.get_by_role("button", name="Save")
    save.click()
    expect(save).to_be_disabled()
    save.click(force=True)
    # then one request went out
    assert page.evaluate("() => window.sent") == 1
