from django import template
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def subscribe_box(context, source: str = "archive", issue=None):
    """The subscribe form (newsletters' archive page includes it with one tag)."""
    from ..views import subscribe_box as box

    return mark_safe(box(context["request"], source=source, issue=issue))  # noqa: S308 (a rendered template)
