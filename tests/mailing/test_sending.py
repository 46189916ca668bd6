"""Sending an edition to its subscribers through a real SMTP server: once each, in batches, paused and resumed,
with RFC 8058 headers, bounces that stop it, and the operators' command."""

import base64
import json
import threading

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client

from newsletters.mailing import services
from newsletters.mailing.models import Delivery, Mailing, Subscriber

from .conftest import path_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def audience(make_subscriber):
    """Who is on the list: three readers of the English edition, and four who must not receive it."""
    make_subscriber("en1@example.com", language="en")
    make_subscriber("en2@example.com", language="en")
    make_subscriber("both@example.com", language="both")
    make_subscriber("zh@example.com", language="zh-hans")
    make_subscriber("pending@example.com", language="en", status=Subscriber.Status.PENDING)
    make_subscriber("left@example.com", language="en", status=Subscriber.Status.UNSUBSCRIBED)
    make_subscriber("bounced@example.com", language="en", status=Subscriber.Status.BOUNCED)
    return {"en1@example.com", "en2@example.com", "both@example.com"}


def _recipients(inbox) -> list[str]:
    return sorted(str(m["To"]) for m in inbox.messages)


def test_send_to_subscribers_reaches_each_reader_of_its_language_once(
    client, editor, published_issue, audience, smtp_inbox, settings, django_capture_on_commit_callbacks
):
    settings.MAILING_RATE = 0
    issue = published_issue()
    client.force_login(editor)
    page = client.get(issue.get_absolute_url()).content.decode()
    assert "Send to 3 subscribers" in page
    # when the editor sends the published edition
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/newsletters/issues/{issue.pk}/email/send/", {"confirm": "yes"})
    smtp_inbox.wait_for(3)
    # then the confirmed readers of English (and of both) get it, nobody else
    assert _recipients(smtp_inbox) == sorted(audience)
    message = smtp_inbox.messages[0]
    unsubscribe = str(message["List-Unsubscribe"]).strip()  # (a long header is folded onto its next line)
    assert unsubscribe.startswith("<https://score.example.org/newsletter/subscription/") and unsubscribe.endswith(
        "/unsubscribe/>"
    )
    assert str(message["List-Unsubscribe-Post"]).strip() == "List-Unsubscribe=One-Click"
    assert str(message["Message-ID"]).strip().startswith(f"<newsletter-{issue.pk}-")
    text = message.get_body(("plain",)).get_content()
    assert unsubscribe.strip("<>") in text and "/newsletter/subscription/" in text
    # and the page shows the progress
    page = client.get(issue.get_absolute_url()).content.decode()
    assert "3 sent, 0 failed, 0 left" in page and "Sent" in page
    # and sending again sends nobody a second copy
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/newsletters/issues/{issue.pk}/email/send/", {"confirm": "yes"})
    assert len(smtp_inbox.messages) == 3 and Delivery.objects.count() == 3
    # and the one-click POST of the header's address, as a mail client makes it, unsubscribes
    reader = str(message["To"])
    Client(enforce_csrf_checks=True).post(
        path_of(unsubscribe.strip("<>")), "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert Subscriber.objects.get(email=reader).status == Subscriber.Status.UNSUBSCRIBED


def test_a_draft_cannot_be_sent_and_others_cannot_send(client, editor, nobody, make_issue):
    issue = make_issue()
    client.force_login(nobody)
    assert client.post(f"/newsletters/issues/{issue.pk}/email/send/").status_code == 404
    client.force_login(editor)
    page = client.post(f"/newsletters/issues/{issue.pk}/email/send/", follow=True).content.decode()
    assert "Publish the edition before sending it to subscribers." in page
    assert not Mailing.objects.exists()


def test_pause_stops_and_resume_sends_only_those_left(client, editor, published_issue, make_subscriber, smtp_inbox):
    issue = published_issue()
    for n in range(30):
        make_subscriber(f"reader{n:02}@example.com")
    mailing = services.mailing_start(issue=issue, enqueue=False)
    # a first batch of 25
    assert services.mailing_send(mailing_id=mailing.pk, max_messages=25, rate=0) is True
    services.mailing_pause(issue=issue)
    # a paused mailing sends nothing
    assert services.mailing_send(mailing_id=mailing.pk, rate=0) is False
    client.force_login(editor)
    page = client.get(issue.get_absolute_url()).content.decode()
    assert "Paused" in page and "25 sent, 0 failed, 5 left" in page and "Resume sending" in page
    smtp_inbox.wait_for(25)
    # resumed, the other five get it
    services.mailing_resume(issue=issue)
    services.mailing_send(mailing_id=mailing.pk, rate=0)
    smtp_inbox.wait_for(30)
    assert len(set(_recipients(smtp_inbox))) == 30 == len(smtp_inbox.messages)
    assert Mailing.objects.get().status == Mailing.Status.DONE


def test_someone_who_unsubscribes_during_the_sending_is_not_sent_it(published_issue, make_subscriber, smtp_inbox):
    issue = published_issue()
    make_subscriber("stays@example.com")
    leaves = make_subscriber("leaves@example.com")
    mailing = services.mailing_start(issue=issue, enqueue=False)
    services.subscriber_unsubscribe(subscriber=leaves)
    services.mailing_send(mailing_id=mailing.pk, rate=0)
    smtp_inbox.wait_for(1)
    assert _recipients(smtp_inbox) == ["stays@example.com"]
    assert Delivery.objects.get(subscriber=leaves).status == Delivery.Status.SKIPPED


def test_the_rate_is_kept(published_issue, make_subscriber, smtp_inbox):
    import time

    issue = published_issue()
    for n in range(6):
        make_subscriber(f"reader{n}@example.com")
    mailing = services.mailing_start(issue=issue, enqueue=False)
    began = time.monotonic()
    services.mailing_send(mailing_id=mailing.pk, rate=10)
    assert time.monotonic() - began >= 0.55  # six messages at ten a second
    assert len(smtp_inbox.wait_for(6)) == 6


def test_the_command_sends_synchronously_and_twice_sends_nobody_a_second_copy(published_issue, audience, smtp_inbox):
    published_issue()
    call_command("send_newsletter", "7", "--rate", "0")
    smtp_inbox.wait_for(3)
    call_command("send_newsletter", "7", "--rate", "0")
    assert _recipients(smtp_inbox) == sorted(audience)


POSTMARK_BOUNCE = {
    "RecordType": "Bounce",
    "Type": "HardBounce",
    "TypeCode": 1,
    "ID": 42,
    "MessageID": "00000000-0000-0000-0000-000000000000",
    "Email": "en1@example.com",
    "Description": "The server was unable to deliver your message (ex: unknown user, mailbox not found).",
    "BouncedAt": "2026-12-02T01:00:00Z",
    "Inactive": True,
    "CanActivate": True,
}


def _webhook(client, payload, secret: str):
    auth = base64.b64encode(secret.encode()).decode()
    return client.post(
        "/newsletter/webhooks/postmark/",
        json.dumps(payload),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Basic {auth}",
    )


def test_a_hard_bounce_or_a_complaint_stops_sending_to_the_address(
    client, settings, published_issue, audience, smtp_inbox
):
    published_issue()
    settings.ANYMAIL = {"WEBHOOK_SECRET": "postmark:s3cret"}
    # a forged report changes nothing
    assert _webhook(Client(raise_request_exception=False), POSTMARK_BOUNCE, "postmark:guess").status_code == 400
    assert Subscriber.objects.get(email="en1@example.com").status == Subscriber.Status.CONFIRMED
    # the provider's report of a hard bounce, and of a complaint, stop the addresses
    assert _webhook(client, POSTMARK_BOUNCE, "postmark:s3cret").status_code == 200
    complaint = {**POSTMARK_BOUNCE, "RecordType": "SpamComplaint", "Type": "SpamComplaint", "Email": "en2@example.com"}
    assert _webhook(client, complaint, "postmark:s3cret").status_code == 200
    assert Subscriber.objects.get(email="en1@example.com").status == Subscriber.Status.BOUNCED
    assert Subscriber.objects.get(email="en2@example.com").status == Subscriber.Status.COMPLAINED
    # a soft bounce does not
    soft = {**POSTMARK_BOUNCE, "Type": "SoftBounce", "TypeCode": 4096, "Email": "both@example.com"}
    _webhook(client, soft, "postmark:s3cret")
    assert Subscriber.objects.get(email="both@example.com").status == Subscriber.Status.CONFIRMED
    # and the next sending leaves the stopped addresses out
    call_command("send_newsletter", "7", "--rate", "0")
    smtp_inbox.wait_for(1)
    assert _recipients(smtp_inbox) == ["both@example.com"]


def test_without_a_webhook_secret_there_is_no_webhook(client, settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": ""}
    assert _webhook(client, POSTMARK_BOUNCE, "x:y").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_two_senders_at_once_on_postgresql_send_each_message_once(published_issue, make_subscriber, smtp_inbox):
    # given an edition with 60 subscribers
    issue = published_issue()
    for n in range(60):
        make_subscriber(f"reader{n:02}@example.com")
    mailing = services.mailing_start(issue=issue, enqueue=False)
    # when two senders (two threads, two database connections) work on it at the same time
    errors = []

    def sender():
        try:
            services.mailing_send(mailing_id=mailing.pk, rate=0)
        except Exception as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    # then each subscriber received it exactly once
    assert not errors
    smtp_inbox.wait_for(60)
    assert len(smtp_inbox.messages) == 60 == len(set(_recipients(smtp_inbox)))
    assert Delivery.objects.filter(status=Delivery.Status.SENT).count() == 60


@pytest.mark.parametrize(
    "body",
    ["{not json", "[1, 2]", '"a string"', "null", '{"RecordType": 5}', "\ud800"],
)
def test_a_malformed_body_with_valid_credentials_is_a_bad_request_not_an_error(settings, body):
    settings.ANYMAIL = {"WEBHOOK_SECRET": "postmark:s3cret"}
    client = Client(raise_request_exception=False)
    auth = base64.b64encode(b"postmark:s3cret").decode()
    response = client.post(
        "/newsletter/webhooks/postmark/",
        body.encode("utf-8", "surrogatepass"),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Basic {auth}",
    )
    assert response.status_code == 400
