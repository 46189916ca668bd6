"""The officer portal in a real browser (Playwright driving Debian's Chromium), with screenshots to look at."""

import re

import pytest
from playwright.sync_api import expect

from programmes.models import TrainingRound
from score_portal.demo import demo_load
from tests.conftest import browser_login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def demo(settings, transactional_db):
    settings.DEBUG = True  # the demo accounts (password 'demo') are only created in development
    demo_load()
    settings.DEBUG = False


def test_officer_runs_a_round_from_creation_to_completion(page, demo):
    # given the demo officer is logged in
    browser_login(page, "officer", "demo")
    screenshot(page, "officers-01-home")

    # when they create a round
    page.get_by_role("link", name="Rounds", exact=True).click()
    page.get_by_role("link", name="New round").click()
    page.locator("#id_country").select_option(label="China")  # the global officer works for every country
    page.locator("#id_module").select_option(label="M1 Workplace Cooperation")
    page.locator("#id_kind").select_option(value="toe")
    page.locator("#id_organiser").select_option(label="CEC")
    page.locator("#id_province").fill("Jiangsu")
    page.locator("#id_city").fill("Changzhou")
    page.locator("#id_start").fill("2015-03-02")
    page.locator("#id_end").fill("2015-05-29")
    screenshot(page, "officers-02-new-round")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/rounds/*/")
    assert page.get_by_text("Training round M1 ToE Changzhou 2015-03-02 created.").is_visible()

    # and add two enterprises with their attendance, without leaving the round's page
    for name, counts in (("Teho Metal, Taixing", (1, 1, 2, 1)), ("Shengbao Vehicle, Taixing", (0, 2, 1, 1))):
        page.get_by_text("Add an enterprise").click()
        # the list is long in a real programme: the officer types part of the name and picks it
        with page.expect_response(re.compile(r"[?&]q=")):
            page.locator("#id_p-enterprise-ts-control").fill(name.split()[0])
        # and picks it from what the server answered (the list settles once the search is back)
        expect(page.locator("#div_id_p-enterprise .ts-wrapper")).not_to_have_class(re.compile(r"\bloading\b"))
        page.locator(".ts-dropdown .option", has_text=name).click()
        # the list closes on the choice, uncovering the fields under it
        expect(page.locator("#div_id_p-enterprise .ts-dropdown")).to_be_hidden()
        assert page.locator("#id_p-enterprise option:checked").inner_text() == name
        for field, value in zip(
            ("managers_women", "managers_men", "workers_women", "workers_men"), counts, strict=True
        ):
            page.locator(f"#id_p-{field}").fill(str(value))
        page.get_by_role("button", name="Add enterprise").click()
        page.wait_for_load_state()
    participations = page.locator("#participations")
    assert participations.get_by_role("link", name="Teho Metal", exact=True).is_visible()
    assert participations.get_by_role("link", name="Shengbao Vehicle", exact=True).is_visible()
    assert "9" in participations.locator("tfoot").inner_text()  # 5 + 4 participants

    # a trainer who is not qualified for the module is refused, next to the field, on the round's page
    page.get_by_text("Add a trainer").click()
    page.locator("#id_t-trainer").select_option(label="Mu Xiaojun")
    page.get_by_role("button", name="Add trainer").click()
    assert page.get_by_text("Mu Xiaojun is not qualified for M1").is_visible()
    screenshot(page, "officers-03-round-trainer-refused")

    # and a qualified one is added
    page.locator("#id_t-trainer").select_option(label="Jia Hongwei")
    page.get_by_role("button", name="Add trainer").click()
    page.wait_for_load_state()
    assert page.locator("#round-trainers").get_by_role("link", name="Jia Hongwei").is_visible()

    # then they move it through its life
    for step in ("Classroom", "Consulting"):
        page.get_by_role("button", name=f"Move to {step}").click()
        page.wait_for_load_state()
        assert page.locator("#round-status").inner_text() == step
    # completing is final: the confirmation page says so before anything changes
    page.get_by_role("link", name="Complete the round…").click()
    assert page.get_by_text("Completed is final").is_visible()
    assert TrainingRound.objects.get(city="Changzhou").status == "consulting"
    page.get_by_role("button", name="Complete the round").click()
    page.wait_for_url("**/rounds/*/")
    assert page.locator("#round-status").inner_text() == "Completed"
    screenshot(page, "officers-04-round-completed")
    assert page.get_by_role("link", name="Cancel the round…").count() == 0

    # and find it in the list's filter
    page.get_by_role("link", name="Rounds", exact=True).click()
    page.get_by_label("Status").select_option(label="Completed")
    page.get_by_label("Search").fill("Changzhou")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_load_state()
    rows = page.locator("table tbody tr")
    assert rows.count() == 1
    assert "Changzhou, Jiangsu" in rows.first.inner_text() and "2015-03-02" in rows.first.inner_text()
    assert "Completed" in rows.first.inner_text()
    screenshot(page, "officers-05-rounds-filtered")
    assert TrainingRound.objects.get(city="Changzhou").status == "completed"


PAGES = [
    ("officers-page-home", "/"),
    ("officers-page-rounds", "/rounds/"),
    ("officers-page-round-new", "/rounds/new/"),
    ("officers-page-enterprises", "/enterprises/"),
    ("officers-page-enterprise-new", "/enterprises/new/"),
    ("officers-page-trainers", "/trainers/"),
    ("officers-page-trainer-new", "/trainers/new/"),
    ("officers-page-organisations", "/organisations/"),
    ("officers-page-organisation-new", "/organisations/new/"),
    ("officers-page-password-change", "/accounts/password_change/"),
]


def test_screenshots_of_every_officer_page(page, demo):
    from enterprises.models import Enterprise
    from programmes.models import Organisation
    from trainers.models import Trainer

    taixing = TrainingRound.objects.get(city="Taixing", module__code="M2")
    details = [
        ("officers-page-round", taixing.get_absolute_url()),
        ("officers-page-round-edit", f"/rounds/{taixing.pk}/edit/"),
        ("officers-page-enterprise", Enterprise.objects.get(name="Yucheng Futong Electric").get_absolute_url()),
        ("officers-page-trainer", Trainer.objects.get(name="Jia Hongwei").get_absolute_url()),
        ("officers-page-organisation", Organisation.objects.get(short_name="TÜV Rheinland").get_absolute_url()),
    ]
    browser_login(page, "officer", "demo")
    for name, url in PAGES + details:
        response = page.goto(url)
        assert response.status == 200, url
        screenshot(page, name)
    page.set_viewport_size(PHONE)
    for name, url in [("officers-phone-home", "/"), ("officers-phone-rounds", "/rounds/"), details[0]]:
        page.goto(url)
        screenshot(page, name.replace("officers-page", "officers-phone"))
    page.get_by_role("button", name="Toggle navigation").click()
    page.get_by_role("link", name="Enterprises").wait_for()
    screenshot(page, "officers-phone-menu")


def test_password_reset_pages_in_the_browser(page, demo):
    page.goto("/accounts/login/")
    page.get_by_role("link", name="Forgotten your password?").click()
    screenshot(page, "officers-page-password-reset")
    page.get_by_label("Email").fill("officer@example.org")
    page.get_by_role("button", name="Send the link").click()
    assert page.get_by_role("heading", name="Check your e-mail").is_visible()


def test_partner_sees_rounds_read_only(page, demo):
    browser_login(page, "partner-cec", "demo")
    taixing = TrainingRound.objects.get(city="Taixing", module__code="M2")
    page.goto(taixing.get_absolute_url())
    assert page.get_by_role("heading", name="Enterprises and attendance").is_visible()
    assert page.get_by_text("Add an enterprise").count() == 0
    assert page.get_by_role("button", name="Move to Completed").count() == 0
    assert page.get_by_role("link", name="Complete the round…").count() == 0
    assert page.get_by_role("link", name="Cancel the round…").count() == 0
    screenshot(page, "officers-partner-round")
