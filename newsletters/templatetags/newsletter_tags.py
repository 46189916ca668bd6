"""Filters the newsletter document uses: photo sources for print, KPI figures as people write them."""

import datetime as dt
from decimal import Decimal

from django import template
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from enterprises.figures import figure_chart
from enterprises.results.photos import PRINT_BOX, PRINT_HALF_BOX
from newsletters import pdf
from programmes.models import chinese_active

register = template.Library()


@register.filter
def print_src(photo, width: str = "half") -> str:
    """A result photo for the PDF, printed in a half-width ("half", the default) or full-width ("full") photo pair:
    the print copy made on upload for that width, else the master (a copy of that size is made by pdf.py)."""
    full = width == "full"
    copy = photo.print if full else getattr(photo, "print_half", None)
    if copy:
        return pdf.media_src(copy.name)
    return pdf.media_src(photo.image.name, box=PRINT_BOX if full else PRINT_HALF_BOX)


@register.filter
def pair_beside_text(placement, pairs) -> bool:
    """A result's only pair, printed at half width, goes beside its text rather than alone on a half-empty row."""
    return bool(placement.prints_story and placement.photo_width == "half" and len(pairs) == 1)


def photo_alt(photo, pair, *, after: bool) -> str:
    """A photo's alternative text, as the page shows it: 'Before: Storage area', 'After: Storage area', or
    'Before' alone when neither the photo nor its pair has a caption."""
    caption = photo.local_caption or pair.local_caption
    if after:
        return _("After: %(caption)s") % {"caption": caption} if caption else _("After")
    return _("Before: %(caption)s") % {"caption": caption} if caption else _("Before")


@register.filter
def before_alt(pair) -> str:
    return photo_alt(pair.before, pair, after=False)


@register.filter
def after_alt(pair) -> str:
    return photo_alt(pair.after, pair, after=True)


@register.filter
def image_src(image_field) -> str:
    """A portrait for the PDF (printed 26 mm wide): a copy of that size is made by pdf.py."""
    return pdf.media_src(image_field.name, box=pdf.PORTRAIT_BOX) if image_field else ""


def _plain(value: Decimal) -> str:
    value = Decimal(value).normalize()
    if value == value.to_integral():
        value = value.quantize(Decimal(1))
    return f"{value:,}"


@register.filter
def kpi_value(value) -> str:
    """4.1300 -> '4.13', 255700.0000 -> '255,700'."""
    return _plain(value)


@register.filter
def kpi_change(line) -> str:
    """'+307', '−3.52 (−85.23 %)'."""
    change = line.change
    sign = "+" if change > 0 else ("−" if change < 0 else "±")
    text = f"{sign}{_plain(abs(change))}"
    percent = line.change_percent
    if percent is not None and "%" not in line.kpi.unit:
        psign = "+" if percent > 0 else ("−" if percent < 0 else "±")
        text += f" ({psign}{_plain(abs(percent))} %)"
    return text


@register.filter
def initials(name: str) -> str:
    return "".join(part[0] for part in name.split()[:2]).upper()


@register.filter
def longdate(value) -> str:
    """A date as the newsletter writes it: '14 November 2014', or '2014年11月14日' in Chinese."""
    if not value:
        return ""
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return formats.date_format(value, "Y年n月j日" if chinese_active() else "j F Y")


@register.filter
def headline(record) -> str:
    """A record's heading as the newsletter writes it: 'Taixing, Jiangsu: ToE on Module 2', or '江苏泰兴：模块二…'."""
    place, title = record.local_place, record.local_title
    if not place:
        return title
    return f"{place}：{title}" if chinese_active() else f"{place}: {title}"


@register.filter
def recorddate(record) -> str:
    """A news item's date line as the record is dated: '13 May 2014', or 'July 2014' when dated to the month."""
    value = getattr(record, "date", None) or getattr(record, "starts_on", None)
    if getattr(record, "date_precision", "day") == "month":
        return monthdate(value)
    return longdate(value)


@register.filter
def monthdate(value) -> str:
    """'July 2014', or '2014年7月' in Chinese."""
    if not value:
        return ""
    return formats.date_format(value, "Y年n月" if chinese_active() else "F Y")


@register.filter
def eventdates(event) -> str:
    """An event's dates: '2 March 2015', '2 – 3 March 2015' written in full, or 'March 2015' when dated to the month."""
    if event.date_precision == "month":
        start, end = monthdate(event.starts_on), monthdate(event.ends_on)
        return f"{start} – {end}" if event.ends_on and end != start else start
    if event.ends_on and event.ends_on != event.starts_on:
        return f"{longdate(event.starts_on)} – {longdate(event.ends_on)}"
    return longdate(event.starts_on)


@register.filter
def chart_src(figure) -> str:
    """A figure's chart for the document: the SVG ``core.charts`` draws for the figures page too, registered as one
    of the document's resources (the PDF embeds it; the web version shows the same SVG)."""
    svg = figure_chart(figure, prefix="newsletter-")
    return pdf.chart_src(svg) if svg else ""


@register.simple_tag
def static_src(path: str) -> str:
    """A static file (a font, a stylesheet) for the document, registered as one of its resources."""
    return pdf.static_src(path)


# The Latin fonts the newsletter prints with (static/fonts/, SIL Open Font License; `make fonts` refreshes them):
# Noto Sans for text, Noto Serif for the masthead, each in the Latin and Latin Extended subsets. Chinese text is set
# in the system's Noto CJK fonts, and only where the text is Chinese (see :lang(zh) in newsletter-print.css).
UNICODE_RANGES = {
    "latin": "U+0000-00FF, U+0131, U+0152-0153, U+02BB-02BC, U+02C6, U+02DA, U+02DC, U+0304, U+0308, U+0329, "
    "U+2000-206F, U+20AC, U+2122, U+2191, U+2193, U+2212, U+2215, U+FEFF, U+FFFD",
    "latin-ext": "U+0100-02BA, U+02BD-02C5, U+02C7-02CC, U+02CE-02D7, U+02DD-02FF, U+0304, U+0308, U+0329, "
    "U+1D00-1DBF, U+1E00-1E9F, U+1EF2-1EFF, U+2020, U+20A0-20AB, U+20AD-20C0, U+2113, U+2C60-2C7F, U+A720-A7FF",
}
FONT_FACES = (
    ("Noto Sans", "noto-sans", 400, "normal"),
    ("Noto Sans", "noto-sans", 400, "italic"),
    ("Noto Sans", "noto-sans", 700, "normal"),
    ("Noto Sans", "noto-sans", 700, "italic"),
    ("Noto Serif", "noto-serif", 700, "normal"),
    ("Noto Serif", "noto-serif", 400, "italic"),
)


@register.simple_tag
def font_faces() -> str:
    """The @font-face rules of the shipped fonts, each file registered as a resource of the document."""
    rules = format_html_join(
        "\n",
        '@font-face {{ font-family: "{}"; src: url("{}") format("woff"); font-weight: {}; font-style: {}; '
        "unicode-range: {}; }}",
        (
            (family, pdf.static_src(f"fonts/{stem}-{subset}-{weight}-{style}.woff"), weight, style, ranges)
            for family, stem, weight, style in FONT_FACES
            for subset, ranges in UNICODE_RANGES.items()
        ),
    )
    return format_html("<style>\n{}\n</style>", rules)
