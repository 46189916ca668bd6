from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from programmes.models import TrainingRound
from trainers.models import Trainer


class NewsItem(models.Model):
    class Section(models.TextChoices):
        NEWS = "news", _("The Latest SCORE News")
        CSR = "csr", _("Latest News on CSR Development")
        PRACTICE = "practice", _("CSR Practice Sharing Hub")
        FEATURE = "feature", _("Special topic")

    title = models.CharField(_("title"), max_length=300)
    place = models.CharField(_("place"), max_length=200, blank=True, help_text=_("E.g. 'Taixing, Jiangsu'."))
    date = models.DateField(_("date"))
    body = models.TextField(_("body"))
    section = models.CharField(_("section"), max_length=20, choices=Section.choices, default=Section.NEWS)
    training_round = models.ForeignKey(
        TrainingRound,
        verbose_name=_("training round"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="news_items",
    )

    class Meta:
        verbose_name = _("news item")
        verbose_name_plural = _("news items")
        ordering = ["-date", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["title", "date"],
                name="news_item_unique_title_date",
                violation_error_message=_("A news item with this title already exists for that date."),
            )
        ]

    def __str__(self) -> str:
        return self.title


class Event(models.Model):
    """An upcoming key activity."""

    title = models.CharField(_("title"), max_length=300)
    place = models.CharField(_("place"), max_length=200, blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    body = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("upcoming event")
        verbose_name_plural = _("upcoming events")
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="event_end_not_before_start",
                violation_error_message=_("An event cannot end before it starts."),
            ),
            models.UniqueConstraint(
                fields=["title", "starts_on"],
                name="event_unique_title_start",
                violation_error_message=_("An event with this title already starts that day."),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ExpertComment(models.Model):
    trainer = models.ForeignKey(
        Trainer, verbose_name=_("trainer"), on_delete=models.PROTECT, related_name="expert_comments"
    )
    heading = models.CharField(_("heading"), max_length=200, blank=True)
    quote = models.TextField(_("quote"))
    given_on = models.DateField(_("date"))

    class Meta:
        verbose_name = _("expert comment")
        verbose_name_plural = _("expert comments")
        ordering = ["-given_on"]

    def __str__(self) -> str:
        return f"{self.trainer}: {self.quote[:50]}"


class Issue(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        RENDERING = "rendering", _("Rendering")
        READY = "ready", _("Ready")
        PUBLISHED = "published", _("Published")
        FAILED = "failed", _("Failed")

    number = models.PositiveIntegerField(_("number"), unique=True)
    period_start = models.DateField(
        _("period start"), help_text=_("The first day of the issue's two-month period (January, March, May, ...).")
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    introduction = models.TextField(_("editorial introduction"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    pdf = models.FileField(_("PDF"), upload_to="newsletters/", blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("newsletter issue")
        verbose_name_plural = _("newsletter issues")
        ordering = ["-number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(number__gte=1),
                name="issue_number_positive",
                violation_error_message=_("Issue numbers start at 1."),
            ),
            models.CheckConstraint(
                condition=Q(period_start__day=1) & Q(period_start__month__in=[1, 3, 5, 7, 9, 11]),
                name="issue_period_starts_two_month_period",
                violation_error_message=_(
                    "An issue's period starts on the first day of January, March, May, July, September or November."
                ),
            ),
            models.UniqueConstraint(
                fields=["period_start"],
                name="issue_unique_period",
                violation_error_message=_("There is already an issue for this period."),
            ),
        ]

    def __str__(self) -> str:
        return _("Issue No. %(number)s") % {"number": self.number}

    def get_absolute_url(self) -> str:
        return reverse("newsletters:issue_detail", args=[self.pk])
