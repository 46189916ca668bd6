"""The shell's widgets in a real browser: Tom Select (search and multi-select, by touch on a phone), the
language menu, and the result form as valid HTML (the Nu checker, vnu-jar from npm)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import expect

from programmes.models import TrainingRound
from tests.conftest import browser_login, screenshot
from tests.factories import (
    EnterpriseFactory,
    OrganisationFactory,
    ParticipationFactory,
    ResultFactory,
    TrainingRoundFactory,
    bring_in,
    module,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def test_an_officer_picks_co_organisers_by_touch_on_a_phone(phone, officer):
    cec = OrganisationFactory(short_name="CEC", name="China Enterprise Confederation")
    OrganisationFactory(short_name="SAWS", name="Work Safety Administration")
    OrganisationFactory(short_name="BSCI", name="Business Social Compliance Initiative")
    browser_login(phone, officer.username)
    phone.goto("/rounds/new/")
    phone.locator("#id_module").select_option(label="M1 Workplace Cooperation")
    phone.locator("#id_kind").select_option(value="toe")
    phone.locator("#id_organiser").select_option(value=str(cec.pk))
    # the co-organisers box: a tap opens the list, each tap on an option adds it as a chip
    box = phone.locator(".ts-wrapper.multi")
    box.locator(".ts-control").tap()
    dropdown = phone.locator(".ts-dropdown:visible")
    dropdown.locator(".option", has_text="SAWS").tap()
    dropdown.locator(".option", has_text="BSCI").tap()
    expect(box.locator(".item")).to_have_count(2)
    screenshot(phone, "shell-co-organisers-phone")
    # and a tap on a chip's × removes it
    box.locator(".item", has_text="BSCI").locator(".remove").tap()
    expect(box.locator(".item")).to_have_count(1)
    phone.locator("#id_province").fill("Sichuan")
    phone.locator("#id_city").fill("Deyang")
    phone.locator("#id_start").fill("2015-03-02")
    phone.locator("#id_end").fill("2015-05-29")
    phone.get_by_role("button", name="Save").tap()
    phone.wait_for_url(re.compile(r"/rounds/\d+/$"))
    created = TrainingRound.objects.get(city="Deyang")
    assert [o.short_name for o in created.co_organisers.all()] == ["SAWS"]


def test_a_partner_finds_an_enterprise_beyond_the_first_options_by_typing(page, make_partner):
    cec = OrganisationFactory(short_name="CEC")
    partner = make_partner(cec)
    for n in range(55):
        bring_in(EnterpriseFactory(name=f"Alpha Works {n:02d}", city="Taixing"), cec)
    late = EnterpriseFactory(name="Zhenjiang Zipper Works", city="Zhenjiang")
    bring_in(late, cec)
    EnterpriseFactory(name="Zhenjiang Other Partner's Factory", city="Zhenjiang")  # not CEC's
    browser_login(page, partner.username)
    page.goto("/results/new/")
    # the page carries the first 50 enterprises only; typing asks the server
    assert page.locator("#id_enterprise option", has_text="Zhenjiang").count() == 0
    page.locator("#id_enterprise-ts-control").fill("Zhenj")
    options = page.locator(".ts-dropdown .option")
    expect(options).to_have_count(1)  # the server's search, scoped to the partner's enterprises
    expect(options.first).to_have_text("Zhenjiang Zipper Works, Zhenjiang")
    options.first.click()
    assert page.locator("#id_enterprise").input_value() == str(late.pk)


def test_the_language_changes_only_when_the_person_confirms(page, officer):
    browser_login(page, officer.username)
    page.goto("/rounds/")
    # moving through the menu with the keyboard changes nothing yet
    page.locator("#lang-select").focus()
    page.keyboard.press("ArrowDown")
    page.wait_for_timeout(500)
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("#lang-select").input_value() == "zh-hans"
    # the button does, and the person stays on the page they were on
    page.get_by_role("button", name="Change language").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.url.endswith("/rounds/")
    assert page.get_by_role("heading", name="培训轮次").is_visible()


def test_the_result_form_and_key_pages_are_valid_html(page, make_partner, officer, tmp_path):
    if not VNU.exists():
        pytest.fail(f"{VNU} is missing: run `make assets` (npm ci) first")
    if not shutil.which("java"):
        pytest.fail("java is missing: scripts/system-packages.sh test installs it")
    cec = OrganisationFactory(short_name="CEC")
    partner = make_partner(cec)
    rnd = TrainingRoundFactory(organiser=cec, module=module("M1"))
    enterprise = EnterpriseFactory(name="Teho Metal", city="Taixing")
    bring_in(enterprise, cec)
    ParticipationFactory(training_round=rnd, enterprise=enterprise)
    result = ResultFactory(enterprise=enterprise, module=module("M1"), organisation=cec, training_round=rnd)
    documents = {}
    browser_login(page, partner.username)
    for path in ("/", "/results/new/", f"/results/{result.pk}/edit/", f"/rounds/{rnd.pk}/", "/no-such-page/"):
        documents[path] = page.request.get(path).text()
    # the result form as the person has it after adding KPI lines (the lines come from a <template>)
    page.goto("/results/new/")
    page.get_by_role("button", name="+ Add a KPI line").click()
    page.get_by_role("button", name="+ Add a KPI line").click()
    documents["/results/new/ with three KPI lines"] = page.content()
    files = []
    for n, (name, html) in enumerate(documents.items()):
        f = tmp_path / f"page-{n}.html"
        f.write_text(html, encoding="utf-8")
        files.append((name, f))
    out = subprocess.run(
        ["java", "-jar", str(VNU), "--format", "json", "--errors-only", *[str(f) for _, f in files]],
        capture_output=True,
        text=True,
        timeout=120,
    )
    messages = json.loads(out.stderr or out.stdout)["messages"]
    by_file = {f"file:{f}": name for name, f in files}
    errors = [f"{by_file.get(m.get('url'), m.get('url'))}:{m.get('lastLine')}: {m['message']}" for m in messages]
    assert errors == []


def test_focus_is_visible_on_the_main_button_and_the_navigation(page, officer):
    browser_login(page, officer.username)
    page.goto("/rounds/new/")
    # reaching Save with the keyboard draws a ring around it
    page.locator("#id_paid_by_ilo").focus()  # the form's last field (the round's costs come after its notes)
    page.keyboard.press("Tab")
    save = page.get_by_role("button", name="Save")
    expect(save).to_be_focused()
    ring = save.evaluate(
        "b => { const s = getComputedStyle(b); return [s.outlineStyle, s.outlineWidth, s.outlineColor]; }"
    )
    assert ring[0] == "solid" and ring[1] == "3px", ring
    # and so does a link of the (blue) navigation bar, in a colour that shows on blue
    page.goto("/")
    page.locator(".navbar-brand").focus()
    page.keyboard.press("Tab")
    link = page.locator("#mainnav .nav-link").first
    expect(link).to_be_focused()
    ring = link.evaluate("a => { const s = getComputedStyle(a); return [s.outlineStyle, s.outlineColor]; }")
    assert ring == ["solid", "rgb(255, 191, 71)"], ring
    screenshot(page, "shell-focus-nav")


def test_a_missing_page_offers_a_way_back_on_a_phone_in_chinese(phone, officer, live_server):
    browser_login(phone, officer.username)
    phone.context.add_cookies([{"name": "django_language", "value": "zh-hans", "url": live_server.url}])
    response = phone.goto("/rounds/999999/")
    assert response.status == 404
    assert phone.evaluate("() => document.scrollingElement.scrollWidth <= innerWidth")
    screenshot(phone, "shell-404-phone-zh")
    phone.get_by_role("link", name="返回“培训轮次”").tap()
    phone.wait_for_url("**/rounds/")
    assert phone.get_by_role("heading", name="培训轮次").is_visible()
