"""Rendering through real Celery workers on the real Redis broker, including one killed mid-render."""

import datetime as dt
import io
import os
import signal
import subprocess
import sys
import time
import uuid

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import OperationalError, connection, transaction
from PIL import Image

from newsletters import services
from newsletters.models import Issue
from tests.conftest import _reset_connections, redis_queue_forget, wait_for

from .conftest import stored_pdf_text

# Committed data: a worker reads it through its own connection. (tests/conftest.py puts the data migrations'
# rows back after each such test.)
pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_render_pdf_runs_end_to_end_through_a_real_worker(celery_worker, make_issue):
    # given
    issue = make_issue()
    # when the editor asks for the PDF (the task is sent when the transaction commits)
    services.issue_render_request(issue=issue)
    # then a worker thread takes it from Redis and renders it
    issue = wait_for(lambda: Issue.objects.filter(pk=issue.pk, status=Issue.Status.READY).first(), timeout=60)
    assert "Teho Metal" in stored_pdf_text(issue)
    assert issue.render_attempts == 1 and issue.error == ""


def _noise_jpeg(seed: int) -> bytes:
    """A 12-megapixel photo that takes a moment to scale (noise does not compress)."""
    image = Image.effect_noise((4000, 3000), 60 + seed).convert("RGB")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


def _row_locked(issue_id: int) -> bool:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT id FROM newsletters_issue WHERE id = %s FOR UPDATE NOWAIT", [issue_id])
        return False
    except OperationalError:
        return True


def test_a_worker_killed_mid_render_leaves_a_stale_state_that_can_be_retried(
    redis_broker_url, make_issue, django_capture_on_commit_callbacks
):
    # given an issue with several big photos, so that rendering takes a few seconds
    issue = make_issue()
    pair = issue.items.get(section__kind="results").result.photo_pairs.get()
    for side, seed in ((pair.before, 1), (pair.after, 2)):
        side.image.save(f"big-{seed}.jpg", ContentFile(_noise_jpeg(seed)), save=True)
    queue = f"test-killed-{uuid.uuid4().hex}"
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{connection.settings_dict['NAME']}",
        "CELERY_BROKER_URL": redis_broker_url,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
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
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    from score_portal.celery import app

    saved_broker = app.conf.broker_url
    app.conf.broker_url = redis_broker_url
    _reset_connections()
    try:
        # when the render is requested and the worker is killed while it holds the issue
        from newsletters.tasks import issue_render

        # (the state issue_render_request saves; the task goes to this worker's own queue)
        Issue.objects.filter(pk=issue.pk).update(
            status=Issue.Status.RENDERING, render_attempts=1, render_started_at=dt.datetime.now(dt.UTC)
        )
        app.conf.task_always_eager = False
        issue_render.apply_async(args=[issue.pk], queue=queue)
        wait_for(lambda: _row_locked(issue.pk), timeout=60, interval=0.02)
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        app.conf.broker_url = saved_broker
        _reset_connections()
        if worker.poll() is None:
            worker.kill()
        redis_queue_forget(redis_broker_url, queue)  # the killed worker's message would otherwise stay unacked
    # then the issue is left 'rendering' without a PDF
    time.sleep(0.2)
    issue.refresh_from_db()
    assert issue.status == Issue.Status.RENDERING and not issue.pdf
    assert not issue.render_is_stale  # not yet: a worker might still be at it
    # ... until the hard time limit has passed
    Issue.objects.filter(pk=issue.pk).update(render_started_at=issue.render_started_at - dt.timedelta(hours=1))
    issue.refresh_from_db()
    assert issue.render_is_stale
    # and the editor's retry renders it (eagerly here)
    app.conf.task_always_eager = True
    with django_capture_on_commit_callbacks(execute=True):
        services.issue_render_request(issue=issue)
    issue.refresh_from_db()
    assert issue.status == Issue.Status.READY and issue.render_attempts == 2
    assert "Teho Metal" in stored_pdf_text(issue)
