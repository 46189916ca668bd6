"""Benchmark: render a full newsletter issue with big photos, against WeasyPrint alone on the original photos.

Builds an issue with 12 news items, 4 enterprises with KPI lines and 10 before/after photo pairs made from
12-megapixel JPEGs generated here, in a throw-away SQLite database and media directory, then prints pages,
seconds and megabytes for:

1. the portal's rendering (print-size copies made from the masters on the first run, then cached);
2. the same again with the print copies cached (a re-render after an edit);
3. WeasyPrint alone on the same HTML with the original 12-megapixel photos: without image options (it embeds the
   JPEGs as they are: fast, but a PDF as big as the photos), and with them (optimize_images, jpeg_quality, dpi:
   a small PDF, after decoding every 12-megapixel photo).

    .venv/bin/python bench/newsletter.py
"""

from __future__ import annotations

import datetime as dt
import io
import os
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

from django.core.files.base import ContentFile  # noqa: E402
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
    from enterprises.models import KPI, KPILine, Photo, PhotoPair, Result
    from newsletters import services
    from newsletters.models import Event, ExpertComment, NewsItem
    from programmes.models import Module
    from tests.factories import EnterpriseFactory, TrainerFactory

    period = dt.date(2014, 11, 1)
    for i in range(12):
        NewsItem.objects.create(
            title=f"ToE on Module {i % 5 + 1} for local enterprises, round {i + 1}",
            place=["Taixing, Jiangsu", "Deyang, Sichuan", "Ningbo, Zhejiang", "Chongqing"][i % 4],
            date=period + dt.timedelta(days=4 * i),
            body=(
                "Training of enterprises was organised for five companies that completed Module 1. The expert "
                "trainer delivered the workshop and led the first factory visit; the enterprise improvement teams "
                "collected employee suggestions and agreed on an improvement plan. 培训取得了良好效果。 "
            )
            * 2,
        )
    for i in range(3):
        Event.objects.create(title=f"Upcoming activity {i + 1}", place="Shanghai", starts_on=dt.date(2015, 1 + i, 10))
    ExpertComment.objects.create(
        trainer=TrainerFactory(name="Asia Wang"),
        heading="Comments from SCORE Trainer",
        quote="SCORE is a project of sustainable vitality. " * 12,
        given_on=dt.date(2014, 11, 30),
    )
    kpis = list(KPI.objects.all()[:4])
    pairs_per_enterprise = [3, 3, 2, 2]
    seed = 0
    photo_bytes = 0
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
                photo = Photo(caption=f"{side.title()}: improvement {p + 1} of enterprise {e + 1}")
                photo.image.save(f"master-{seed}.jpg", ContentFile(data), save=False)
                photo.save()
                sides[side] = photo
            PhotoPair.objects.create(result=result, order=p, **sides)
    issue = services.issue_create(period_start=period, number=1, introduction="A benchmark issue. " * 5)
    return issue, seed, photo_bytes


def measure(label: str, fn):
    started = time.perf_counter()
    data = fn()
    seconds = time.perf_counter() - started
    pages = len(PdfReader(io.BytesIO(data)).pages)
    print(f"{label:<58} {pages:>5} {seconds:>8.2f} {len(data) / 1e6:>8.2f}")
    return seconds, len(data)


def main() -> None:
    from newsletters import pdf, services
    from newsletters.models import Issue

    call_command("migrate", verbosity=0)
    print(f"Building the issue in {WORK} ...")
    issue, n_photos, photo_bytes = build_issue()
    print(
        f"{issue.items.filter(section='news').count()} news items, {issue.items.filter(section='results').count()} "
        f"enterprises, {n_photos // 2} photo pairs ({n_photos} JPEGs of {WIDTH}x{HEIGHT}, "
        f"{photo_bytes / 1e6:.1f} MB in all)\n"
    )
    print(f"{'':<58} {'pages':>5} {'seconds':>8} {'MB':>8}")

    def portal() -> bytes:
        Issue.objects.filter(pk=issue.pk).update(content_hash="")  # force the work
        rendered = services.issue_render(issue_id=issue.pk)
        assert rendered.status == Issue.Status.READY, rendered.error
        with rendered.pdf.open("rb") as fh:
            return fh.read()

    cold = measure("SCORE Portal, first render (print copies made)", portal)
    warm = measure("SCORE Portal, re-render (print copies cached)", portal)
    html = services.issue_html(Issue.objects.get(pk=issue.pk))
    plain = measure(
        "WeasyPrint alone, original photos, no image options", lambda: pdf.render_pdf(html, use_print_copies=False)
    )
    alone = measure(
        "WeasyPrint alone, original photos, image options",
        lambda: pdf.render_pdf(
            html,
            use_print_copies=False,
            weasyprint_options={"optimize_images": True, "jpeg_quality": pdf.PRINT_JPEG_QUALITY, "dpi": 300},
        ),
    )
    print()
    for label, (seconds, size) in (("first render", cold), ("re-render", warm)):
        verdict = "OK" if seconds < 3 and size < 3e6 and seconds < alone[0] else "MISSED"
        print(
            f"{label}: {seconds:.2f} s (target < 3 s), {size / 1e6:.2f} MB (target < 3 MB); "
            f"WeasyPrint alone on the originals: {alone[0]:.2f} s with image options, {plain[0]:.2f} s and "
            f"{plain[1] / 1e6:.0f} MB without: {verdict}"
        )


if __name__ == "__main__":
    main()
