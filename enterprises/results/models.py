"""Improvement results: the KPI catalogue, results with their KPI lines, before/after photos, the approval
trail and uploaded result files. Part of the enterprises app (app label ``enterprises``)."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modeltrans.fields import TranslationField
from simple_history.models import HistoricalRecords

from core.editing import EditVersioned
from core.translated import TranslatedHistory, text
from programmes.models import Module, Organisation, TrainingRound


class KPI(EditVersioned):
    class Direction(models.TextChoices):
        HIGHER = "higher", _("Higher is better")
        LOWER = "lower", _("Lower is better")

    name = models.CharField(_("name"), max_length=200, unique=True)
    unit = models.CharField(_("unit"), max_length=100)
    i18n = TranslationField(fields=("name", "unit"))  # the name and unit in other languages (core/translated.py)
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    allows_negative = models.BooleanField(
        _("values can be negative"),
        default=False,
        help_text=_(
            "Only for a KPI whose value can fall below zero, such as a saving that turned into a loss. Counts, "
            "percentages and rates cannot: a negative value for them is refused."
        ),
    )
    description = models.TextField(_("description"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("KPI")
        verbose_name_plural = _("KPI catalogue")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.local_name

    @property
    def local_name(self) -> str:
        return text(self, "name")

    @property
    def local_unit(self) -> str:
        return text(self, "unit")


class Result(EditVersioned):
    """An enterprise's improvement result after a module."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned for correction")
        APPROVED = "approved", _("Approved")

    enterprise = models.ForeignKey(  # indexed with the id below
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="results",
        db_index=False,
    )
    module = models.ForeignKey(Module, verbose_name=_("module"), on_delete=models.PROTECT, related_name="+")
    training_round = models.ForeignKey(
        TrainingRound,
        verbose_name=_("training round"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="results",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("reported by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reported_results",
    )
    title = models.CharField(_("headline"), max_length=200, blank=True)
    narrative = models.TextField(_("narrative"), blank=True)
    i18n = TranslationField(fields=("title", "narrative"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="authored_results",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = TranslatedHistory()

    class Meta:
        verbose_name = _("improvement result")
        verbose_name_plural = _("improvement results")
        ordering = ["-updated_at"]
        indexes = [
            models.Index(fields=["-updated_at", "-id"], name="result_list_order"),  # the list's order
            # a search or a scope over the enterprises reads these two from the index alone, not the rows
            models.Index(fields=["enterprise", "id"], name="result_enterprise_id"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "module"],
                name="result_one_per_enterprise_module",
                violation_error_message=_("This enterprise already has a result for this module."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} – {self.module.code}"

    def get_absolute_url(self) -> str:
        return reverse("results:result_detail", args=[self.pk])

    # The text in the active language where there is one (an edition in it, the portal in it), else the base text.
    local_title = property(lambda self: text(self, "title"))
    local_narrative = property(lambda self: text(self, "narrative"))
    # What an edition in another language needs translated (a result of KPI lines only needs nothing).
    TRANSLATED = ("title", "narrative")


class KPILine(EditVersioned):
    result = models.ForeignKey(Result, verbose_name=_("result"), on_delete=models.CASCADE, related_name="kpi_lines")
    kpi = models.ForeignKey(KPI, verbose_name=_("KPI"), on_delete=models.PROTECT, related_name="lines")
    baseline_value = models.DecimalField(_("baseline value"), max_digits=14, decimal_places=4)
    baseline_date = models.DateField(_("baseline date"))
    followup_value = models.DecimalField(_("follow-up value"), max_digits=14, decimal_places=4)
    followup_date = models.DateField(_("follow-up date"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    period = models.CharField(
        _("values cover"),
        max_length=10,
        choices=[
            ("", _("not said")),
            ("month", _("per month")),
            ("quarter", _("over three months")),
            ("year", _("per year")),
        ],
        blank=True,
        help_text=_("The period each value covers, printed next to the unit (e.g. 'tons, per month')."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("KPI line")
        verbose_name_plural = _("KPI lines")
        ordering = ["kpi__order", "kpi__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["result", "kpi"],
                name="kpi_line_unique_per_result",
                violation_error_message=_("This KPI is already in this result."),
            ),
            models.CheckConstraint(
                condition=Q(followup_date__gte=F("baseline_date")),
                name="kpi_line_followup_not_before_baseline",
                violation_error_message=_("The follow-up cannot be dated before the baseline."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kpi}: {self.baseline_value} → {self.followup_value}"

    @property
    def change(self) -> Decimal:
        return self.followup_value - self.baseline_value

    @property
    def change_percent(self) -> Decimal | None:
        if not self.baseline_value:
            return None
        return (self.change / abs(self.baseline_value) * 100).quantize(Decimal("0.01"))

    @property
    def improved(self) -> bool | None:
        if self.change == 0:
            return None
        return (self.change > 0) == (self.kpi.direction == KPI.Direction.HIGHER)


class Photo(models.Model):
    """One photo as stored: cleaned on upload, with the copies pages and the newsletter use.

    ``image`` is the stored master (orientation applied, location metadata stripped, scaled to a sane
    maximum); ``web``, ``print``, ``print_half`` and ``thumbnail`` are derived once, so no page ever sends the
    master. ``print`` and ``print_half`` are the newsletter's: the size a full-width and a half-width photo pair
    prints a photo at, at 300 dpi (see photos.py), so the PDF embeds them as they are.
    """

    image = models.ImageField(_("photo"), upload_to="photos/%Y/%m/")
    web = models.ImageField(_("web copy"), upload_to="photos/web/%Y/%m/", blank=True)
    print = models.ImageField(_("print copy"), upload_to="photos/print/%Y/%m/", blank=True)
    print_half = models.ImageField(_("half-width print copy"), upload_to="photos/print/%Y/%m/", blank=True)
    thumbnail = models.ImageField(_("thumbnail"), upload_to="photos/thumb/%Y/%m/", blank=True)
    width = models.PositiveIntegerField(_("width"), null=True, blank=True)
    height = models.PositiveIntegerField(_("height"), null=True, blank=True)
    # May stay empty when the pair has one caption for both photos (PhotoPair.caption).
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    i18n = TranslationField(fields=("caption",))
    credit = models.CharField(_("credit"), max_length=200, blank=True)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    history = TranslatedHistory()

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")

    def __str__(self) -> str:
        return self.caption[:60]

    local_caption = property(lambda self: text(self, "caption"))


class PhotoPair(models.Model):
    result = models.ForeignKey(Result, verbose_name=_("result"), on_delete=models.CASCADE, related_name="photo_pairs")
    before = models.OneToOneField(
        Photo, verbose_name=_("before"), on_delete=models.PROTECT, related_name="pair_as_before"
    )
    after = models.OneToOneField(Photo, verbose_name=_("after"), on_delete=models.PROTECT, related_name="pair_as_after")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    # One caption for the pair, printed under both photos, besides or instead of a caption per photo.
    caption = models.CharField(_("caption of the pair"), max_length=300, blank=True)
    i18n = TranslationField(fields=("caption",))
    # SHA-256 of the two uploaded files: the same pair sent twice (a double click, a retry) is stored once
    uploads_sha256 = models.CharField(_("SHA-256 of the uploads"), max_length=64, blank=True, editable=False)
    history = TranslatedHistory()

    class Meta:
        verbose_name = _("before/after photo pair")
        verbose_name_plural = _("before/after photo pairs")
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["result", "uploads_sha256"],
                condition=~models.Q(uploads_sha256=""),
                name="photo_pair_unique_uploads_per_result",
            )
        ]

    def __str__(self) -> str:
        return f"{self.result}: {(self.caption or self.before.caption)[:40]}"

    local_caption = property(lambda self: text(self, "caption"))


class ResultStep(models.Model):
    """One step of a result's approval trail: who moved it from which status to which, when and why."""

    result = models.ForeignKey(Result, verbose_name=_("result"), on_delete=models.CASCADE, related_name="steps")
    from_status = models.CharField(_("from"), max_length=20, choices=Result.Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=Result.Status.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("approval step")
        verbose_name_plural = _("approval steps")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.result}: {self.from_status or '–'} → {self.to_status}"


class ResultImport(models.Model):
    """An uploaded Excel/CSV file of results, kept between its preview and its import."""

    class Status(models.TextChoices):
        PREVIEWED = "previewed", _("Previewed")
        IMPORTED = "imported", _("Imported")

    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    filename = models.CharField(_("file name"), max_length=255)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.CASCADE, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PREVIEWED)
    rows_imported = models.PositiveIntegerField(_("rows imported"), default=0)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    imported_at = models.DateTimeField(_("imported at"), null=True, blank=True)

    class Meta:
        verbose_name = _("results upload")
        verbose_name_plural = _("results uploads")
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return self.filename
