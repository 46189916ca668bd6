import re

import pytest

from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def nav_labels(client) -> list[str]:
    html = client.get("/").content.decode()
    nav = html.split('id="mainnav"')[1].split('class="navbar-nav"')[0]
    return re.findall(r'class="(?:nav-link|dropdown-item)[^"]*" href="[^"]+"[^>]*>([^<]+)</a>', nav)


def test_officer_navigation(client, officer):
    client.force_login(officer)
    assert nav_labels(client) == [
        "Rounds",
        "Enterprises",
        "Results",
        "To review",
        "Trainers",
        "Figures",
        "Newsletter",
        "Programme setup",
        "Organisations",
        "Countries",
        "KPI catalogue",
        "People",
    ]


def test_partner_navigation_offers_only_partner_pages(client, make_partner):
    client.force_login(make_partner(OrganisationFactory()))
    assert nav_labels(client) == [
        "Rounds",
        "Enterprises",
        "Results",
        "Import results",
        "Figures",
        "Newsletter archive",
    ]


def test_editor_navigation(client, editor):
    client.force_login(editor)
    assert nav_labels(client) == ["Newsletter", "News", "Events", "Expert comments"]  # the archive: from Newsletter


def test_current_page_is_marked(client, officer):
    client.force_login(officer)
    html = client.get("/rounds/").content.decode()
    assert 'class="nav-link active" href="/rounds/" aria-current="page"' in html


def test_a_setup_page_marks_its_link_and_the_menu_holding_it(client, officer):
    client.force_login(officer)
    html = client.get("/countries/").content.decode()
    assert 'class="dropdown-item active" href="/countries/" aria-current="page">Countries</a>' in html
    assert re.search(r'class="nav-link dropdown-toggle active"[^>]*>Programme setup</a>', html)
    assert html.count(" active") == 2  # nothing else in the bar


def test_a_missing_record_under_a_setup_page_offers_the_way_back_to_its_list(client, officer):
    client.force_login(officer)
    response = client.get("/countries/999999/")
    assert response.status_code == 404
    assert '<a class="btn btn-score" href="/countries/">Back to Countries</a>' in response.content.decode()


def test_only_the_most_specific_link_is_marked(client, make_partner):
    client.force_login(make_partner(OrganisationFactory()))
    html = client.get("/results/import/").content.decode()
    assert html.count('class="nav-link active"') == 1
    assert 'class="nav-link active" href="/results/import/"' in html


@pytest.mark.parametrize("language", ["en", "vi", "zh-hans"])
def test_an_officers_bar_keeps_one_row_on_a_laptop_and_its_setup_menu_opens(page, live_server, officer, language):
    from tests.conftest import browser_login, screenshot

    browser_login(page, officer.username)
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/rounds/")
    bar = page.locator("nav.navbar").bounding_box()
    brand = page.locator(".navbar-brand").bounding_box()
    screenshot(page, f"navigation-officer-{language}")
    assert bar["height"] <= brand["height"] + 24, (language, bar)  # one row: the brand's height and its padding
    page.locator("#mainnav .dropdown-toggle").first.click()
    menu = page.locator("#mainnav .me-auto .dropdown-menu")
    assert menu.is_visible() and menu.locator("a.dropdown-item").count() == 4
    screenshot(page, f"navigation-officer-setup-menu-{language}")
    menu.locator("a.dropdown-item").nth(1).click()
    page.wait_for_url("**/countries/")
