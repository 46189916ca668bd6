"""Filters the newsletter document uses: photo sources for print, KPI figures as people write them."""

import datetime as dt
from decimal import Decimal

from django import template
from django.utils import formats, timezone

from newsletters import pdf
from programmes.models import chinese_active

register = template.Library()


@register.filter
def print_src(photo) -> str:
    """A photo for the PDF: its own print copy when it has one, else the master (scaled by the fetcher)."""
    field = photo.print if getattr(photo, "print", None) else photo.image
    return pdf.media_src(field.name)


@register.filter
def image_src(image_field) -> str:
    return pdf.media_src(image_field.name) if image_field else ""


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
