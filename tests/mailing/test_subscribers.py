"""Readers subscribe, confirm through a real SMTP server, change their preferences and leave with one click."""

import datetime as dt
import re
import time

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from newsletters.mailing.models import Subscriber

from .conftest import links, parts, path_of

pytestmark = pytest.mark.django_db
_capture = None

FORM = {"email": "li.na@example.com", "language": "zh-hans", "consent": "on", "source": "archive"}


@pytest.fixture(autouse=True)
def _commits(django_capture_on_commit_callbacks):
    global _capture
    _capture = django_capture_on_commit_callbacks


def _subscribe(client, **changes):
    """Submit the form; the confirmation leaves when the request's transaction commits (here: at once)."""
    with _capture(execute=True):
        return client.post("/newsletter/subscribe/", {**FORM, **changes}, follow=True)


def _main(response) -> str:
    return re.search(r"<main.*</main>", response.content.decode(), re.S).group(0)


def test_the_archive_offers_the_subscribe_form(client):
    page = client.get("/newsletter/cn/").content.decode()
    assert 'action="/newsletter/subscribe/"' in page and 'name="country" value="CN"' in page
    assert "Receive the newsletter by e-mail" in page and "English and Simplified Chinese" in page


def test_double_opt_in_sends_a_confirmation_and_nothing_else_before_it(client, smtp_inbox):
    # when a reader subscribes from the archive
    response = _subscribe(client)
    # then the page says a link is on its way, and one e-mail with both parts arrives at the address
    assert "a confirmation link is on its way" in response.content.decode()
    [message] = smtp_inbox.wait_for(1)
    assert message["To"] == "li.na@example.com"
    assert message["Subject"] == "Confirm your subscription to the SCORE China e-newsletter"
    text, html = parts(message)
    [link] = links(text)
    assert link in html and "/newsletter/subscribe/confirm/" in link
    subscriber = Subscriber.objects.get()
    assert subscriber.status == Subscriber.Status.PENDING and subscriber.language == "zh-hans"
    assert "I agree to receive the SCORE China e-newsletter" in subscriber.consent_text
    assert subscriber.consent_source == Subscriber.Source.ARCHIVE and subscriber.consented_at
    # when the reader opens the link, the page asks (a link scanner's GET confirms nothing)
    page = client.get(path_of(link)).content.decode()
    assert "Confirm my subscription" in page
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.PENDING
    # and confirming subscribes them
    page = client.post(path_of(link)).content.decode()
    assert "li.na@example.com will receive the newsletter" in page
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.CONFIRMED and subscriber.confirmed_at


def test_subscribing_twice_sends_one_confirmation_and_says_the_same_either_way(client, smtp_inbox, make_subscriber):
    make_subscriber("already@example.com")
    first, second, subscribed = (
        _main(_subscribe(client, email=email))
        for email in ("li.na@example.com", "LI.NA@example.com ", "already@example.com")
    )
    # one confirmation for the new address, none for the subscribed one
    smtp_inbox.wait_for(1)
    time.sleep(0.5)
    assert [m["To"] for m in smtp_inbox.messages] == ["li.na@example.com"]
    # and a stranger reads the same page for each
    assert first == second == subscribed
    assert Subscriber.objects.get(email="already@example.com").status == Subscriber.Status.CONFIRMED


def test_an_expired_link_says_so_and_sends_a_new_one(client, smtp_inbox, settings):
    _subscribe(client)
    [message] = smtp_inbox.wait_for(1)
    [link] = links(parts(message)[0])
    # when the reader opens it eight days later
    with time_machine.travel(timezone.now() + dt.timedelta(days=8)):
        response = client.get(path_of(link))
        assert response.status_code == 410
        assert "This confirmation link has expired." in response.content.decode()
        assert client.post(path_of(link)).status_code == 410  # and it confirms nothing
        # then "Send me a new link" sends a fresh one, which works
        with _capture(execute=True):
            client.post(path_of(link) + "new-link/")
        smtp_inbox.wait_for(2)
        [fresh] = links(parts(smtp_inbox.messages[1])[0])
        assert fresh != link
        client.post(path_of(fresh))
    assert Subscriber.objects.get().status == Subscriber.Status.CONFIRMED


