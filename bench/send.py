"""Benchmark: send an edition's e-mail to 10,000 subscribers through a local SMTP server.

Builds a published issue (news items, a result with KPI lines, events, an expert comment), adds confirmed
subscribers, and sends the edition with the portal's own sender (`services.mailing_send_now`: one delivery per
subscriber claimed with SELECT ... FOR UPDATE SKIP LOCKED, one SMTP connection, no rate limit) to an aiosmtpd
server running in another process, which counts what it accepts. Each sending runs in its own process, forked
after Django is imported, so its peak memory (ru_maxrss) is its own. Prints subscribers, sender processes (as Celery
workers sending one edition together: SKIP LOCKED shares the deliveries out), messages received, seconds,
messages per second, the senders' CPU milliseconds per message (what the rate would be on idle cores) and the
peak MB of one sender, for 1,000 and then 10,000 subscribers: the memory should not
grow with the number of subscribers. Goal: at least 50 messages a second.

    createdb -h 127.0.0.1 -U postgres score_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/score_bench .venv/bin/python bench/send.py \\
        [--sizes 1000 10000] [--senders 1 4]

Without DATABASE_URL it uses a throw-away SQLite file (where SKIP LOCKED does not exist: one sender only).
The database's mailing tables are emptied first.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import multiprocessing
import os
import resource
import socket
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
WORK = Path(tempfile.mkdtemp(prefix="score-bench-send-"))


def smtp_server(port: int) -> None:
    """The receiving end (run as `bench/send.py --smtp PORT`): accept every message, count them, print the count
    to stdout when asked (a line "count" on stdin)."""
    from aiosmtpd.controller import Controller

    class Counter:
        received = 0

        async def handle_DATA(self, server, session, envelope):
            Counter.received += 1
            return "250 OK"

    controller = Controller(Counter(), hostname="127.0.0.1", port=port)
    controller.start()
    print("ready", flush=True)
    for line in sys.stdin:
        if line.strip() == "count":
            print(Counter.received, flush=True)
        elif line.strip() == "quit":
            break
    controller.stop()


def setup_django(port: int) -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="score_portal.settings",
        DEBUG="1",
        MEDIA_ROOT=str(WORK / "media"),
        CELERY_BROKER_URL="",
        LOG_LEVEL="WARNING",
        EMAIL_URL=f"smtp://127.0.0.1:{port}",
        PORTAL_URL="https://score.example.org",
    )
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{WORK / 'bench.sqlite3'}")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def build_issue():
    from django.utils import timezone

    from enterprises.models import KPI, Result
    from newsletters import services
    from newsletters.mailing.models import Delivery, Mailing, Subscriber
    from newsletters.models import Event, ExpertComment, Issue, NewsItem
    from programmes.models import Module
    from tests.factories import KPILineFactory, ResultFactory, TrainerFactory, china

    Delivery.objects.all().delete()
    Mailing.objects.all().delete()
    Subscriber.objects.all().delete()
    existing = Issue.objects.filter(number=99, status=Issue.Status.PUBLISHED).first()
    if existing:  # made by an earlier run
        return existing
    period = dt.date(2030, 11, 1)
    country = china()  # the benchmark issue is China's, as the factories' records are
    for i in range(8):
        NewsItem.objects.create(
            country=country,
            title=f"ToE on Module {i % 5 + 1}, round {i + 1}",
            place="Taixing, Jiangsu",
            date=period + dt.timedelta(days=5 * i),
            body="Training of enterprises was organised for five companies that completed Module 1. " * 12,
        )
    for i in range(3):
        Event.objects.create(
            country=country, title=f"Upcoming activity {i + 1}", place="Shanghai", starts_on=dt.date(2031, 1 + i, 10)
        )
    ExpertComment.objects.create(
        country=country,
        trainer=TrainerFactory(name="Asia Wang"),
        quote="SCORE is a project of sustainable vitality.",
        given_on=period,
    )
    result = ResultFactory(
        module=Module.objects.get(code="M1"),
        enterprise__name="Teho Metal",
        title="Copper powder recovery up",
        narrative="The team rearranged the workshop and collected 40 suggestions. " * 6,
        status=Result.Status.APPROVED,
        approved_at=timezone.make_aware(dt.datetime(2030, 12, 5, 12)),
    )
    for kpi in KPI.objects.all()[:4]:
        KPILineFactory(result=result, kpi=kpi, baseline_value=Decimal("90"), followup_value=Decimal("95"))
    issue = services.issue_create(period_start=period, number=99, introduction="The benchmark issue.")
    issue = services.issue_render(issue_id=issue.pk)
    services.issue_publish(issue=issue)
    return Issue.objects.get(pk=issue.pk)


def add_subscribers(count: int) -> None:
    from newsletters.mailing.models import Delivery, Mailing, Subscriber

    Delivery.objects.all().delete()
    Mailing.objects.all().delete()
    Subscriber.objects.all().delete()
    from newsletters.selectors import first_programme

    country = first_programme()  # the benchmark issue's newsletter (issue_create's default)
    batch = [
        Subscriber(
            country=country,
            email=f"reader{n:06}@example.com",
            status=Subscriber.Status.CONFIRMED,
            language="en",
            consent_source=Subscriber.Source.IMPORT,
        )
        for n in range(count)
    ]
    Subscriber.objects.bulk_create(batch, batch_size=2000)


def _send(mailing_id: int, queue) -> None:
    """One sender (as one Celery worker would be): claim and send pending deliveries until none is left."""
    from django.db import connections

    connections.close_all()  # the child opens its own
    from newsletters.mailing import services

    while services.mailing_send(mailing_id=mailing_id, rate=0):
        pass
    usage = resource.getrusage(resource.RUSAGE_SELF)
    queue.put((usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime))


def measure(issue_id: int, senders: int) -> tuple[float, float, float]:
    """Start the sending (the deliveries made), then run `senders` processes on it at once: wall seconds from
    the start to the last message, the largest peak memory of one sender, and the senders' CPU seconds."""
    from django.db import connections

    from newsletters.mailing import services
    from newsletters.models import Issue

    began = time.perf_counter()
    mailing = services.mailing_start(issue=Issue.objects.get(pk=issue_id), enqueue=False)
    connections.close_all()
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    children = [ctx.Process(target=_send, args=(mailing.pk, queue)) for _ in range(senders)]
    for child in children:
        child.start()
    results = [queue.get(timeout=3600) for _ in children]
    for child in children:
        child.join()
    return time.perf_counter() - began, max(peak for peak, _cpu in results), sum(cpu for _peak, cpu in results)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--smtp", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--senders", type=int, nargs="+", default=[1, 4], help="sender processes at once")
    args = parser.parse_args()
    if args.smtp:
        smtp_server(args.smtp)
        return
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, __file__, "--smtp", str(port)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert server.stdout.readline().strip() == "ready"
    try:
        setup_django(port)
        from django.db import connection, connections

        issue = build_issue()
        print(f"database: {connection.vendor}; SMTP server: aiosmtpd on 127.0.0.1:{port} (another process)")
        print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        print(
            f"{'subscribers':>12} {'senders':>8} {'received':>9} {'seconds':>8} {'messages/s':>11} "
            f"{'CPU ms/msg':>11} {'peak MB':>8}"
        )
        for size in args.sizes:
            for senders in args.senders:
                add_subscribers(size)
                server.stdin.write("count\n")
                server.stdin.flush()
                before = int(server.stdout.readline())
                connections.close_all()
                seconds, peak, cpu = measure(issue.pk, senders)
                server.stdin.write("count\n")
                server.stdin.flush()
                received = int(server.stdout.readline()) - before
                print(
                    f"{size:>12,} {senders:>8} {received:>9,} {seconds:>8.1f} {received / seconds:>11.0f} "
                    f"{1000 * cpu / max(received, 1):>11.1f} {peak:>8.0f}",
                    flush=True,
                )
    finally:
        server.stdin.write("quit\n")
        server.stdin.flush()
        server.wait(timeout=10)


if __name__ == "__main__":
    asyncio.set_event_loop_policy(None)
    main()
