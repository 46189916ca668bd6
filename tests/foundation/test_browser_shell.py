import pytest

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
