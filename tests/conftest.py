"""Shared fixtures. Tests run on PostgreSQL when DATABASE_URL names one, else SQLite.

Tests that need a real service (PostgreSQL, Redis, Chromium) skip with a reason when it is absent,
and fail instead when REQUIRE_SERVICES=1 (as in CI).
"""

from __future__ import annotations

import os
import socket
import uuid
from urllib.parse import urlparse

import pytest
from django.contrib.auth.models import Group

from core import roles
from score_portal.celery import app as celery_app

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"


def service_missing(reason: str):
    """Skip the test with a visible reason, or fail it when services are required."""
    if REQUIRE_SERVICES:
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}")
    pytest.skip(reason)


# --- A fast password hasher ---------------------------------------------------------------------------
# Django's default (PBKDF2, hundreds of thousands of rounds) is most of a login's cost; the tests log in often.
# MD5 is what cookiecutter-django's test settings use: fine for throwaway test accounts, never for real ones.
@pytest.fixture(autouse=True, scope="session")
def _fast_password_hasher():
    from django.test import override_settings

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


# --- The clock: date-sensitive tests run at two fixed clocks ---------------------------------------------
# The portal counts days in its TIME_ZONE (Asia/Shanghai, UTC+8). Between 16:00 and 24:00 UTC the portal's
# date is one day ahead of UTC, so a test that derives "today" in UTC fails only in the evening. Tests marked
# `clock` run twice, once just before midnight UTC (when Shanghai is already on the next day) and once in the
# early UTC morning (both on the same day), whatever the hour the suite runs at. `--clock` (or TEST_CLOCK)
# runs every test at a chosen moment, e.g. `pytest --clock "2026-12-01 23:30"`; the clock ticks from there.
CLOCKS = {"late-utc": "2026-12-01T23:30:00+00:00", "early-utc": "2026-12-02T03:30:00+00:00"}


def pytest_addoption(parser):
    parser.addoption(
        "--clock",
        default=os.environ.get("TEST_CLOCK", ""),
        help="run every test with the clock starting at this moment (ISO 8601, UTC unless it says otherwise)",
    )


def pytest_generate_tests(metafunc):
    if metafunc.definition.get_closest_marker("clock") and not metafunc.config.getoption("clock"):
        metafunc.fixturenames.append("_fixed_clock")
        metafunc.parametrize("_fixed_clock", list(CLOCKS.values()), ids=list(CLOCKS), indirect=True)


def _travel(moment: str):
    import datetime as dt

    import time_machine

    when = dt.datetime.fromisoformat(moment)
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return time_machine.travel(when, tick=True)


@pytest.fixture
def _fixed_clock(request):
    with _travel(request.param):
        yield request.param


@pytest.fixture(autouse=True)
def _chosen_clock(request):
    moment = request.config.getoption("clock")
    # A test marked `other_processes` compares times written by worker processes it starts, which run on the
    # machine's real clock: it keeps that clock too (its outcome does not depend on the day or the hour).
    if not moment or request.node.get_closest_marker("other_processes"):
        yield
        return
    with _travel(moment):
        yield


def pytest_collection_modifyitems(config, items):
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        reason = "PostgreSQL's row and table locks (production's database); SQLite has one lock for the whole file"
        for item in items:
            if item.get_closest_marker("postgresql"):
                item.add_marker(pytest.mark.skip(reason=reason))


def pytest_sessionstart(session):
    if REQUIRE_SERVICES and not os.environ.get("DATABASE_URL", "").startswith(("postgres", "postgresql")):
        raise pytest.UsageError("REQUIRE_SERVICES=1 needs DATABASE_URL to name a PostgreSQL database.")


# The rows the data migrations create (modules, role groups and their permissions, the KPI catalogue, the
# newsletter schedule). A transactional test ends by emptying every table, so they are put back after it,
# with the migrations' own (idempotent) functions, for the tests that follow in the same process.
REFERENCE_DATA = [
    ("programmes.migrations.0002_modules_and_roles", "forwards"),
    ("enterprises.migrations.0002_kpi_catalogue", "forwards"),
    ("programmes.migrations.0014_texts_in_languages", "module_names_restore"),
    ("enterprises.migrations.0022_texts_in_languages", "kpi_names_restore"),
    ("enterprises.migrations.0016_kpi_allows_negative", "forwards"),
    ("newsletters.migrations.0003_schedule_next_issue_draft", "schedule"),
    ("enterprises.migrations.0006_schedule_photo_orphans_delete", "schedule"),
    ("newsletters.migrations.0014_render_recovery", "schedule"),
    ("programmes.migrations.0010_china", "forwards"),
    ("newsletters.migrations.0020_newsletter_per_country", "china_mastheads"),
]


