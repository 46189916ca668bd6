"""Benchmark: what each hand-written rendering piece earns, page by page, with it and without it.

Each piece below does by hand what a library or Django does (docs/performance.md, "What replaces or bends a
library"). On the data set of ``bench/pages.py`` (made by it, the same ``--scale``; 1 = 10,000 enterprises,
10 = 100,000), each page that uses a piece is requested as the officer WITH the piece and WITHOUT it, the
latter by turning the piece's switch off in this process (a module-level flag the piece reads on every use;
the portal never turns them off), so the page does what the library or Django does instead:

- ``rows``: the table rows written in Python (``core/templatetags/portal_tables.py``) -> django-tables2's own
  ``tbody`` block of its Bootstrap 5 template (``templates/django_tables2/portal.html`` renders its parent's);
- ``quick-select``: ``core.widgets.QuickSelect`` -> ``forms.Select`` (Django's templates, a model field's
  options through ``QuerySet.iterator()``);
- ``search-select``: ``core.widgets.SearchSelect`` -> every row of the field's queryset an option (what a
  select does; the page then carries every enterprise not yet in the round);
- ``kept-count``: ``core.pages.KeptCountPaginator`` (the count kept in the cache, the tables its SQL names read
  with a regex) -> Django's ``Paginator.count``, a ``COUNT(*)`` on every request;
- ``url-maker``: ``core.pages.url_maker`` (a section's row links reversed once) -> ``reverse()`` per link;
- ``dates``: ``core.tables.DateColumn`` (Django's ``date`` filter) -> a template compiled for every cell, as
  django-tables2's ``DateColumn`` does.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sp_perf_bench .venv/bin/python bench/pieces.py --scale 10

The database is created, migrated and filled by bench/pages.py's code (in a child process,
``--prepare``) when it holds no data set yet. DEBUG is
off while the pages are requested (``settings.DEBUG`` turned off before the first template is loaded: the
templates are compiled once and cached, as in production; the static files stay the development ones, so no
collectstatic is needed). The cache is ``CACHE_URL`` (Redis db 14 unless set, as bench/pages.py), with a key
prefix of its own per database, so a run never reads or invalidates what another run keeps.

For each (page, piece): one warm-up request each way, one more each way whose queries are counted, then
``--repeat`` blocks of ``--block`` requests each way, the order alternating block by block so a busy machine
weighs on both alike. The first request of each block is not counted: the portal never switches a piece, and
requests that each followed a switch gave the rows' margin the opposite sign of requests in runs of the same
kind, on the same page, minutes apart. The table gives the median of each, the margin (without - with) in ms
and as a share of the page without the piece, the queries of one request each way, and the admin's
enterprise changelist (median of ``--repeat`` requests) for scale. A margin no bigger than ``noise`` (half the
sum of both sides' spreads between their quartiles) is marked "(noise)".
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("CACHE_URL", "redis://127.0.0.1:6379/14")

import pages as bench  # noqa: E402  (bench/pages.py: sets Django up, makes the data set)
from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.template import engines  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

settings.DEBUG = False  # before any template engine exists: cached templates, no debug information
settings.CACHES["default"]["KEY_PREFIX"] = f"score-pieces-{connection.settings_dict['NAME']}"

from core import datacache, pages, tables, widgets  # noqa: E402
from core.templatetags import portal_tables  # noqa: E402
from enterprises.models import Enterprise  # noqa: E402
from programmes.models import Module, Organisation, TrainingRound  # noqa: E402

# piece: (its switch's module, the switch, what it is, what runs without it)
PIECES = {
    "rows": (portal_tables, "ROWS_IN_PYTHON", "rows written in Python", "django-tables2's tbody block"),
    "quick-select": (widgets, "QUICK_SELECT", "QuickSelect", "forms.Select"),
    "search-select": (widgets, "SEARCH_SELECT", "SearchSelect", "every row an option"),
    "kept-count": (pages, "KEEP_COUNTS", "KeptCountPaginator", "Paginator.count"),
    "url-maker": (pages, "URLS_REVERSED_ONCE", "url_maker", "reverse() per link"),
    "dates": (tables, "DATES_WITHOUT_TEMPLATE", "DateColumn", "a template per cell"),
}
LIST_PIECES = ["rows", "quick-select", "kept-count"]


@contextlib.contextmanager
def without(piece: str):
    module, switch, _what, _instead = PIECES[piece]
    setattr(module, switch, False)
    assert engines["django"].engine.debug is False  # noqa: S101 - DEBUG off, as promised
    try:
        yield
    finally:
        setattr(module, switch, True)


def page_list() -> list[tuple[str, str, list[str]]]:
    """(label, URL, the pieces it uses) for the officer's pages measured."""
    m1 = Module.objects.get(code="M1")
    partner_org = Organisation.objects.annotate(n=Count("enterprises")).order_by("-n", "pk").first()
    big_round = (
        TrainingRound.objects.filter(organiser=partner_org)
        .annotate(n=Count("participations"))
        .order_by("-n", "pk")
        .first()
    )
    sector = Enterprise.objects.filter(organisations=partner_org).order_by("pk").values_list("sector", flat=True)[0]
    return [
        ("rounds", "/rounds/", [*LIST_PIECES, "dates"]),
        ("enterprises", "/enterprises/", LIST_PIECES),
        ("enterprises filtered", f"/enterprises/?module={m1.pk}&sector={sector}", LIST_PIECES),
        ("trainers", "/trainers/", LIST_PIECES),
        ("results", "/results/", ["kept-count"]),
        ("a round", f"/rounds/{big_round.pk}/", ["url-maker", "quick-select", "search-select", "kept-count"]),
    ]


