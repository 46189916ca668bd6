"""Subscribers of the newsletter's e-mail edition, the sending of an edition to them, and one delivery per
subscriber and edition (docs/newsletter.md, "The e-mail edition")."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core import standards
from newsletters.models import Issue
from programmes.models import Country


def new_key() -> str:
    return uuid.uuid4().hex


class Subscriber(models.Model):
    """A reader of one country programme's newsletter, in one of its languages or all of them (``EVERY``)."""

    class Language(models.TextChoices):
        # the languages of the China programme's newsletter, which every subscriber had before each country had its
        # own; a subscriber's language is any of its country's languages, or EVERY (subscriber_language_choices)
        ENGLISH = "en", _("English")
        CHINESE = "zh-hans", _("Chinese")
        BOTH = "both", _("Every language")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for confirmation")
        CONFIRMED = "confirmed", _("Subscribed")
        UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")
        BOUNCED = "bounced", _("Address bounced")
        COMPLAINED = "complained", _("Marked as spam")

    class Source(models.TextChoices):
        ARCHIVE = "archive", _("Form on the archive")
        WEB_EDITION = "web_edition", _("Form on an issue's web page")
        IMPORT = "import", _("Imported by an editor")

    country = models.ForeignKey(
        Country, verbose_name=_("newsletter"), on_delete=models.PROTECT, related_name="subscribers"
    )
    email = models.EmailField(_("e-mail"), max_length=254)
    language = models.CharField(_("language"), max_length=10, default=Language.ENGLISH)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    # The portal's own e-mails to this person (confirmation, preferences) speak this language.
    locale = models.CharField(_("language of the portal's e-mails"), max_length=10, default="en")
    # Signed into every link of their e-mails; a new key invalidates every link sent before.
    key = models.CharField(_("link key"), max_length=32, unique=True, default=new_key, editable=False)
    consent_text = models.TextField(_("consent given"), blank=True)
    consent_source = models.CharField(_("consent given through"), max_length=20, choices=Source.choices)
    consent_note = models.CharField(_("consent details"), max_length=300, blank=True)
    consented_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    confirmation_sent_at = models.DateTimeField(_("confirmation sent at"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed at"), null=True, blank=True)
    stopped_reason = models.CharField(_("why sending stopped"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")
        ordering = ["email"]
        constraints = [
            models.CheckConstraint(
                condition=Q(email=models.functions.Lower("email")), name="subscriber_email_lowercase"
            ),
            models.UniqueConstraint(
                fields=["country", "email"],
                name="subscriber_unique_country_email",
                violation_error_message=_("This address already subscribes to this newsletter."),
            ),
        ]

    def __str__(self) -> str:
        return self.email

    @property
    def languages(self) -> list[str]:
        """The editions this subscriber receives: of their country's newsletter, one language or all of them."""
        if self.language == self.Language.BOTH:
            return list(self.country.languages)
        return [self.language]

    @property
    def language_label(self) -> str:
        return dict(subscriber_language_choices(self.country)).get(self.language, self.language)


def subscriber_language_choices(country: Country) -> list[tuple[str, str]]:
    """What a subscriber of ``country``'s newsletter chooses among: each of its languages, and all of them when it
    has several ('English and Simplified Chinese')."""
    names = [(code, standards.language_name(code)) for code in country.languages]
    if len(names) > 1:
        every = _("%(languages)s and %(last)s") % {
            "languages": ", ".join(str(name) for _code, name in names[:-1]),
            "last": names[-1][1],
        }
        names.append((Subscriber.Language.BOTH, every))
    return names


class Mailing(models.Model):
    """The sending of one published edition to its subscribers: started once, paused and resumed by an editor."""

    class Status(models.TextChoices):
        SENDING = "sending", _("Sending")
        PAUSED = "paused", _("Paused")
        DONE = "done", _("Sent")

    issue = models.OneToOneField(Issue, verbose_name=_("edition"), on_delete=models.PROTECT, related_name="mailing")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.SENDING)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("mailing")
        verbose_name_plural = _("mailings")

    def __str__(self) -> str:
        return f"{self.issue} ({self.issue.language})"


class Delivery(models.Model):
    """One edition to one subscriber: made when the sending starts, claimed by one sender at a time."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Not sent (unsubscribed or bounced)")

    mailing = models.ForeignKey(Mailing, verbose_name=_("mailing"), on_delete=models.CASCADE, related_name="deliveries")
    issue = models.ForeignKey(Issue, verbose_name=_("edition"), on_delete=models.PROTECT, related_name="+")
    subscriber = models.ForeignKey(
        Subscriber, verbose_name=_("subscriber"), on_delete=models.CASCADE, related_name="deliveries"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(fields=["subscriber", "issue"], name="delivery_unique_subscriber_edition"),
        ]
        # a sender asks for "the first pending delivery of this mailing" once per message: an index in that order
        indexes = [models.Index(fields=["mailing", "status", "id"], name="delivery_mailing_status_id")]

    def __str__(self) -> str:
        return f"{self.issue} → {self.subscriber}"
