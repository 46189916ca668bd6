"""The figures in a real browser: the officer reaches them from the home page; charts drawn, on a phone too."""

import pytest
from playwright.sync_api import expect

from score_portal.demo import demo_load
from tests.conftest import browser_login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def demo(settings, transactional_db):
    settings.DEBUG = True  # the demo accounts (password 'demo') are only created in development
    demo_load()
    settings.DEBUG = False


def test_officer_reaches_the_demos_figures_from_the_home_page(page, demo):
    # given the demo officer on the home page, which shows the latest year's charts
    browser_login(page, "officer", "demo")
    home_charts = page.locator("#home-figures svg[role=img]")
    assert home_charts.count() == 4  # the global officer's first chart compares China and Viet Nam
    assert page.locator("#home-figures figcaption").first.inner_text() == "The countries compared"
    # (the latest year with rounds begun: Viet Nam's illustrative 2015, after China's 2014)
    assert page.get_by_role("heading", name="The programme in 2015").is_visible()
    screenshot(page, "figures-01-officer-home")

    # when they open the figures
    page.get_by_role("link", name="Programme in figures").first.click()
    page.wait_for_url("**/figures/")

    # then the page opens on that year; they choose China's 2014, whose figures are not zero, every chart drawn
    # beside its table
    assert page.locator("#id_year").input_value() == "2015"
    page.locator("#id_year").select_option("2014")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**/figures/?*year=2014*")
    participants = int(page.locator("#headline .stat").nth(2).inner_text().replace(",", ""))
    assert participants > 0
    chart = page.get_by_role("img", name="Participants by module")
    assert chart.is_visible() and chart.bounding_box()["width"] > 300
    assert page.locator("#fig-by_module table tbody tr").count() == 5
    screenshot(page, "figures-02-page")

    # and a filter narrows them down
    page.locator("#id_province").select_option("Sichuan")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**/figures/?*province=Sichuan*")
    assert page.locator("#fig-by_province tbody tr").count() == 1
    assert page.locator("#fig-by_province tbody th").inner_text() == "Sichuan"


def test_partner_sees_its_own_figures_in_chinese_on_a_phone(page, demo):
    page.set_viewport_size(PHONE)
    browser_login(page, "partner-cec", "demo")
    page.goto("/figures/")
    page.get_by_role("button", name="Toggle navigation").click()  # on a phone the menu is folded
    page.locator("#lang-select").select_option("zh-hans")  # the menu changes language only when confirmed
    page.get_by_role("button", name="Change language").click()
    expect(page.get_by_role("heading", name="项目数据")).to_be_visible()
    chart = page.get_by_role("img", name="按模块统计的参训人数")
    box = chart.bounding_box()
    assert chart.is_visible() and box["width"] <= PHONE["width"]
    assert "BSCI" not in page.content()
    screenshot(page, "figures-03-partner-phone-zh")
