from django import template
from django.utils.html import format_html

from core.once import FIELD, new_token

register = template.Library()


@register.simple_tag
def once_token() -> str:
    """A create form's one-time token (core/once.py): put it beside {% csrf_token %}."""
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, new_token())
