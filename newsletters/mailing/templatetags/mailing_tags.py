from django import template
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def subscribe_box(context, country, source: str = "archive", issue=None):
    """The subscribe form of ``country``'s newsletter (its archive page includes it with one tag)."""
    from ..views import subscribe_box as box

    return mark_safe(box(context["request"], source=source, issue=issue, country=country))  # noqa: S308 (a rendered template)


@register.inclusion_tag("mailing/_issue_card.html", takes_context=True)
def mailing_card(context, issue):
    """The e-mail edition's card on an issue's page: preview, a test to oneself, and the sending."""
    from ..selectors import mailing_progress

    return {
        "issue": issue,
        "request": context["request"],
        "csrf_token": context.get("csrf_token"),
        **mailing_progress(issue),
    }
