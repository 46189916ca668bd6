"""The messages of the e-mail edition, as Django e-mail messages: the confirmation, and links shared by all."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from newsletters.models import Masthead

from . import tokens
from .models import Subscriber


def absolute(path: str) -> str:
    """An address on the portal as readers reach it (PORTAL_URL: the e-mails are read far from any request)."""
    return settings.PORTAL_URL.rstrip("/") + path


def preferences_url(subscriber: Subscriber) -> str:
    return absolute(reverse("mailing:preferences", args=[tokens.subscriber_token(subscriber.key)]))


def unsubscribe_url(subscriber: Subscriber) -> str:
    return absolute(reverse("mailing:unsubscribe", args=[tokens.subscriber_token(subscriber.key)]))


def confirm_url(subscriber: Subscriber) -> str:
    return absolute(reverse("mailing:confirm", args=[tokens.confirm_token(subscriber.key)]))


def from_address() -> str:
    return settings.MAILING_FROM_EMAIL


def confirmation_message(subscriber: Subscriber) -> EmailMultiAlternatives:
    """ "Please confirm": in the language the person subscribed in, plain text and HTML, the link expiring."""
    with translation.override(subscriber.locale):
        masthead = Masthead.for_edition(subscriber.country, subscriber.locale)
        subject = _("Confirm your subscription to the %(newsletter)s") % {"newsletter": masthead.newsletter_name}
        context = {
            "subscriber": subscriber,
            "confirm_url": confirm_url(subscriber),
            "days": max(1, settings.MAILING_CONFIRM_MAX_AGE // 86400),
            "language": subscriber.language_label,
            "newsletter": masthead.newsletter_name,
            "subject": subject,
            # as the newsletter signs: 'SCORE China Team, International Labour Organization'
            "signature": ", ".join(part for part in (masthead.team_signature, masthead.publisher) if part),
        }
        message = EmailMultiAlternatives(
            subject=subject,
            body=render_to_string("mailing/email/confirm.txt", context),
            from_email=from_address(),
            to=[subscriber.email],
        )
        message.attach_alternative(render_to_string("mailing/email/confirm.html", context), "text/html")
    return message
