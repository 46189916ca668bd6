"""Password reset: the limit counts per account whatever spelling is typed, the mail leaves in a task (never in
the request), and the reset page takes only a reset link of an active account (docs/lockouts.md)."""

import itertools
import re
import time
import uuid

import pytest
import redis
from django.contrib.auth.models import User

from people import services
from people.models import PersonChange
from score_portal.celery import app as celery_app
from tests.conftest import _reset_connections, redis_queue_forget

pytestmark = pytest.mark.django_db

RESET_LINK = re.compile(r"https?://\S+/accounts/reset/\S+/")


def _ask(client, email: str):
    return client.post("/accounts/password_reset/", {"email": email})


def test_spellings_that_case_fold_to_one_account_share_its_three_emails(
    client, smtp_inbox, django_capture_on_commit_callbacks
):
    # given sass's account; "ſ" (long s) folds to "s", and PostgreSQL's UPPER and Django's comparison agree
    User.objects.create_user(username="sass", password="pw", email="sass@example.org")
    spellings = [
        "".join(p) + "@example.org" for p in itertools.product(*(["s", "ſ"] if c == "s" else [c] for c in "sass"))
    ]
    assert len(spellings) == 8
    # when each spelling asks for a reset three times
    with django_capture_on_commit_callbacks(execute=True):
        answers = [_ask(client, email) for email in spellings for _ in range(3)]
    # then the one mailbox gets three e-mails in all, and every answer is the same
    smtp_inbox.wait_for(3)
    time.sleep(0.5)  # (a fourth would have arrived by now)
    assert [m["To"] for m in smtp_inbox.messages] == ["sass@example.org"] * 3
    assert {(a.status_code, a["Location"]) for a in answers} == {(302, "/accounts/password_reset/done/")}


@pytest.mark.django_db(transaction=True)
def test_the_request_only_queues_the_mail_the_same_way_with_or_without_an_account(client, smtp_inbox, redis_broker_url):
    from celery.contrib.testing.worker import start_worker

    User.objects.create_user(username="amy", password="pw", email="amy@example.org")
    queue = f"test-{uuid.uuid4().hex}"
    conf = celery_app.conf
    saved = {k: conf.get(k) for k in ("broker_url", "task_always_eager", "task_default_queue")}
    conf.update(broker_url=redis_broker_url, task_always_eager=False, task_default_queue=queue)
    _reset_connections()
    broker = redis.Redis.from_url(redis_broker_url)
    try:
        # when a reset is asked for an address with an account and for one without, with a broker and no worker
        assert _ask(client, "amy@example.org")["Location"] == "/accounts/password_reset/done/"
        assert broker.llen(queue) == 1
        assert _ask(client, "nobody@example.org")["Location"] == "/accounts/password_reset/done/"
        # then each request queued one task and sent nothing itself
        assert broker.llen(queue) == 2
        time.sleep(0.3)
        assert smtp_inbox.messages == []
        # and a worker sends amy's e-mail, and nothing for the other
        with start_worker(celery_app, queues=[queue], perform_ping_check=False, shutdown_timeout=10):
            [message] = smtp_inbox.wait_for(1)
            time.sleep(0.5)
        assert message["To"] == "amy@example.org" and len(smtp_inbox.messages) == 1
        assert RESET_LINK.search(message.get_body().get_content())
    finally:
        conf.update(saved)
        _reset_connections()
        redis_queue_forget(redis_broker_url, queue)


def _invitation_path(person: User) -> tuple[str, str]:
    link = services.invitation_link(person=person, base_url="http://testserver")
    uid, token = link.rstrip("/").split("/")[-2:]
    return uid, token


@pytest.mark.parametrize("active", [True, False])
def test_an_invitation_link_does_not_work_at_the_reset_page(client, officer, active):
    # given an invitee (deactivated, or not) with their invitation link
    person = User.objects.create_user(username="li@example.org", email="li@example.org", is_active=active)
    person.set_unusable_password()
    person.save()
    uid, token = _invitation_path(person)
    # when the link is used at the password-reset page instead of the welcome page
    page = client.get(f"/accounts/reset/{uid}/{token}/", follow=True)
    client.post(
        page.redirect_chain[-1][0] if page.redirect_chain else f"/accounts/reset/{uid}/{token}/",
        {"new_password1": "Tea-garden-2026", "new_password2": "Tea-garden-2026"},
    )
    # then it sets nothing
    assert "This link no longer works" in page.content.decode()
    assert not User.objects.get(pk=person.pk).has_usable_password()


def test_a_reset_from_the_email_is_recorded_in_the_persons_history(
    client, smtp_inbox, django_capture_on_commit_callbacks
):
    amy = User.objects.create_user(username="amy", password="pw", email="amy@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        _ask(client, "amy@example.org")
    [message] = smtp_inbox.wait_for(1)
    link = RESET_LINK.search(message.get_body().get_content()).group(0)
    page = client.get(link, follow=True)
    assert "Choose a new password" in page.content.decode()
    client.post(page.redirect_chain[-1][0], {"new_password1": "Tea-garden-2026", "new_password2": "Tea-garden-2026"})
    amy.refresh_from_db()
    assert amy.check_password("Tea-garden-2026")
    assert PersonChange.objects.get(person=amy).action == PersonChange.Action.PASSWORD_RESET
