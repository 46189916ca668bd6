"""A reader subscribes from the archive in a real browser, on a phone; the form passes axe and the CSP."""

import pytest

from newsletters.mailing.models import Subscriber
from tests.conftest import screenshot
from tests.foundation.test_every_page import CSP_LISTENER, axe_source, check_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_reader_subscribes_from_the_archive_on_a_phone(browser, live_server, smtp_inbox, settings):
    settings.PORTAL_URL = live_server.url
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    page.console_csp = []
    page.on("console", lambda m: page.console_csp.append(m.text) if "Content Security Policy" in m.text else None)
    try:
        # the archive with the form fits the phone, passes axe and keeps to the CSP
        assert check_page(page, "/newsletter/cn/", axe_source(), sideways=True) == []
        assert page.console_csp == []
        # when a reader fills in the form with a throw-away address, the message is next to the field
        page.get_by_label("Your e-mail address").fill("reader@mailinator.com")
        page.get_by_label("English and Simplified Chinese").check()
        page.get_by_label("I agree to receive the SCORE China e-newsletter").check()
        page.get_by_role("button", name="Subscribe").click()
        page.get_by_text("Addresses at mailinator.com are throw-away mailboxes").wait_for()
        # and with a real one, the page says a link is on its way and the link confirms
        page.get_by_label("Your e-mail address").fill("reader@example.com")
        page.get_by_label("I agree to receive the SCORE China e-newsletter").check()
        page.get_by_role("button", name="Subscribe").click()
        page.get_by_test_id("subscribe-sent").wait_for()
        screenshot(page, "mailing-01-subscribed")
        [message] = smtp_inbox.wait_for(1)
        link = next(w for w in message.get_body(("plain",)).get_content().split() if "/confirm/" in w)
        page.goto(link)
        page.get_by_role("button", name="Confirm my subscription").click()
        page.get_by_text("reader@example.com will receive the newsletter").wait_for()
        subscriber = Subscriber.objects.get()
        assert subscriber.status == Subscriber.Status.CONFIRMED and subscriber.language == "both"
    finally:
        context.close()
