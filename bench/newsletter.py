"""Benchmark: render a full newsletter issue with big photos: the portal against WeasyPrint alone, side by side.

Builds an issue with 12 news items, 4 enterprises with KPI lines and 10 before/after photo pairs uploaded as
12-megapixel JPEGs generated here (the upload makes the print copies, at the size the layout prints them at), in a
throw-away SQLite database and media directory, then prints pages, seconds, PDF megabytes and the peak memory of
the process that rendered, for:

1. the portal's first rendering after the upload (portraits' copies made, the print copies read as uploaded);
2. the portal's re-rendering (after an edit: everything cached);
3. WeasyPrint alone on the same HTML, with the same print copies (a plain fetcher, the same options).

Each rendering runs in its own process, forked from one that has imported Django and WeasyPrint (as a Celery
worker has), so its peak memory is its own. Goals: re-render within 1.1 x WeasyPrint alone; peak memory of this
English rendering under 200 MB.

    .venv/bin/python bench/newsletter.py
"""

from __future__ import annotations

import datetime as dt
import io
import multiprocessing
import os
import resource
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
WORK = Path(tempfile.mkdtemp(prefix="score-bench-"))
os.environ.update(
    DJANGO_SETTINGS_MODULE="score_portal.settings",
    DEBUG="1",
    DATABASE_URL=f"sqlite:///{WORK / 'bench.sqlite3'}",
    MEDIA_ROOT=str(WORK / "media"),
    CELERY_BROKER_URL="",
    LOG_LEVEL="WARNING",
)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402
from PIL import Image, ImageDraw, ImageFilter  # noqa: E402
from pypdf import PdfReader  # noqa: E402

WIDTH, HEIGHT = 4000, 3000  # 12 megapixels


def photo_jpeg(seed: int, label: str) -> bytes:
    """A camera-like 12-megapixel JPEG: shapes, gradients and sensor noise (about 3-5 MB)."""
    small = Image.new("RGB", (WIDTH // 4, HEIGHT // 4), (90 + seed * 7 % 100, 110, 130))
    draw = ImageDraw.Draw(small)
    for i in range(40):
        x, y = (seed * 97 + i * 131) % (WIDTH // 4), (seed * 53 + i * 71) % (HEIGHT // 4)
        colour = ((i * 37 + seed * 11) % 255, (i * 91) % 255, (i * 53 + seed) % 255)
        draw.rectangle([x, y, x + 60 + i * 3, y + 40 + i * 2], fill=colour)
    draw.text((20, 20), label, fill=(255, 255, 255))
    image = small.resize((WIDTH, HEIGHT), Image.Resampling.BICUBIC).filter(ImageFilter.GaussianBlur(2))
    noise = Image.effect_noise((WIDTH, HEIGHT), 24).convert("RGB")
    image = Image.blend(image, noise, 0.12)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=92)
    return out.getvalue()


def build_issue():
    from django.core.files.uploadedfile import SimpleUploadedFile

    from enterprises.models import KPI, KPILine, PhotoPair, Result
    from enterprises.results.photos import photo_create
    from newsletters import services
    from newsletters.models import Event, ExpertComment, NewsItem
    from programmes.models import Module
    from tests.factories import EnterpriseFactory, TrainerFactory, china

    china = china()  # the newsletter's records are China's (the factories' default too)
    period = dt.date(2014, 11, 1)
    for i in range(12):
        NewsItem.objects.create(
            country=china,
            title=f"ToE on Module {i % 5 + 1} for local enterprises, round {i + 1}",
            place=["Taixing, Jiangsu", "Deyang, Sichuan", "Ningbo, Zhejiang", "Chongqing"][i % 4],
            date=period + dt.timedelta(days=4 * i),
            body=(
                "Training of enterprises was organised for five companies that completed Module 1. The expert "
                "trainer delivered the workshop and led the first factory visit; the enterprise improvement teams "
                "collected employee suggestions and agreed on an improvement plan. "
            )
            * 2,
        )
    for i in range(3):
        Event.objects.create(
            country=china, title=f"Upcoming activity {i + 1}", place="Shanghai", starts_on=dt.date(2015, 1 + i, 10)
        )
    ExpertComment.objects.create(
        country=china,
        trainer=TrainerFactory(name="Asia Wang"),
        heading="Comments from SCORE Trainer",
        quote="SCORE is a project of sustainable vitality. " * 12,
        given_on=dt.date(2014, 11, 30),
    )
    kpis = list(KPI.objects.all()[:4])
    pairs_per_enterprise = [3, 3, 2, 2]
    seed = 0
    photo_bytes = 0
    upload_seconds = 0.0
    for e, n_pairs in enumerate(pairs_per_enterprise):
        result = Result.objects.create(
            enterprise=EnterpriseFactory(name=f"Enterprise {e + 1}"),
            module=Module.objects.get(code="M1"),
            title=f"Improvement result {e + 1}",
            narrative="Weekly EIT meetings; defects down, on-time delivery up. " * 3,
            status=Result.Status.APPROVED,
            approved_at=timezone.make_aware(dt.datetime(2014, 12, 5, 12)),
        )
        for k in kpis:
            KPILine.objects.create(
                result=result,
                kpi=k,
                baseline_value=Decimal("88.6"),
                baseline_date=dt.date(2014, 8, 1),
                followup_value=Decimal("92.58"),
                followup_date=dt.date(2014, 11, 30),
            )
        for p in range(n_pairs):
            sides = {}
            for side in ("before", "after"):
                seed += 1
                data = photo_jpeg(seed, f"{side} {seed}")
                photo_bytes += len(data)
                started = time.perf_counter()
                sides[side] = photo_create(
                    upload=SimpleUploadedFile(f"master-{seed}.jpg", data, content_type="image/jpeg"),
                    caption=f"{side.title()}: improvement {p + 1} of enterprise {e + 1}",
                )
                upload_seconds += time.perf_counter() - started
            PhotoPair.objects.create(result=result, order=p, **sides)
    issue = services.issue_create(period_start=period, number=1, introduction="A benchmark issue. " * 5)
    return issue, seed, photo_bytes, upload_seconds


def _in_child(fn, queue) -> None:
    from django.db import connections

    connections.close_all()
    started = time.perf_counter()
    data = fn()
    seconds = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)  # this process's own: it began at the fork
    queue.put((seconds, usage.ru_utime + usage.ru_stime, data, usage.ru_maxrss / 1024))  # ru_maxrss: kB on Linux


def measure(label: str, fn) -> tuple[float, float, int, float]:
    """Run fn in a forked process; print and return its seconds (wall clock and CPU: the CPU time does not depend
    on what else the machine runs), PDF bytes and peak memory (MB)."""
    from django.db import connections

    connections.close_all()
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_in_child, args=(fn, queue))
    child.start()
    seconds, cpu, data, peak = queue.get()
    child.join()
    pages = len(PdfReader(io.BytesIO(data)).pages)
    print(f"{label:<50} {pages:>5} {seconds:>8.2f} {cpu:>8.2f} {len(data) / 1e6:>7.2f} {peak:>8.0f}")
    return seconds, cpu, len(data), peak


