"""The printed newsletter: pages as dense as a printed one, its own Latin fonts, words that extract, metadata, and
photos embedded at the size they were prepared for on upload."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw
from pypdf import PdfReader

from enterprises.models import KPI, PhotoPair, Result
from enterprises.results import photos
from newsletters import pdf, services
from newsletters.models import Issue
from programmes.models import Module
from tests.factories import EventFactory, ExpertCommentFactory, KPILineFactory, NewsItemFactory, ResultFactory

from .conftest import PERIOD, assert_dense, in_order, pdffont_rows, pdffonts, pdftotext

pytestmark = pytest.mark.django_db

BODY = (
    "The enterprise improvement team met every week with the expert trainer. Workers and managers collected "
    "suggestions, agreed on an improvement plan and followed it up on the shop floor; the first factory visit "
    "showed cleaner work areas, fewer defects and better communication between the line and the office."
)


def _photo(seed: int):
    image = Image.new("RGB", (1600, 1200), (70 + seed * 20, 110, 140))
    draw = ImageDraw.Draw(image)
    for i in range(12):
        draw.rectangle([100 * i, 80 * i, 100 * i + 300, 80 * i + 200], fill=((i * 40 + seed * 9) % 255, 90, 60))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    upload = SimpleUploadedFile(f"p{seed}.jpg", out.getvalue(), content_type="image/jpeg")
    return photos.photo_create(upload=upload, caption=f"Work area {seed}: the improvement made by the team")


def _typical_issue() -> Issue:
    """5 news items, a quote, one result with 4 KPI lines and 4 photo pairs, 3 events and a feature."""
    for i, place in enumerate(["Taixing, Jiangsu", "Yunnan", "Chongqing", "Ningbo, Zhejiang", "Deyang, Sichuan"]):
        NewsItemFactory(
            title=f"Training of enterprises, round {i + 1}", place=place, date=PERIOD.replace(day=3 + i), body=BODY
        )
    ExpertCommentFactory(quote=BODY + " " + BODY, given_on=dt.date(2014, 11, 30))
    result = ResultFactory(
        module=Module.objects.get(code="M1"),
        enterprise__name="Yucheng Futong Electric",
        title="Weekly EIT meetings, 307 suggestions",
        narrative=BODY,
        status=Result.Status.APPROVED,
        approved_at=timezone.make_aware(dt.datetime(2014, 12, 5, 12)),
    )
    for kpi in KPI.objects.all()[:4]:
        KPILineFactory(result=result, kpi=kpi, baseline_value=Decimal("88.6"), followup_value=Decimal("92.58"))
    for p in range(4):
        PhotoPair.objects.create(result=result, order=p, before=_photo(2 * p), after=_photo(2 * p + 1))
    for i in range(3):
        EventFactory(
            title=f"Upcoming activity {i + 1}",
            place="Shanghai",
            starts_on=dt.date(2015, 1 + i, 10),
            ends_on=None,
            body=BODY,
        )
    NewsItemFactory(title="A gender strategy for SCORE", date=PERIOD.replace(day=20), section="feature", body=BODY)
    return services.issue_create(period_start=PERIOD, number=9, introduction="An issue of a typical size.")


def _pdf(issue: Issue) -> bytes:
    with issue.pdf.open("rb") as fh:
        return fh.read()


def test_an_issue_of_a_typical_size_prints_on_two_or_three_dense_pages():
    issue = services.issue_render(issue_id=_typical_issue().pk)
    assert issue.status == Issue.Status.READY, issue.error
    data = _pdf(issue)
    assert 2 <= len(PdfReader(io.BytesIO(data)).pages) <= 3
    in_order(
        pdftotext(data),
        "The Latest SCORE News",
        "Training of enterprises, round 5",
        "Comments from",
        "Enterprise Improvement Results",
        "Yucheng Futong Electric",
        "Work area 7",
        "The Upcoming Key Activities",
        "Upcoming activity 3",
        "A gender strategy for SCORE",
        "For more information on SCORE China",
    )
    assert_dense(data)


def test_photos_print_from_the_copies_made_on_upload_without_resampling():
    issue = _typical_issue()
    pair = issue.items.get(section__kind="results").result.photo_pairs.first()
    issue = services.issue_render(issue_id=issue.pk)
    # no copy was made while rendering: the half-width copies of the upload were embedded as they are
    assert not default_storage.exists(pdf.PRINT_CACHE_DIR) or not default_storage.listdir(pdf.PRINT_CACHE_DIR)[1]
    with pair.before.print_half.open("rb") as fh:
        half = Image.open(fh).size
    assert max(half[0] / photos.PRINT_HALF_BOX[0], half[1] / photos.PRINT_HALF_BOX[1]) == pytest.approx(1, abs=0.01)
    embedded = {image.image.size for page in PdfReader(io.BytesIO(_pdf(issue))).pages for image in page.images}
    assert half in embedded
    assert max(w for w, _ in embedded) <= photos.PRINT_HALF_BOX[0]


def test_an_editor_prints_a_results_photo_pairs_at_full_width_from_the_full_width_copies():
    issue = _typical_issue()
    item = issue.items.get(section__kind="results")
    item.photo_width = item.PhotoWidth.FULL
    item.save(update_fields=["photo_width"])
    pair = item.result.photo_pairs.first()
    issue = services.issue_render(issue_id=issue.pk)
    with pair.before.print.open("rb") as fh:
        full = Image.open(fh).size
    embedded = {image.image.size for page in PdfReader(io.BytesIO(_pdf(issue))).pages for image in page.images}
    assert full in embedded and full[0] > photos.PRINT_HALF_BOX[0]
    assert max(w for w, _ in embedded) <= photos.PRINT_BOX[0]
    assert 3 <= len(PdfReader(io.BytesIO(_pdf(issue))).pages) <= 4  # four pairs across the page take room


def test_the_english_edition_prints_in_the_shipped_latin_fonts_with_words_and_metadata(make_issue):
    issue = services.issue_render(issue_id=make_issue().pk)
    data = _pdf(issue)
    fonts = pdffonts(data)
    assert fonts and all("Noto-Sans" in f or "Noto-Serif" in f for f in fonts), fonts
    assert not [f for f in fonts if "CJK" in f], fonts
    text = pdftotext(data)
    assert "SUSTAINING COMPETITIVE AND RESPONSIBLE ENTERPRISES (SCORE)" in text
    reader = PdfReader(io.BytesIO(data))
    assert reader.metadata.title == issue.title
    assert "International Labour Organization" in reader.metadata.author
    assert reader.trailer["/Root"]["/Lang"] == "en"
    assert reader.trailer["/Root"]["/MarkInfo"]["/Marked"]  # tagged for screen readers
    assert "/StructTreeRoot" in reader.trailer["/Root"]


def test_vietnamese_and_other_latin_letters_print_in_the_shipped_fonts_with_every_mark(make_issue):
    # Vietnamese letters carry two marks (ầ, ợ, ử) and Đ; Polish, Czech and Turkish names need Latin Extended. A
    # letter the shipped fonts lack would print in a fallback font the server happens to have, or as another letter.
    words = (
        "Nguyễn Thị Hương, Lê Thị Hiền dạy Mô-đun 2 ở Thành phố Hồ Chí Minh và Đà Nẵng: cải tiến năng suất, chất lượng"
    )
    NewsItemFactory(title="Hội thảo SCORE tại Đà Nẵng", place="Đà Nẵng", body=words, date=dt.date(2014, 12, 2))
    NewsItemFactory(title="Visitors from Łódź and Şişli", body="Led by Dvořák.", date=dt.date(2014, 12, 3))
    issue = services.issue_render(issue_id=make_issue().pk)
    assert issue.status == Issue.Status.READY, issue.error
    data = _pdf(issue)
    text = pdftotext(data)
    assert "SUSTAINING COMPETITIVE AND RESPONSIBLE ENTERPRISES" in text
    assert "Hội thảo SCORE tại Đà Nẵng" in text and "Visitors from Łódź and Şişli" in text
    assert set(words.split()) <= set(text.split())  # every word whole, wherever the columns break the lines
    fonts = pdffont_rows(data)
    assert fonts and all("Noto-Sans" in name or "Noto-Serif" in name for name, _embedded in fonts), fonts
    assert all(embedded for _name, embedded in fonts), fonts


def test_the_chinese_edition_sets_chinese_text_in_cjk_fonts(make_issue):
    issue = make_issue()
    chinese = services.issue_edition_create(issue=issue, language="zh-hans")
    chinese = services.issue_render(issue_id=chinese.pk)
    assert chinese.status == Issue.Status.READY, chinese.error
    assert any("CJK" in f for f in pdffonts(_pdf(chinese)))


def test_the_masthead_settings_name_the_new_issue_and_sign_the_pdf(make_issue):
    # given the editors renamed the newsletter and its publisher in the masthead settings
    from newsletters.models import Masthead

    Masthead.objects.filter(language="en").update(newsletter_name="SCORE Asia Letter", publisher="ILO Bangkok")
    # when an issue is made and printed
    issue = services.issue_render(issue_id=make_issue().pk)
    reader = PdfReader(io.BytesIO(_pdf(issue)))
    # then its usual title and the PDF's author come from the settings, not from a fixed text
    assert issue.title == "SCORE Asia Letter, Issue No. 7, December 2014"
    assert reader.metadata.title == issue.title
    assert reader.metadata.author == "ILO Bangkok"


def _words(data: bytes) -> list[tuple[str, float, float, float]]:
    """Each word of the PDF's first pages with its box: (word, x_min, y_min, page width), from pdftotext -bbox."""
    import re
    import subprocess

    out = subprocess.run(["pdftotext", "-bbox", "-", "-"], input=data, check=True, capture_output=True).stdout.decode()
    words, width, page = [], 0.0, 0
    for line in out.splitlines():
        if m := re.search(r'<page width="([\d.]+)"', line):
            width, page = float(m[1]), page + 1
        elif m := re.search(r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>([^<]*)</word>', line):
            words.append((m[3], float(m[1]), float(m[2]) + 10_000 * page, width))
    return words


def test_a_results_only_half_width_pair_prints_beside_its_text_not_alone_on_a_half_empty_row():
    # given an issue whose one result has a story, two KPI lines and a single before/after pair at half width
    result = ResultFactory(
        module=Module.objects.get(code="M1"),
        enterprise__name="Shengbao Vehicle",
        title="Monthly suggestion conference",
        narrative=BODY,
        status=Result.Status.APPROVED,
        approved_at=timezone.make_aware(dt.datetime(2014, 12, 5, 12)),
    )
    for kpi in KPI.objects.all()[:2]:
        KPILineFactory(result=result, kpi=kpi, baseline_value=Decimal("0"), followup_value=Decimal("100"))
    before, after = _photo(1), _photo(2)
    before.caption, after.caption = "Barrelsbefore lifted by two workers", "Cartafter moves one barrel"
    before.save(), after.save()
    PhotoPair.objects.create(result=result, order=1, before=before, after=after)
    issue = services.issue_render(issue_id=services.issue_create(period_start=PERIOD, number=9).pk)
    # when it prints
    words = _words(_pdf(issue))
    half = words[0][3] / 2
    top = next(w for w in words if w[0].lower() == "before")  # the pair's badge, at its top
    bottom = next(w for w in words if w[0] == "Cartafter")  # its caption, at its foot
    story = set(BODY.split()) | {"Monthly", "suggestion", "conference"}
    # then the pair stands in the right half of the page and the result's own text runs level with it, on the left
    assert top[1] > half and bottom[1] > half
    assert [w for w in words if w[0] in story and w[1] < half and top[2] <= w[2] <= bottom[2]]