def test_a_tampered_link_is_refused(client, smtp_inbox):
    _subscribe(client)
    [link] = links(parts(smtp_inbox.wait_for(1)[0])[0])
    tampered = path_of(link).replace("confirm/", "confirm/x", 1)
    response = client.post(tampered)
    assert response.status_code == 404 and "This link is not valid" in response.content.decode()
    key = Subscriber.objects.get().key
    made_up = f"/newsletter/subscribe/confirm/{key}:1abcde:forged/"
    assert "This link is not valid" in client.post(made_up).content.decode()
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("not-an-address", "“not-an-address” is not a valid e-mail address."),
        ("someone@localhost", "“someone@localhost” is not a valid e-mail address."),
        ("x@mailinator.com", "Addresses at mailinator.com are throw-away mailboxes"),
        ("x@eu.yopmail.com", "Addresses at eu.yopmail.com are throw-away mailboxes"),
    ],
)
def test_bad_or_disposable_addresses_get_a_message_next_to_the_field(client, email, message):
    response = _subscribe(client, email=email)
    page = response.content.decode()
    assert response.status_code == 400
    assert f'<div class="subscribe-error" id="id_email-error">{message}' in page
    assert not Subscriber.objects.exists()


def test_consent_is_required(client):
    page = _subscribe(client, consent="").content.decode()
    assert 'id="id_consent-error">Tick the box to subscribe.' in page
    assert not Subscriber.objects.exists()


def test_the_form_refuses_a_flood_from_one_client(client, settings, smtp_inbox):
    settings.MAILING_SUBSCRIBE_LIMIT = 2
    for n in range(2):
        _subscribe(client, email=f"reader{n}@example.com")
    page = _subscribe(client, email="reader9@example.com").content.decode()
    assert "Too many subscriptions from your network" in page
    assert Subscriber.objects.count() == 2


def test_a_reader_subscribing_in_chinese_gets_the_confirmation_in_chinese(smtp_inbox):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    _subscribe(client, language="both")
    [message] = smtp_inbox.wait_for(1)
    assert message["Subject"] == "确认订阅SCORE 中国电子简报"  # the newsletter named as its Chinese masthead names it
    assert "确认" in parts(message)[0]


