"""Small helpers for the results templates."""

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def link_or_text(obj, text=None):
    """A link to the object's page when that page exists, else its name as plain text.

    Results pages link to enterprises and rounds, whose pages another part of the portal provides; until
    their URL names exist the names show as text rather than breaking the page.
    """
    if obj is None:
        return "–"
    label = text if text is not None else str(obj)
    try:
        url = obj.get_absolute_url()
    except (NoReverseMatch, AttributeError):
        return label
    return format_html('<a href="{}">{}</a>', url, label)


@register.simple_tag
def photo_url(photo, variant="web"):
    return reverse("results:photo_file", args=[photo.pk, variant])


@register.filter
def signed(value):
    """A decimal with its sign and without trailing zeros: +3.98, -3.52, 0."""
    if value is None:
        return ""
    text = f"{value.normalize():f}" if hasattr(value, "normalize") else str(value)
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text if text.startswith("-") or text == "0" else f"+{text}"


@register.filter
def plain(value):
    """A decimal without trailing zeros: 4.13, 307."""
    if value is None:
        return ""
    text = f"{value.normalize():f}" if hasattr(value, "normalize") else str(value)
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


STATUS_BADGES = {"draft": "secondary", "submitted": "primary", "returned": "warning", "approved": "success"}


@register.filter
def status_badge(status):
    return STATUS_BADGES.get(status, "secondary")


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def shown(row, column):
    return row.shown(column)


@register.filter
def person(user):
    """A user's full name, or their username, or a dash when nobody (a deleted account) is recorded."""
    if user is None:
        return "–"
    return user.get_full_name() or user.username