def _is_transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])):
        return True
    return bool({"transactional_db", "live_server", "celery_worker"} & set(getattr(item, "fixturenames", ())))


def reference_data_restore() -> None:
    import importlib

    from django.apps import apps
    from django.db import connections

    for module, function in REFERENCE_DATA:
        getattr(importlib.import_module(module), function)(apps, None)
    roles.group_permissions_sync()
    connections.close_all()  # like the transactional test before it: no connection is left behind


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    yield
    # After the session's last test the test database is gone already; nothing follows that needs the rows.
    if nextitem is not None and _is_transactional(item):
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            reference_data_restore()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture(autouse=True)
def _cache_cleared():
    """Each test starts with nothing kept (core.datacache): what one test's data counted is not another's."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _language_reset():
    """A request in Chinese leaves Chinese active on the thread; the next test starts in the default language."""
    yield
    from django.utils import translation

    translation.deactivate()


@pytest.fixture(autouse=True)
def _eager_celery():
    """Most tests run tasks in-process; `celery_worker` below runs them through a real worker."""
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield


def worker_database_url() -> str:
    """The test database as a DATABASE_URL, for a worker process this test starts (PostgreSQL's test database, or
    SQLite's test file: WAL lets the worker and the test write to it in turn)."""
    from django.db import connection

    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    credentials = f"{db['USER']}{':' + db['PASSWORD'] if db['PASSWORD'] else ''}@" if db["USER"] else ""
    return f"postgres://{credentials}{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _redis_url() -> str:
    return os.environ.get("CELERY_BROKER_URL") or os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"


def _reachable(url: str) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 6379), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture
def redis_broker_url() -> str:
    url = _redis_url()
    if not url.startswith("redis") or not _reachable(url):
        service_missing(f"Redis is not reachable at {url}")
    return url


