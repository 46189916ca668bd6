"""The photo form on a phone (390 x 844), in a real browser: a refused pair keeps the chosen files and says
which field needs what; a slow upload shows its progress and can be cancelled; a dropped connection is said;
the success message is shown next to the photos and focused (issue 20 §3)."""

from __future__ import annotations

import os
import re

import pytest
from playwright.sync_api import expect

from enterprises.models import PhotoPair
from tests.conftest import browser_login, screenshot

from .conftest import draft, jpeg_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def photos(tmp_path):
    before, after = tmp_path / "before.jpg", tmp_path / "after.jpg"
    before.write_bytes(jpeg_bytes((1600, 1200), "saddlebrown"))
    after.write_bytes(jpeg_bytes((1600, 1200), "seagreen"))
    return before, after


def chosen(page, label: str) -> list[str]:
    return page.get_by_label(label).evaluate("input => [...input.files].map(f => f.name)")


def inside_the_screen(locator) -> bool:
    box = locator.bounding_box()
    return (
        box is not None
        and box["x"] >= 0
        and box["x"] + box["width"] <= PHONE["width"]
        and box["y"] >= 0
        and (box["y"] < PHONE["height"])
    )


def test_a_pair_refused_keeps_its_photos_and_the_added_pairs_message_is_next_to_the_photos(phone, side_a, photos):
    before, after = photos
    result = draft(side_a)
    browser_login(phone, "partner-a")
    phone.goto(f"/results/{result.pk}/")
    phone.evaluate("() => { window.notReloaded = true; }")

    # when the partner sends the "before" photo without the "after" one
    phone.get_by_label("Before photo").set_input_files(str(before))
    phone.get_by_label(re.compile(r"^\s*Before caption\W*$")).fill("Moving oil barrels needed two workers")
    phone.get_by_label(re.compile(r"^\s*After caption\W*$")).fill("A handling cart lowered labour intensity")
    phone.get_by_role("button", name="Upload the pair").click()

    # then the page says which field needs what, next to it, and the "before" photo is still chosen
    after_field = phone.locator("#div_id_after")
    expect(after_field.locator(".upload-error")).to_have_text("This field is required.")
    expect(phone.get_by_label("After photo")).to_be_focused()
    assert "The photos you chose are kept" in phone.locator(".upload-problem").inner_text()
    assert chosen(phone, "Before photo") == ["before.jpg"]
    assert phone.evaluate("() => window.notReloaded") is True
    assert not PhotoPair.objects.exists()
    screenshot(phone, "photo-upload-1-refused-phone")

    # when the "after" photo is chosen too and the pair sent again
    phone.get_by_label("After photo").set_input_files(str(after))
    phone.get_by_role("button", name="Upload the pair").click()

    # then the pair is added and its message is in the photos' section, focused, on the screen
    message = phone.locator("#photos #messages")
    expect(message).to_contain_text("The photo pair is added.")
    expect(message).to_be_focused()
    expect(message.get_by_text("The photo pair is added.")).to_be_in_viewport(ratio=1)  # the browser's scroll done
    assert inside_the_screen(message.get_by_text("The photo pair is added."))
    assert PhotoPair.objects.filter(result=result).count() == 1
    assert phone.locator(".photo-pair img").count() == 2
    screenshot(phone, "photo-upload-2-added-phone")


def test_a_slow_upload_shows_its_progress_can_be_cancelled_and_a_dropped_connection_is_said(phone, side_a, tmp_path):
    # given two photos of 1.5 MB each, sent at 1.5 Mbit/s
    result = draft(side_a)
    browser_login(phone, "partner-a")
    phone.goto(f"/results/{result.pk}/")
    big = []
    for name in ("before.jpg", "after.jpg"):
        path = tmp_path / name
        path.write_bytes(jpeg_bytes((400, 300)) + os.urandom(1_500_000))  # a JPEG with trailing bytes
        big.append(path)
    phone.get_by_label("Before photo").set_input_files(str(big[0]))
    phone.get_by_label("After photo").set_input_files(str(big[1]))
    phone.locator("#id_caption").fill("Barrels moved by cart")
    cdp = phone.context.new_cdp_session(phone)
    cdp.send("Network.enable")
    throttled = {"offline": False, "latency": 20, "downloadThroughput": -1, "uploadThroughput": 1_500_000 / 8}
    cdp.send("Network.emulateNetworkConditions", throttled)

    # when the pair is sent, the page shows how far it has gone and what is left
    phone.get_by_role("button", name="Upload the pair").click()
    status = phone.locator(".upload-status")
    expect(status).to_have_text(re.compile(r"^\d+ % sent, \d+\.\d MB to go$"))
    assert phone.locator(".upload-progress progress").is_visible()
    assert inside_the_screen(phone.get_by_role("button", name="Cancel upload"))
    screenshot(phone, "photo-upload-3-progress-phone")

    # and cancelled, says so and keeps the photos
    phone.get_by_role("button", name="Cancel upload").click()
    expect(phone.locator(".upload-problem")).to_have_text("Upload cancelled. The photos are still chosen.")
    assert chosen(phone, "Before photo") == ["before.jpg"] and chosen(phone, "After photo") == ["after.jpg"]
    assert phone.get_by_role("button", name="Upload the pair").is_enabled()

    # when the connection drops (reset on the way), the page says so and the photos are still chosen
    phone.route("**/photos/add/", lambda route: route.abort("connectionreset"))
    phone.get_by_role("button", name="Upload the pair").click()
    expect(phone.locator(".upload-problem")).to_contain_text("The connection dropped before the photos arrived.")
    expect(phone.locator(".upload-problem")).to_be_focused()
    assert chosen(phone, "Before photo") == ["before.jpg"] and chosen(phone, "After photo") == ["after.jpg"]
    assert not PhotoPair.objects.exists()
