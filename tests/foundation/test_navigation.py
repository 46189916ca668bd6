import re

import pytest

from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def nav_labels(client) -> list[str]:
    html = client.get("/").content.decode()
    nav = html.split('id="mainnav"')[1].split('class="navbar-nav"')[0]
    return re.findall(r'class="nav-link[^"]*" href="[^"]+"[^>]*>([^<]+)</a>', nav)


def test_officer_navigation(client, officer):
    client.force_login(officer)
    assert nav_labels(client) == [
        "Rounds",
        "Enterprises",
        "Results",
        "To review",
        "Trainers",
        "Organisations",
        "Countries",
        "KPI catalogue",
        "Figures",
        "People",
        "Newsletter",
        "Newsletter archive",
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
    assert nav_labels(client) == ["Newsletter", "News", "Events", "Expert comments", "Newsletter archive"]


def test_current_page_is_marked(client, officer):
    client.force_login(officer)
    html = client.get("/rounds/").content.decode()
    assert 'class="nav-link active" href="/rounds/" aria-current="page"' in html


def test_only_the_most_specific_link_is_marked(client, make_partner):
    client.force_login(make_partner(OrganisationFactory()))
    html = client.get("/results/import/").content.decode()
    assert html.count('class="nav-link active"') == 1
    assert 'class="nav-link active" href="/results/import/"' in html