def wait_for(predicate, timeout: float = 20.0, interval: float = 0.1):
    """Poll until predicate() is truthy (a task in a real worker finishes in its own time)."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"gave up after {timeout} s waiting for {predicate}")


def _reset_connections() -> None:
    """Close pooled broker connections so the next use connects to the broker now configured."""
    from kombu import pools

    if celery_app._pool is not None:
        celery_app._pool.force_close_all()
        celery_app._pool = None
    celery_app.amqp._producer_pool = None
    pools.reset()  # kombu keeps producer pools per broker URL; a closed one must not be reused by the next test


def redis_queue_forget(url: str, queue: str) -> None:
    """Delete a test queue from Redis: its messages, its bindings and any message still unacknowledged on it."""
    import json

    import redis

    client = redis.Redis.from_url(url)
    try:
        for tag, raw in client.hgetall("unacked").items():
            _message, _exchange, routing_key = json.loads(raw)
            if routing_key == queue:
                client.hdel("unacked", tag)
                client.zrem("unacked_index", tag)
        client.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")
    finally:
        client.close()


@pytest.fixture
def celery_worker(redis_broker_url, transactional_db):
    """A real Celery worker (threads in this process) consuming from the real Redis broker.

    Each test gets its own queue, so parallel test processes never take each other's tasks.
    """
    from celery.contrib.testing.worker import start_worker

    queue = f"test-{uuid.uuid4().hex}"
    conf = celery_app.conf
    saved = {k: conf.get(k) for k in ("broker_url", "task_always_eager", "task_default_queue")}
    conf.update(broker_url=redis_broker_url, task_always_eager=False, task_default_queue=queue)
    _reset_connections()
    try:
        with start_worker(celery_app, queues=[queue], perform_ping_check=False, shutdown_timeout=10) as worker:
            yield worker
    finally:
        conf.update(saved)
        _reset_connections()
        redis_queue_forget(redis_broker_url, queue)


def give_countries(user, *countries, everywhere: bool = False):
    """The countries an officer or editor works for (programmes.CountryAssignment); ``everywhere``: the global team.
    Without countries, China (the programme every database has)."""
    from programmes.models import Country, CountryAssignment

    assignment, _created = CountryAssignment.objects.update_or_create(user=user, defaults={"all_countries": everywhere})
    assignment.countries.set([] if everywhere else (countries or [Country.objects.get(code="CN")]))
    user.__dict__.pop("_country_ids", None)
    return user


def _user(django_user_model, username: str, group: str | None = None, **extra):
    """A user in the role's group; an officer of the global team, an editor of China's newsletter."""
    user = django_user_model.objects.create_user(
        username=username, password="pw", email=f"{username}@example.org", **extra
    )
    if group:
        user.groups.add(Group.objects.get(name=group))
    if group == roles.OFFICERS:
        give_countries(user, everywhere=True)
    elif group == roles.EDITORS:
        give_countries(user)
    return user


@pytest.fixture
def officer(django_user_model):
    return _user(django_user_model, "officer1", roles.OFFICERS, is_staff=True)


@pytest.fixture
def editor(django_user_model):
    return _user(django_user_model, "editor1", roles.EDITORS)


@pytest.fixture
def make_partner(django_user_model):
    """make_partner(organisation) -> a partner user of that organisation."""
    from programmes.models import PartnerMembership

    def make(organisation, username: str | None = None):
        user = _user(django_user_model, username or f"partner-{uuid.uuid4().hex[:8]}", roles.PARTNERS)
        PartnerMembership.objects.create(user=user, organisation=organisation)
        return user

    return make


@pytest.fixture
def nobody(django_user_model):
    return _user(django_user_model, "nobody")


# --- Browser tests: Playwright driving Debian's Chromium ------------------------------------
CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = __import__("pathlib").Path(__file__).resolve().parents[1] / "var" / "screenshots"


@pytest.fixture(scope="session")
def browser(django_db_setup, django_db_blocker):
    """One headless Chromium per test process (Playwright cannot download its own browser here)."""
    if not os.path.exists(CHROMIUM):
        service_missing(f"Chromium is not installed at {CHROMIUM}")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
    from django.db import connections
    from playwright.sync_api import sync_playwright

    # Playwright's greenlets give the code that follows a fresh context, where Django no longer finds the
    # connection opened before (for the migrations): close it now, or it outlives the test database's teardown.
    with django_db_blocker.unblock():
        connections.close_all()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser context per test; `page.goto("/path")` is relative to the live server."""
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def screenshot(page, name: str) -> None:
    """Save a full-page screenshot under var/screenshots/ for people to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def browser_login(page, username: str, password: str = "pw") -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


# --- A real SMTP server on loopback: the e-mail a person would receive ----------------------------------
class SMTPInbox:
    """What an aiosmtpd server on 127.0.0.1 received, as parsed e-mail messages."""

    def __init__(self):
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):
        import email
        from email import policy

        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted"

    def wait_for(self, count: int = 1, timeout: float = 20.0) -> list:
        return wait_for(lambda: self.messages if len(self.messages) >= count else None, timeout=timeout)


@pytest.fixture
def smtp_inbox(settings):
    """Send the portal's e-mail through a real SMTP server on loopback and collect what it receives."""
    from aiosmtpd.controller import Controller

    with socket.socket() as probe:  # a free port (aiosmtpd's controller needs to know it before it starts)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = SMTPInbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield inbox
    finally:
        controller.stop()


@pytest.fixture
def make_trainer_user(django_user_model):
    """make_trainer_user(trainer) -> a trainer user who is that trainer record."""
    from trainers.models import TrainerAccount

    def make(trainer, username: str | None = None):
        user = _user(django_user_model, username or f"trainer-{uuid.uuid4().hex[:8]}", roles.TRAINERS)
        TrainerAccount.objects.create(user=user, trainer=trainer)
        return user

    return make


@pytest.fixture
def trainer(make_trainer_user):
    """A trainer user (of a trainer record who delivers no round yet)."""
    from tests.factories import TrainerFactory

    return make_trainer_user(TrainerFactory(), "trainer1")