def main() -> None:
    from newsletters import pdf, services
    from newsletters.models import Issue

    call_command("migrate", verbosity=0)
    print(f"Building the issue in {WORK} ...")
    issue, n_photos, photo_bytes, upload_seconds = build_issue()
    print(
        f"{issue.items.filter(section__kind='news').count()} news items, "
        f"{issue.items.filter(section__kind='results').count()} "
        f"enterprises, {n_photos // 2} photo pairs ({n_photos} JPEGs of {WIDTH}x{HEIGHT}, "
        f"{photo_bytes / 1e6:.1f} MB in all), uploaded in {upload_seconds:.1f} s (print copies made there)\n"
    )
    import weasyprint  # noqa: F401  (imported once here, as a worker has it, before the renderings fork)

    print(f"{'':<50} {'pages':>5} {'wall s':>8} {'CPU s':>8} {'MB PDF':>7} {'MB peak':>8}")

    def portal() -> bytes:
        Issue.objects.filter(pk=issue.pk).update(content_hash="")  # force the work
        rendered = services.issue_render(issue_id=issue.pk)
        assert rendered.status == Issue.Status.READY, rendered.error
        with rendered.pdf.open("rb") as fh:
            return fh.read()

    measure("SCORE Portal, first render after the upload", portal)
    warm = measure("SCORE Portal, re-render (everything cached)", portal)
    doc = services.issue_document(Issue.objects.get(pk=issue.pk))
    copies = pdf.prepare_images(doc)

    def weasyprint_alone() -> bytes:
        from django.contrib.staticfiles import finders
        from weasyprint import HTML
        from weasyprint.urls import URLFetcher, URLFetcherResponse

        class Plain(URLFetcher):  # the same files, no checks
            def fetch(self, url, headers=None):
                if url.startswith(pdf.MEDIA_SCHEME):
                    with open(WORK / "media" / copies[url.removeprefix(pdf.MEDIA_SCHEME)], "rb") as fh:
                        return URLFetcherResponse(url, fh.read(), {"Content-Type": "image/jpeg"})
                with open(finders.find(url.removeprefix(pdf.STATIC_SCHEME)), "rb") as fh:
                    kind = "text/css" if url.endswith(".css") else "font/woff"
                    return URLFetcherResponse(url, fh.read(), {"Content-Type": kind})

        return HTML(string=doc.html, url_fetcher=Plain()).write_pdf(**pdf.WEASYPRINT_OPTIONS)

    alone = measure("WeasyPrint alone, same HTML and print copies", weasyprint_alone)
    print()
    ratio = warm[1] / alone[1]
    print(
        f"re-render: {warm[1]:.2f} CPU s = {ratio:.2f} x WeasyPrint alone (goal <= 1.10): "
        f"{'OK' if ratio <= 1.1 else 'MISSED'}; peak memory {warm[3]:.0f} MB (goal < 200 MB): "
        f"{'OK' if warm[3] < 200 else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
