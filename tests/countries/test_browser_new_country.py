"""Issue 22, done when: a global officer starts a Spanish-speaking country programme through the pages alone, and
its own officer, invited by e-mail, creates a round there and sees nothing of China."""

import re

import pytest
from playwright.sync_api import expect

from programmes.models import Country, TrainingRound
from tests.conftest import browser_login, give_countries, screenshot
from tests.factories import TrainingRoundFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _choose(page, field: str, text: str) -> None:
    """Pick ``text`` in a many-choice box (tom-select): open it, type, take the option."""
    page.locator(f"#{field}-ts-control").click()
    page.locator(f"#{field}-ts-control").fill(text)
    page.locator(".ts-dropdown:visible .option", has_text=text).first.click()
    page.keyboard.press("Escape")


def test_a_global_officer_starts_colombia_and_its_officer_creates_a_round_there(page, officer, smtp_inbox):
    TrainingRoundFactory(city="Ningbo", province="Zhejiang")  # China's, which Colombia's officer never sees
    give_countries(officer, everywhere=True)
    browser_login(page, officer.username)

    # the country programme, with Spanish as its content language, its zone and its money
    page.get_by_role("button", name="Programme setup").click()
    page.get_by_role("link", name="Countries", exact=True).click()
    page.get_by_role("link", name="New country programme").click()
    page.locator("#id_code").fill("co")
    page.locator("#id_name").fill("Colombia")
    page.locator("#id_time_zone").select_option("America/Bogota")
    page.locator("#id_currency").select_option("COP")
    page.locator("#id_languages").fill("es, en")
    page.locator("#id_office_name").fill("OIT Oficina de País para los Países Andinos")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Country programme Colombia saved.")).to_be_visible()
    colombia = Country.objects.get(code="CO")
    assert (colombia.time_zone, colombia.currency, colombia.languages) == ("America/Bogota", "COP", ["es", "en"])

    # its regions
    for name, kind in (("Antioquia", "region"), ("Bogotá D.C.", "district")):
        page.get_by_text("Add a region").click()
        page.locator("#id_name").fill(name)
        page.locator("#id_kind").select_option(kind)
        page.get_by_role("button", name="Add region").click()
        expect(page.get_by_text(f"Region {name} added.")).to_be_visible()
    screenshot(page, "countries-colombia")

    # an implementing partner working there
    page.goto("/organisations/new/")
    page.locator("#id_name").fill("Servicio Nacional de Aprendizaje")
    page.locator("#id_short_name").fill("SENA")
    page.locator("#id_kind").select_option("implementing")
    _choose(page, "id_countries", "Colombia")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("SENA", exact=True).first).to_be_visible()

    # its officer, invited from the people pages with Colombia as their country
    page.goto("/people/invite/")
    page.locator("#id_email").fill("lucia.gomez@oit.example")
    page.locator("#id_first_name").fill("Lucía")
    page.locator("#id_last_name").fill("Gómez")
    page.locator("#id_role").select_option(label="Project officer")
    _choose(page, "id_countries", "Colombia")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_text("Invitation sent to lucia.gomez@oit.example.")).to_be_visible()
    (message,) = smtp_inbox.wait_for(1)
    link = re.search(r"https?://\S+/accounts/welcome/\S+/", message.get_content()).group(0)

    # who sets a password and creates a round in Medellín, with no country to choose: Colombia is theirs
    page.context.clear_cookies()
    page.goto(link)
    page.locator("#id_new_password1").fill("Medellin-Antioquia-2026")
    page.locator("#id_new_password2").fill("Medellin-Antioquia-2026")
    page.get_by_role("button", name="Set my password").click()
    page.goto("/rounds/new/")
    assert page.locator("#id_country").get_attribute("type") == "hidden"
    page.locator("#id_module").select_option(label="M1 Workplace Cooperation")
    page.locator("#id_kind").select_option(value="toe")
    page.locator("#id_organiser").select_option(label="SENA")
    province = page.locator("#id_province")
    if province.evaluate("e => e.tagName") == "SELECT":
        province.select_option(label="Antioquia")
    else:
        province.fill("Antioquia")
    page.locator("#id_city").fill("Medellín")
    page.locator("#id_start").fill("2027-02-01")
    page.locator("#id_end").fill("2027-03-31")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/rounds/\d+/$"))
    created = TrainingRound.objects.get(city="Medellín")
    assert created.country == colombia and created.organiser.short_name == "SENA"
    screenshot(page, "countries-colombia-first-round")

    # and the rounds list is Colombia's only
    page.get_by_role("link", name="Rounds", exact=True).click()
    expect(page.get_by_role("link", name=re.compile("Medellín"))).to_be_visible()
    assert page.get_by_text("Ningbo").count() == 0
