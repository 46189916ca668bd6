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
from newsletters.models import chinese_active

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


def has_han(text: str) -> bool:
    """Whether the text holds Chinese characters (CJK ideographs)."""
    return any("\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" for ch in text)


@register.filter
def headline(record) -> str:
    """A record's heading as the newsletter writes it: 'Taixing, Jiangsu: ToE on Module 2', or '江苏泰兴：模块二…'.
    A full-width colon follows Chinese only: a record without Chinese text keeps ': ' in the Chinese edition."""
    place, title = record.local_place, record.local_title
    if not place:
        return title
    return f"{place}：{title}" if chinese_active() and has_han(place) else f"{place}: {title}"


def _year_of(issue) -> int | None:
    return issue.period_start.year if getattr(issue, "period_start", None) else None


@register.filter
def recorddate(record, issue=None) -> str:
    """A news item's date line as the record is dated: '13 May 2014'; dated to the month, 'In July' in the year of
    the issue (``issue``, when given) and 'July 2014' in any other."""
    value = getattr(record, "date", None) or getattr(record, "starts_on", None)
    if getattr(record, "date_precision", "day") == "month":
        return month_range(value, None, year=_year_of(issue))
    return longdate(value)


@register.filter
def monthdate(value) -> str:
    """'July 2014', or '2014年7月' in Chinese."""
    if not value:
        return ""
    return formats.date_format(value, "Y年n月" if chinese_active() else "F Y")


def month_range(start, end=None, *, year: int | None = None) -> str:
    """Months as people write them: 'July 2014', 'July–August 2014', 'December 2014 – January 2015'; within
    ``year`` (the issue's), 'In July', 'In July and August'. In Chinese '2014年7月', '2014年7月至8月', '7月'."""
    if not start:
        return ""
    if end and (end.year, end.month) == (start.year, start.month):
        end = None
    if end and end.year != start.year:
        return f"{monthdate(start)}至{monthdate(end)}" if chinese_active() else f"{monthdate(start)} – {monthdate(end)}"
    month = formats.date_format(start, "F")
    in_year = year is not None and start.year == year
    if chinese_active():
        prefix = "" if in_year else f"{start.year}年"
        return f"{prefix}{start.month}月至{end.month}月" if end else f"{prefix}{start.month}月"
    if in_year:
        if end:
            return _("In %(start)s and %(end)s") % {"start": month, "end": formats.date_format(end, "F")}
        return _("In %(month)s") % {"month": month}
    return f"{month}–{monthdate(end)}" if end else monthdate(start)


@register.filter
def daterange(start, end=None) -> str:
    """Days as people write them, in the active language: '4 September 2014', '4–5 September 2014',
    '30 June – 2 July 2014', '30 December 2014 – 2 January 2015'; '2014年9月4日', '2014年9月4日至5日',
    '2014年6月30日至7月2日', '2014年12月30日至2015年1月2日'."""
    if not start:
        return ""
    if not end or end == start:
        return longdate(start)
    chinese = chinese_active()
    if start.year != end.year:
        return f"{longdate(start)}至{longdate(end)}" if chinese else f"{longdate(start)} – {longdate(end)}"
    if chinese:
        tail = f"{end.day}日" if start.month == end.month else f"{end.month}月{end.day}日"
        return f"{longdate(start)}至{tail}"
    if start.month == end.month:
        return f"{start.day}–{longdate(end)}"
    return f"{formats.date_format(start, 'j F')} – {longdate(end)}"


@register.filter
def eventdates(event, issue=None) -> str:
    """An event's dates: '2 March 2015', '4–5 September 2014', '30 June – 2 July 2014'; dated to the month,
    'March 2015' (or 'In March' in the issue's year)."""
    if event.date_precision == "month":
        return month_range(event.starts_on, event.ends_on, year=_year_of(issue))
    return daterange(event.starts_on, event.ends_on)


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


# The fonts the newsletter prints with (static/fonts/, SIL Open Font License; `make fonts` refreshes them): Noto Sans
# for text, Noto Serif for the masthead, each face one file holding the Latin, Latin Extended and Vietnamese letters
# (ầ, ợ, Đ, ł, ş), so no Latin-script text needs a fallback font. Chinese text is set in the system's Noto CJK
# fonts, and only where the text is Chinese (see :lang(zh) in newsletter-print.css).
FONT_FACES = (
    ("Noto Sans", "noto-sans", 400, "normal"),
    ("Noto Sans", "noto-sans", 400, "italic"),
    ("Noto Sans", "noto-sans", 700, "normal"),
    ("Noto Sans", "noto-sans", 700, "italic"),
    ("Noto Serif", "noto-serif", 700, "normal"),
    ("Noto Serif", "noto-serif", 400, "italic"),
)


def font_face_rules(url) -> str:
    """The @font-face rules of the shipped fonts, each file's address given by ``url(static path)``: the PDF's
    registered resource names (font_faces), or the static URLs the web edition's stylesheet names
    (views.fonts_css), so the web edition is set in the same fonts as the PDF."""
    return format_html_join(
        "\n",
        '@font-face {{ font-family: "{}"; src: url("{}") format("woff"); font-weight: {}; font-style: {}; }}',
        (
            (family, url(f"fonts/{stem}-{weight}-{style}.woff"), weight, style)
            for family, stem, weight, style in FONT_FACES
        ),
    )


@register.simple_tag
def font_faces() -> str:
    """The @font-face rules of the shipped fonts, each file registered as a resource of the document."""
    return format_html("<style>\n{}\n</style>", font_face_rules(pdf.static_src))