def request(client: Client, url: str) -> tuple[float, int]:
    started = time.perf_counter()
    response = client.get(url)
    body = response.content
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise SystemExit(f"{url}: {response.status_code}")
    return elapsed, len(body)


def queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        request(client, url)
    return len(captured)


def spread(times: list[float]) -> float:
    q1, _q2, q3 = statistics.quantiles(times, n=4)
    return q3 - q1


def compare(client: Client, url: str, piece: str, repeat: int, block: int) -> dict:
    """The page with and without the piece, in blocks of ``block`` requests each way, the order alternating
    block by block; the first request of each block is not counted (the portal never switches a piece)."""
    request(client, url)  # a warm-up each way (what the piece or the page keeps in the cache is kept then)
    with without(piece):
        request(client, url)
    n_with = queries(client, url)  # the queries of a request each way, after its warm-up
    with without(piece):
        n_without = queries(client, url)
    times: dict[bool, list[float]] = {True: [], False: []}
    for i in range(repeat):
        for piece_on in (True, False) if i % 2 == 0 else (False, True):
            with contextlib.nullcontext() if piece_on else without(piece):
                request(client, url)
                times[piece_on] += [request(client, url)[0] for _ in range(block - 1)]
    with_, without_ = times[True], times[False]
    ms_with, ms_without = statistics.median(with_), statistics.median(without_)
    noise = (spread(with_) + spread(without_)) / 2 if len(with_) >= 4 else 0.0
    return {
        "with": ms_with,
        "without": ms_without,
        "margin": ms_without - ms_with,
        "share": (ms_without - ms_with) / ms_without,
        "noise": noise,
        "q_with": n_with,
        "q_without": n_without,
    }


def prepare(scale: float) -> None:
    """Create and migrate the database, and make bench/pages.py's data set in it unless it holds one."""
    bench.ensure_database()
    marker = Organisation.objects.filter(name=bench.MARKER).first()
    if marker:
        made = float(marker.notes.rsplit("scale=", 1)[-1]) if "scale=" in marker.notes else 1.0
        if made != scale:
            sys.exit(f"this database holds --scale {made:g}; use another database for --scale {scale:g}")
    else:
        with transaction.atomic():
            bench.create_data(random.Random(2014), scale)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1, help="1 = 10,000 enterprises, 10 = 100,000")
    parser.add_argument("--repeat", type=int, default=6, help="blocks each way (alternating) after a warm-up")
    parser.add_argument("--block", type=int, default=4, help="requests per block, the first not counted")
    parser.add_argument("--prepare", action="store_true", help="only create, migrate and fill the database")
    parser.add_argument("--piece", action="append", choices=list(PIECES), help="only this piece (repeatable)")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("bench/pieces.py needs PostgreSQL: set DATABASE_URL=postgres://...")
    if args.prepare:
        prepare(args.scale)
        return
    # the database migrated and filled by another process: this one measures as a server would, without the
    # migrations' model states or the data set's objects in its memory
    subprocess.run([sys.executable, __file__, "--prepare", "--scale", f"{args.scale:g}"], check=True)
    datacache.data_changed()  # nothing kept from an earlier run
    officer, _partner, admin = bench.users()
    clients = {}
    for role, user in (("officer", officer), ("admin", admin)):
        clients[role] = Client()
        clients[role].force_login(user)
    print(
        f"database {connection.settings_dict['NAME']}, scale {args.scale:g}: "
        f"{Enterprise.objects.count():,} enterprises, {TrainingRound.objects.count():,} rounds; DEBUG off; "
        f"{args.repeat} blocks of {args.block} requests each way per page and piece after a warm-up (the first of a "
        "block not counted), as the officer"
    )
    request(clients["admin"], bench.ADMIN_CHANGELIST)  # warm-up
    changelist = statistics.median(request(clients["admin"], bench.ADMIN_CHANGELIST)[0] for _ in range(args.repeat))
    rows = []
    for label, url, used in page_list():
        for piece in used:
            if args.piece and piece not in args.piece:
                continue
            m = compare(clients["officer"], url, piece, args.repeat, max(2, args.block))
            print(f"  {label} {piece}: {m['with']:.0f} / {m['without']:.0f} ms", file=sys.stderr, flush=True)
            rows.append((label, url, piece, m))
    print()
    print(
        "| page | piece | instead | ms with | ms without | margin ms | share of the page | noise ms "
        "| queries with / without | changelist ms |"
    )
    print("|---|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for label, url, piece, m in rows:
        _module, _switch, what, instead = PIECES[piece]
        margin = f"{m['margin']:.1f}" + (" (noise)" if abs(m["margin"]) <= m["noise"] else "")
        print(
            f"| {label} (`{url}`) | {what} | {instead} | {m['with']:.0f} | {m['without']:.0f} | {margin} "
            f"| {m['share']:.0%} | {m['noise']:.1f} | {m['q_with']} / {m['q_without']} | {changelist:.0f} |"
        )


if __name__ == "__main__":
    main()