def test_preferences_change_the_language_and_one_click_unsubscribes_without_cookie_or_csrf(make_subscriber):
    from newsletters.mailing import emails

    subscriber = make_subscriber("reader@example.com", language="en")
    preferences = path_of(emails.preferences_url(subscriber))
    # a reader with no session changes the language from the link
    client = Client()
    page = client.get(preferences).content.decode()
    assert "reader@example.com" in page and "Subscribed" in page
    client.post(preferences, {"language": "both"})
    subscriber.refresh_from_db()
    assert subscriber.language == "both"
    # a mail client's RFC 8058 one-click POST: no cookie, no CSRF token, the signed URL only
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(
        path_of(emails.unsubscribe_url(subscriber)),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200 and "You are unsubscribed" in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED and subscriber.unsubscribed_at
    # the other pages keep their CSRF protection
    assert strict.post(preferences, {"language": "en"}).status_code == 403


def test_a_get_of_the_unsubscribe_link_asks_first_and_a_forged_one_is_refused(client, make_subscriber):
    from newsletters.mailing import emails

    subscriber = make_subscriber("reader@example.com")
    page = client.get(path_of(emails.unsubscribe_url(subscriber))).content.decode()
    assert "Stop receiving the SCORE China e-newsletter" in page
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.CONFIRMED
    assert client.post(f"/newsletter/subscription/{subscriber.key}:forged/unsubscribe/").status_code == 404
    assert client.post(f"/newsletter/subscription/{subscriber.key}/unsubscribe/").status_code == 404
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.CONFIRMED


def test_each_web_edition_offers_the_form_in_its_language(client, published_issue):
    published_issue()
    page = client.get("/newsletter/cn/7/").content.decode()
    assert 'action="/newsletter/subscribe/"' in page and 'name="issue" value="7"' in page
    assert 'value="en" id="id_language_0" required checked' in page
    assert "style=" not in page and page.index("</main>") < page.index("subscribe-box")
    # and a subscription from it records where it came from
    with _capture(execute=True):
        client.post("/newsletter/subscribe/", {**FORM, "source": "web_edition", "issue": "7"})
    subscriber = Subscriber.objects.get()
    assert subscriber.consent_source == Subscriber.Source.WEB_EDITION and subscriber.consent_note == "Issue No. 7"


def test_a_made_up_token_posted_to_new_link_gets_the_same_answer_and_no_mail(client, smtp_inbox):
    with _capture(execute=True):
        for token in ("nonsense", "abc:def:ghi", "x" * 300):
            response = client.post(f"/newsletter/subscribe/confirm/{token}/new-link/")
            assert response.status_code == 302 and response["Location"] == "/newsletter/subscribe/sent/"
    time.sleep(0.3)
    assert smtp_inbox.messages == []


@pytest.mark.parametrize(
    ("leave", "status"),
    [
        ("unsubscribe", Subscriber.Status.UNSUBSCRIBED),
        ("complain", Subscriber.Status.COMPLAINED),
        ("bounce", Subscriber.Status.BOUNCED),
    ],
)
def test_a_young_confirmation_link_never_subscribes_a_reader_who_left_since(client, smtp_inbox, leave, status):
    from newsletters.mailing import services

    # given a reader who subscribed and confirmed, then left the list (or bounced, or complained)
    _subscribe(client)
    [link] = links(parts(smtp_inbox.wait_for(1)[0])[0])
    client.post(path_of(link))
    subscriber = Subscriber.objects.get()
    if leave == "unsubscribe":
        services.subscriber_unsubscribe(subscriber=subscriber)
    else:
        event = {"complain": "complained", "bounce": "bounced"}[leave]
        services.tracking_event_record(event_type=event, recipient=subscriber.email)
    assert Subscriber.objects.get().status == status
    # when the confirmation link (two days old) is used again
    with time_machine.travel(timezone.now() + dt.timedelta(days=2)):
        assert client.get(path_of(link)).status_code == 410
        response = client.post(path_of(link))
    # then they stay out
    assert response.status_code == 410
    assert "This address has left the list since this link was sent" in response.content.decode()
    assert Subscriber.objects.get().status == status


@pytest.mark.parametrize("status", [Subscriber.Status.BOUNCED, Subscriber.Status.COMPLAINED])
def test_a_stranger_cannot_make_the_portal_mail_a_bounced_or_complained_address(
    client, smtp_inbox, make_subscriber, status
):
    make_subscriber(FORM["email"], status=status)
    response = _subscribe(client)
    assert "Check your inbox" in response.content.decode()  # the page says what it says to anyone
    time.sleep(0.3)
    assert smtp_inbox.messages == []
    assert Subscriber.objects.get().status == status


def test_one_mailbox_under_several_spellings_subscribes_once(client, smtp_inbox):
    for spelling in (
        "Li@Bücher.example",
        "li@xn--bcher-kva.example",
        "ｌｉ@ＢÜＣＨＥＲ.example",
        " li@bücher.example. ",
    ):
        _subscribe(client, email=spelling)
    assert list(Subscriber.objects.values_list("email", flat=True)) == ["li@xn--bcher-kva.example"]
    [message] = smtp_inbox.wait_for(1)
    assert message["To"] == "li@xn--bcher-kva.example"


@pytest.mark.parametrize(
    "email", ["a" * 65 + "@example.com", "li@" + "b" * 240 + ".example", "li@exa mple.com", "li@ex\u0000ample.com"]
)
def test_an_address_that_cannot_be_delivered_is_refused(client, email):
    response = _subscribe(client, email=email)
    assert response.status_code == 400 and response.context["form"].errors["email"]  # told next to the field
    assert not Subscriber.objects.exists()


def test_the_migration_merges_spellings_of_one_mailbox_and_keeps_an_opt_out(make_subscriber):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("newsletters.mailing.migrations.0003_subscriber_addresses_normalised")
    kept = make_subscriber("li@xn--bcher-kva.example")
    variant = make_subscriber("li@bücher.example", status=Subscriber.Status.UNSUBSCRIBED)
    other = make_subscriber("wang@bücher.example")
    migration.normalise(apps, None)
    kept.refresh_from_db(), variant.refresh_from_db(), other.refresh_from_db()
    assert kept.status == Subscriber.Status.UNSUBSCRIBED  # the mailbox had asked to stop: it stays stopped
    assert variant.stopped_reason.startswith("Same mailbox as li@xn--bcher-kva.example")
    assert other.email == "wang@xn--bcher-kva.example" and other.status == Subscriber.Status.CONFIRMED
