"""Rendering through real Celery workers on the real Redis broker, including one killed mid-render."""

import datetime as dt
import os
import signal
import subprocess
import sys
import threading
import time
import uuid

import pytest
from django.conf import settings
from django.db import OperationalError, connection, transaction

from newsletters import services
from newsletters.models import Issue
from tests.conftest import _reset_connections, redis_queue_forget, wait_for, worker_database_url

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


def _row_locked(issue_id: int) -> bool:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT id FROM newsletters_issue WHERE id = %s FOR UPDATE NOWAIT", [issue_id])
        return False
    except OperationalError:
        return True


def _worker_process(name: str, queue: str, broker_url: str, **env_extra: str) -> subprocess.Popen:
    """`celery -A score_portal worker` (prefork: a parent and its pool child) in a session and process group of
    its own, on this test's database, media and queue."""
    env = {
        **os.environ,
        "DATABASE_URL": worker_database_url(),
        "CELERY_BROKER_URL": broker_url,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "DEBUG": "1",
        "CELERY_TASK_DEFAULT_QUEUE": queue,  # what it queues (a render queued again) comes back to this test
        **env_extra,
    }
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "score_portal", "worker", "-n", name, "-P", "prefork", "-c", "1"]
        + ["-Q", queue]
        + ["--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def _wait_until_ready(app, name: str) -> None:
    wait_for(lambda: app.control.ping(destination=[name], timeout=0.5), timeout=60, interval=0.2)


def _stop(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)


def _pdfs_in_storage() -> list[str]:
    folder = settings.MEDIA_ROOT / "newsletters"
    return sorted(p.name for p in folder.glob("*.pdf")) if folder.exists() else []


@pytest.mark.postgresql
@pytest.mark.other_processes
def test_a_worker_killed_as_a_group_mid_render_is_rendered_again_without_anyone_pressing_a_button(
    redis_broker_url, make_issue, settings
):
    # given small limits (the same rule as production's 180 + 30 s, in seconds a test can wait): a render is
    # stale 27 s after it started; the worker renders slowly (4 s more, holding the issue), within its limits
    settings.CELERY_TASK_SOFT_TIME_LIMIT, settings.CELERY_TASK_TIME_LIMIT = 20, 25
    settings.NEWSLETTER_RENDER_STALE_MARGIN = 2
    stale_after = settings.CELERY_TASK_TIME_LIMIT + settings.NEWSLETTER_RENDER_STALE_MARGIN
    limits = {
        "CELERY_TASK_SOFT_TIME_LIMIT": "20",
        "CELERY_TASK_TIME_LIMIT": "25",
        "NEWSLETTER_RENDER_STALE_MARGIN": "2",
    }
    issue = make_issue()
    queue = f"test-killed-{uuid.uuid4().hex}"
    from score_portal.celery import app

    saved = {k: app.conf.get(k) for k in ("broker_url", "task_always_eager", "task_default_queue")}
    app.conf.update(broker_url=redis_broker_url, task_always_eager=False, task_default_queue=queue)
    _reset_connections()
    tag = uuid.uuid4().hex[:8]
    doomed = _worker_process(f"doomed-{tag}@test", queue, redis_broker_url, NEWSLETTER_RENDER_DELAY="4", **limits)
    rescuer = None
    try:
        _wait_until_ready(app, f"doomed-{tag}@test")
        # when the editor asks for the PDF and the whole worker (parent and pool child) is killed mid-render
        services.issue_render_request(issue=issue)  # (no transaction around it: the task is sent at once)
        first_started = Issue.objects.get(pk=issue.pk).render_started_at
        wait_for(lambda: _row_locked(issue.pk), timeout=60, interval=0.02)
        os.killpg(os.getpgid(doomed.pid), signal.SIGKILL)
        doomed.wait(timeout=10)
        killed_at = time.monotonic()
        # then it is left 'rendering', and nothing is queued again while a worker might still be at it
        wait_for(lambda: not _row_locked(issue.pk), timeout=10, interval=0.05)  # the database saw it die
        issue.refresh_from_db()
        assert issue.status == Issue.Status.RENDERING and not issue.pdf and not issue.render_is_stale
        assert services.issue_renders_recover() == []
        # ... and a second worker, sent the beat task every second (beat's every minute, compressed), picks it up
        # once stale, without anyone pressing a button
        rescuer = _worker_process(f"rescuer-{tag}@test", queue, redis_broker_url, **limits)
        from newsletters.tasks import issue_renders_recover

        def ready():
            issue_renders_recover.apply_async(queue=queue)
            return Issue.objects.filter(pk=issue.pk, status=Issue.Status.READY).first()

        issue = wait_for(ready, timeout=stale_after + 60, interval=1)
        elapsed = time.monotonic() - killed_at
    finally:
        app.conf.update(saved)
        _reset_connections()
        _stop(doomed)
        if rescuer is not None:
            _stop(rescuer)
        redis_queue_forget(redis_broker_url, queue)  # the killed worker's message would otherwise stay unacked
    # then the issue is ready with its PDF, queued again once (by the beat task), after it became stale and within
    # the goal's bound: stale after + the beat's period (1 s here, 60 s in production) + the render itself
    assert "Teho Metal" in stored_pdf_text(issue)
    assert issue.render_attempts == 2 and issue.render_recoveries == 1 and issue.error == ""
    queued_again_after = (issue.render_started_at - first_started).total_seconds()
    assert stale_after <= queued_again_after <= stale_after + 1 + 10
    assert elapsed <= stale_after + 1 + 30
    assert _pdfs_in_storage() == [issue.pdf.name.rsplit("/", 1)[-1]]


@pytest.mark.postgresql
def test_a_render_being_done_is_not_queued_again_even_when_it_looks_stale(make_issue):
    # given a render that started long ago and that a worker is still at (it holds the issue's row)
    issue = make_issue()
    Issue.objects.filter(pk=issue.pk).update(
        status=Issue.Status.RENDERING,
        render_attempts=1,
        render_started_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1),
    )
    locked, release = threading.Event(), threading.Event()

    def worker():
        with transaction.atomic():
            Issue.objects.select_for_update().get(pk=issue.pk)
            locked.set()
            release.wait(timeout=30)
        connection.close()

    thread = threading.Thread(target=worker)
    thread.start()
    try:
        locked.wait(timeout=10)
        # when beat's task runs
        recovered = services.issue_renders_recover()
    finally:
        release.set()
        thread.join()
    # then it leaves that render alone
    assert recovered == []
    issue.refresh_from_db()
    assert issue.render_attempts == 1 and issue.render_recoveries == 0


def test_a_render_queued_twice_at_once_makes_one_pdf(make_issue):
    # given an issue whose render was queued twice (beat's recovery and the broker handing the lost message out)
    issue = make_issue()
    Issue.objects.filter(pk=issue.pk).update(status=Issue.Status.RENDERING, render_started_at=dt.datetime.now(dt.UTC))
    errors = []

    def render():
        try:
            services.issue_render(issue_id=issue.pk)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    # when two workers run it at the same time
    threads = [threading.Thread(target=render) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then one rendered it and the other found the PDF current: one PDF, stored once
    assert errors == []
    issue.refresh_from_db()
    assert issue.status == Issue.Status.READY
    assert _pdfs_in_storage() == [issue.pdf.name.rsplit("/", 1)[-1]]
