"""A task through Celery: eagerly in-process, and through a real worker on the real Redis broker."""

import pytest
from django.core import mail
from django.db import transaction

from core.mail import email_notify
from core.tasks import email_send
from score_portal.celery import app as celery_app
from tests.conftest import wait_for


@pytest.mark.django_db
def test_task_runs_eagerly_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        email_notify(subject="Result submitted", body="Teho Metal M1", recipients=["officer@example.org", ""])
    assert [(m.subject, m.to) for m in mail.outbox] == [("Result submitted", ["officer@example.org"])]


@pytest.mark.services
def test_task_runs_through_a_real_worker_on_redis(celery_worker):
    assert celery_app.conf.task_always_eager is False  # the message really goes through Redis
    with transaction.atomic():
        email_send.delay(subject="Issue ready", body="Issue No. 5", recipients=["editor@example.org"])
    wait_for(lambda: mail.outbox)
    assert [(m.subject, m.to) for m in mail.outbox] == [("Issue ready", ["editor@example.org"])]
