"""A real Celery worker, in its own process, killed with os.killpg in the middle of a sending: resumed, the
sending reaches everyone, and nobody twice."""

import asyncio
import os
import signal
import socket
import subprocess
import sys
import threading
import uuid

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings as conf
from django.db import OperationalError, connection, transaction

from newsletters.mailing import services
from newsletters.mailing.models import Delivery, Mailing
from tests.conftest import SMTPInbox, _reset_connections, redis_queue_forget, wait_for, worker_database_url

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

STALL_AT = 15  # the message the SMTP server holds while the worker is killed (it never accepts it)


class StallingInbox(SMTPInbox):
    def __init__(self):
        super().__init__()
        self.data_commands = 0
        self.stalled = threading.Event()
        self.release = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        self.data_commands += 1
        if self.data_commands == STALL_AT:
            self.stalled.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
            return "451 4.3.0 Try again later"
        return await super().handle_DATA(server, session, envelope)


def _locked_deliveries() -> bool:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT id FROM mailing_delivery FOR UPDATE NOWAIT")
        return False
    except OperationalError:
        return True


@pytest.mark.postgresql
@pytest.mark.other_processes
def test_a_worker_killed_mid_send_resumes_without_duplicates_or_gaps(
    redis_broker_url, published_issue, make_subscriber, settings
):
    # given an edition with 40 subscribers, and an SMTP server that holds the 15th message
    issue = published_issue()
    for n in range(40):
        make_subscriber(f"reader{n:02}@example.com")
    inbox = StallingInbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    smtp = Controller(inbox, hostname="127.0.0.1", port=port)
    smtp.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.MAILING_RATE = 0
    queue = f"test-mailing-{uuid.uuid4().hex}"
    env = {
        **os.environ,
        "DATABASE_URL": worker_database_url(),
        "CELERY_BROKER_URL": redis_broker_url,
        "EMAIL_URL": f"smtp://127.0.0.1:{port}",
        "PORTAL_URL": "https://score.example.org",
        "MAILING_RATE": "100",
        "MEDIA_ROOT": str(conf.MEDIA_ROOT),
        "DEBUG": "1",
    }
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "score_portal",
            "worker",
            "-P",
            "solo",
            "-Q",
            queue,
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=WARNING",
        ],
        cwd=conf.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group, for os.killpg
    )
    from score_portal.celery import app

    saved_broker = app.conf.broker_url
    app.conf.broker_url = redis_broker_url
    _reset_connections()
    try:
        # when the sending starts in that worker, and the worker is killed while the 15th message is in flight
        mailing = services.mailing_start(issue=issue, enqueue=False)
        from newsletters.mailing.tasks import mailing_send

        app.conf.task_always_eager = False
        mailing_send.apply_async(args=[mailing.pk], queue=queue)
        assert inbox.stalled.wait(timeout=90), "the worker never reached the 15th message"
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        inbox.release.set()
        app.conf.broker_url = saved_broker
        app.conf.task_always_eager = True
        _reset_connections()
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
        redis_queue_forget(redis_broker_url, queue)
    try:
        # then 14 were received and recorded sent; the 15th, never accepted, is still pending (its lock is gone)
        wait_for(lambda: not _locked_deliveries(), timeout=20)
        assert len(inbox.messages) == STALL_AT - 1
        assert Delivery.objects.filter(status=Delivery.Status.SENT).count() == STALL_AT - 1
        assert Delivery.objects.filter(status=Delivery.Status.PENDING).count() == 40 - (STALL_AT - 1)
        # and the editor's "Resume sending" (here eagerly) sends the rest: everyone once
        services.mailing_resume(issue=issue)
        wait_for(lambda: len(inbox.messages) >= 40, timeout=60)
        recipients = [str(m["To"]) for m in inbox.messages]
        assert len(recipients) == 40 == len(set(recipients))
        assert Mailing.objects.get().status == Mailing.Status.DONE
    finally:
        smtp.stop()
