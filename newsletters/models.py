import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from modeltrans.fields import TranslationField

from core import standards
from core.editing import EditVersioned
from core.translated import text
from programmes.models import Country, TrainingRound
from trainers.models import Trainer


class DatePrecision(models.TextChoices):
    """How exactly a record is dated: to the day ('13 May 2014') or to the month ('July 2014')."""

    DAY = "day", _("to the day")
    MONTH = "month", _("to the month")


def date_precision_field() -> models.CharField:
    return models.CharField(
        _("dated"),
        max_length=5,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
        help_text=_("Dated to the month, the newsletter prints 'July 2014'; the day then only orders the records."),
    )


def validate_edition_language(value: str) -> None:
    """One language tag (any language a country programme writes in: 'vi', 'es', not only the interface's)."""
    standards.validate_languages([value])


def country_field(related_name: str) -> models.ForeignKey:
    """The country programme a newsletter record belongs to (its editors, its issues)."""
    return models.ForeignKey(Country, verbose_name=_("country"), on_delete=models.PROTECT, related_name=related_name)


class NewsItem(EditVersioned):
    class Section(models.TextChoices):
        NEWS = "news", _("The Latest SCORE News")
        CSR = "csr", _("Latest News on CSR Development")
        PRACTICE = "practice", _("CSR Practice Sharing Hub")
        FEATURE = "feature", _("Special topic")

    country = country_field("news_items")
    title = models.CharField(_("title"), max_length=300)
    place = models.CharField(_("place"), max_length=200, blank=True, help_text=_("E.g. 'Taixing, Jiangsu'."))
    date = models.DateField(_("date"))
    date_precision = date_precision_field()
    body = models.TextField(_("body"))
    # The title, place and body in the record's other languages (core/translated.py).
    i18n = TranslationField(fields=("title", "place", "body"))
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

    # The text in the active language where there is one (an edition in that language, the portal in it), else the
    # base text; `TRANSLATED` are the fields an edition in another language needs translated.
    TRANSLATED = ("title", "body")
    local_title = property(lambda self: text(self, "title"))
    local_place = property(lambda self: text(self, "place"))
    local_body = property(lambda self: text(self, "body"))


class Event(EditVersioned):
    """An upcoming key activity."""

    country = country_field("events")
    title = models.CharField(_("title"), max_length=300)
    place = models.CharField(_("place"), max_length=200, blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    date_precision = date_precision_field()
    body = models.TextField(_("description"), blank=True)
    i18n = TranslationField(fields=("title", "place", "body"))

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

    TRANSLATED = ("title", "body")
    local_title = property(lambda self: text(self, "title"))
    local_place = property(lambda self: text(self, "place"))
    local_body = property(lambda self: text(self, "body"))


class QuotedPerson(EditVersioned):
    """Someone a quote in the newsletter is from: a module expert, a manager, an official. Editors enter them;
    a link to a trainer of the portal is optional (the trainer's photo is used when the person has none)."""

    name = models.CharField(
        _("name"),
        max_length=200,
        blank=True,
        help_text=_("Leave empty to attribute the quote to the role alone (printed without a portrait)."),
    )
    role = models.CharField(_("role"), max_length=200, blank=True, help_text=_("E.g. 'SCORE Module Expert on OSH'."))
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    photo = models.ImageField(_("photo"), upload_to="newsletters/people/", blank=True)
    trainer = models.ForeignKey(
        Trainer,
        verbose_name=_("trainer in the portal"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Optional: only when the person is one of the programme's trainers."),
    )
    i18n = TranslationField(fields=("name", "role", "organisation"))

    class Meta:
        verbose_name = _("quoted person")
        verbose_name_plural = _("quoted people")
        ordering = ["name", "role"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(name="") | ~Q(role=""),
                name="quoted_person_has_name_or_role",
                violation_error_message=_("Give a name, or a role the quote is attributed to."),
            )
        ]

    def __str__(self) -> str:
        return self.name or self.role

    local_name = property(lambda self: text(self, "name"))
    local_role = property(lambda self: text(self, "role"))
    local_organisation = property(lambda self: text(self, "organisation"))
    TRANSLATED = ("name", "role", "organisation")

    @property
    def portrait(self):
        return self.photo or (self.trainer.photo if self.trainer_id else None)


class ExpertComment(EditVersioned):
    country = country_field("expert_comments")
    person = models.ForeignKey(
        QuotedPerson,
        verbose_name=_("quote by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="comments",
        help_text=_("Who said it (add a person under 'People quoted'); or choose a trainer below."),
    )
    trainer = models.ForeignKey(
        Trainer,
        verbose_name=_("trainer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="expert_comments",
    )
    heading = models.CharField(_("heading"), max_length=200, blank=True)
    quote = models.TextField(_("quote"))
    given_on = models.DateField(_("date"))
    i18n = TranslationField(fields=("heading", "quote"))

    class Meta:
        verbose_name = _("expert comment")
        verbose_name_plural = _("expert comments")
        ordering = ["-given_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False) | Q(trainer__isnull=False),
                name="expert_comment_has_a_person",
                violation_error_message=_("Say who the quote is from: a person quoted or a trainer."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_name or ', '.join(self.person_lines)}: {self.quote[:50]}"

    local_heading = property(lambda self: text(self, "heading"))
    local_quote = property(lambda self: text(self, "quote"))
    TRANSLATED = ("quote",)

    # Who the quote is from, as the newsletter prints it: the person quoted, else the trainer.
    @property
    def person_name(self) -> str:
        if self.person_id:
            return self.person.local_name
        return self.trainer.name if self.trainer_id else ""

    @property
    def person_lines(self) -> list[str]:
        """The role and organisation lines under the name."""
        if self.person_id:
            return [t for t in (self.person.local_role, self.person.local_organisation) if t]
        if not self.trainer_id:
            return []
        lines = [self.trainer.position] if self.trainer.position else []
        organisation = self.trainer.organisation.name if self.trainer.organisation_id else ""
        if organisation and organisation not in self.trainer.position:
            lines.append(organisation)
        return lines

    @property
    def person_photo(self):
        if self.person_id:
            return self.person.portrait
        return self.trainer.photo if self.trainer_id else None


class Issue(EditVersioned):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        RENDERING = "rendering", _("Rendering")
        READY = "ready", _("Ready")
        PUBLISHED = "published", _("Published")
        FAILED = "failed", _("Failed")

    country = country_field("issues")
    number = models.PositiveIntegerField(
        _("number"), help_text=_("Editions of one issue in other languages share its number and period.")
    )
    period_start = models.DateField(
        _("period start"), help_text=_("The first day of the issue's two-month period (January, March, May, ...).")
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    introduction = models.TextField(_("editorial introduction"), blank=True)
    # any language its country programme writes in (Viet Nam's newsletter has a Vietnamese edition)
    language = models.CharField(
        _("language"),
        max_length=10,
        validators=[validate_edition_language],
        default="en",
        help_text=_(
            "The language the issue is printed in: headings, dates, masthead, and its records' text in that language "
            "where they have one."
        ),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    pdf = models.FileField(_("PDF"), upload_to="newsletters/", blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    publication_date = models.DateField(
        _("publication date"),
        default=timezone.localdate,
        help_text=_("The date the issue appears with in the archive; for an older issue entered now, its own date."),
    )
    # The masthead and footer the issue prints (Masthead.snapshot), copied when the issue is made: changing the
    # masthead changes the issues not yet published, never what an old issue prints when it is rendered again.
    masthead = models.JSONField(_("masthead and footer"), default=dict, blank=True, editable=False)
    # Render bookkeeping: the hash of the content the stored PDF was made from, and the running task.
    content_hash = models.CharField(_("content hash of the PDF"), max_length=64, blank=True)
    rendered_at = models.DateTimeField(_("rendered at"), null=True, blank=True)
    render_started_at = models.DateTimeField(_("rendering started at"), null=True, blank=True)
    render_task_id = models.CharField(_("render task"), max_length=64, blank=True)
    render_attempts = models.PositiveIntegerField(_("render attempts"), default=0)
    # How many times in a row beat queued the render again because its worker was lost (services.issue_renders_recover).
    render_recoveries = models.PositiveIntegerField(_("render recoveries"), default=0)

    class Meta:
        verbose_name = _("newsletter issue")
        verbose_name_plural = _("newsletter issues")
        ordering = ["-number", "language"]
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
            # Each country programme numbers its own series; one edition per language: the English and the Chinese
            # edition of an issue are two rows.
            models.UniqueConstraint(
                fields=["country", "number", "language"],
                name="issue_unique_country_number_language",
                violation_error_message=_("There is already an issue with this number in this language."),
            ),
            models.UniqueConstraint(
                fields=["country", "period_start", "language"],
                name="issue_unique_country_period_language",
                violation_error_message=_("There is already an issue for this period in this language."),
            ),
        ]

    def __str__(self) -> str:
        return _("Issue No. %(number)s") % {"number": self.number}

    def get_absolute_url(self) -> str:
        return reverse("newsletters:issue_detail", args=[self.pk])

    def clean(self):
        """Editions of one issue share number and period; another language's edition must agree on both."""
        super().clean()
        if self.number is None or self.period_start is None:
            return
        others = Issue.objects.filter(country_id=self.country_id).exclude(pk=self.pk)
        mismatch = others.filter(number=self.number).exclude(period_start=self.period_start).first()
        if mismatch:
            raise ValidationError(
                {
                    "number": _("Issue No. %(number)s covers %(period)s; choose another number.")
                    % {"number": self.number, "period": mismatch.period_label}
                }
            )
        mismatch = others.filter(period_start=self.period_start).exclude(number=self.number).first()
        if mismatch:
            raise ValidationError(
                {
                    "period_start": _(
                        "%(issue)s already covers this period; add an edition in another language from its page."
                    )
                    % {"issue": mismatch}
                }
            )

    @property
    def period_label(self) -> str:
        return period_label(self.period_start)

    @property
    def printed_masthead(self) -> "Masthead":
        """The masthead and footer this issue prints: its own copy (else, for a row made before copies, the
        current one of its language)."""
        if self.masthead:
            return Masthead.from_snapshot(self.language, self.masthead)
        return Masthead.from_snapshot(self.language, Masthead.for_edition(self.country, self.language).snapshot())

    @property
    def language_label(self) -> str:
        return standards.language_name(self.language)

    @property
    def period_end(self) -> dt.date:
        """The last day of the two-month period."""
        year, month = (self.period_start.year, self.period_start.month + 2)
        if month > 12:
            year, month = year + 1, month - 12
        return dt.date(year, month, 1) - dt.timedelta(days=1)

    @property
    def is_frozen(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def render_is_stale(self) -> bool:
        """Still 'rendering' long after any worker would have finished or been killed."""
        return (
            self.status == self.Status.RENDERING
            and self.render_started_at is not None
            and timezone.now() - self.render_started_at > issue_stale_after()
        )


def chinese_active() -> bool:
    """The newsletter writes dates and periods the Chinese way ('2014年11月') while Chinese is active."""
    return (get_language() or "").startswith("zh")


def period_label(period_start: dt.date) -> str:
    """A two-month period as people write it: 'November–December 2014', or '2014年11–12月' in Chinese."""
    end = period_start.replace(month=period_start.month + 1)  # periods start in odd months: never December
    if chinese_active():
        return f"{period_start.year}年{period_start.month}–{end.month}月"
    return _("%(start)s–%(end)s") % {
        "start": formats.date_format(period_start, "F"),
        "end": formats.date_format(end, "YEAR_MONTH_FORMAT"),
    }


def issue_stale_after() -> dt.timedelta:
    """A rendering older than the task's hard time limit (plus a margin) has lost its worker: a live one holds the
    issue's row while it renders and is killed at the hard limit (settings: NEWSLETTER_RENDER_STALE_MARGIN)."""
    return dt.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + settings.NEWSLETTER_RENDER_STALE_MARGIN)


class IssueSection(models.Model):
    """One section of one issue, where the editor puts it: a standard one of the newsletter (its usual heading,
    or one the editor writes) or a feature section with its own heading (a gender strategy, CSR news, ...).

    ``kind`` says how the section prints; any record can be placed in any section. A new kind of section (a
    block that is not a list of records, say) is a new ``Kind`` and a branch in the document template.
    """

    class Kind(models.TextChoices):
        NEWS = "news", _("The Latest SCORE News")
        COMMENT = "comment", _("Comments from a SCORE Expert Trainer")
        RESULTS = "results", _("Enterprise Improvement Results")
        EVENTS = "events", _("The Upcoming Key Activities")
        CSR = "csr", _("Latest News on CSR Development")
        PRACTICE = "practice", _("CSR Practice Sharing Hub")
        FEATURE = "feature", _("Special topic")
        FIGURES = "figures", _("Programme in figures")

    # The standard kinds, in the order a new issue lists them; there can be several feature sections and several
    # "programme in figures" blocks, placed where the editor puts them.
    STANDARD_ORDER = [k.value for k in Kind]
    REPEATABLE = ("feature", "figures")
    CSS_CLASS = {"news": "news", "comment": "comment", "results": "results", "events": "events", "figures": "figures"}

    issue = models.ForeignKey(Issue, verbose_name=_("issue"), on_delete=models.CASCADE, related_name="sections")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    heading = models.CharField(
        _("heading"), max_length=200, blank=True, help_text=_("Leave empty for the section's usual heading.")
    )
    i18n = TranslationField(fields=("heading",))
    position = models.PositiveIntegerField(_("position"), default=0)
    show_dates = models.BooleanField(
        _("print the date lines"), default=True, help_text=_("Print each record's date under its heading.")
    )
    # A "programme in figures" block: the keys of the figures it prints (enterprises.figures.PUBLISHABLE_FIGURES),
    # in the editor's order, counted for the issue's period. Other sections leave it empty.
    figures = models.JSONField(_("figures"), default=list, blank=True)

    class Meta:
        verbose_name = _("issue section")
        verbose_name_plural = _("issue sections")
        ordering = ["issue", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["issue", "kind"],
                condition=~Q(kind__in=["feature", "figures"]),
                name="issue_section_unique_standard_kind",
                violation_error_message=_("The issue has this section already."),
            ),
        ]

    def __str__(self) -> str:
        return self.local_heading

    @property
    def local_heading(self) -> str:
        """The editor's heading in the issue's language (Chinese where there is one), else the usual one."""
        return text(self, "heading") or str(self.get_kind_display())

    @property
    def css_class(self) -> str:
        return self.CSS_CLASS.get(self.kind, "feature")

    @property
    def anchor(self) -> str:
        return f"section-{self.kind}-{self.pk}" if self.kind in self.REPEATABLE else self.kind

    @property
    def holds_records(self) -> bool:
        """A "programme in figures" block prints figures, never records."""
        return self.kind != self.Kind.FIGURES


class IssueItem(models.Model):
    """One record placed in an issue: a reference, not a copy, in a section at a position."""

    Section = IssueSection.Kind  # the kinds of section (a news item's own `section` names one)

    class ResultDisplay(models.TextChoices):
        BOTH = "both", _("story and KPI table")
        STORY = "story", _("story only (narrative and photos)")
        KPIS = "kpis", _("KPI table only")

    class PhotoWidth(models.TextChoices):
        HALF = "half", _("half width (two pairs side by side)")
        FULL = "full", _("full width")

    issue = models.ForeignKey(Issue, verbose_name=_("issue"), on_delete=models.CASCADE, related_name="items")
    section = models.ForeignKey(
        IssueSection, verbose_name=_("section"), on_delete=models.RESTRICT, related_name="items"
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    included = models.BooleanField(_("included"), default=True)
    # How a result prints (the other records ignore these): its story, its KPI table or both; its photo pairs
    # at half width, two side by side, or across the page.
    result_display = models.CharField(
        _("prints as"), max_length=5, choices=ResultDisplay.choices, default=ResultDisplay.BOTH
    )
    photo_width = models.CharField(_("photo pairs"), max_length=4, choices=PhotoWidth.choices, default=PhotoWidth.HALF)
    news_item = models.ForeignKey(
        NewsItem, verbose_name=_("news item"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    event = models.ForeignKey(
        Event, verbose_name=_("event"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    expert_comment = models.ForeignKey(
        ExpertComment,
        verbose_name=_("expert comment"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="issue_items",
    )
    result = models.ForeignKey(
        "enterprises.Result",
        verbose_name=_("improvement result"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )

    class Meta:
        verbose_name = _("issue item")
        verbose_name_plural = _("issue items")
        ordering = ["issue", "section__position", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(news_item__isnull=False, event__isnull=True, expert_comment__isnull=True, result__isnull=True)
                    | Q(news_item__isnull=True, event__isnull=False, expert_comment__isnull=True, result__isnull=True)
                    | Q(news_item__isnull=True, event__isnull=True, expert_comment__isnull=False, result__isnull=True)
                    | Q(news_item__isnull=True, event__isnull=True, expert_comment__isnull=True, result__isnull=False)
                ),
                name="issue_item_references_one_record",
                violation_error_message=_("An issue item refers to exactly one record."),
            ),
            models.UniqueConstraint(fields=["issue", "news_item"], name="issue_item_unique_news"),
            models.UniqueConstraint(fields=["issue", "event"], name="issue_item_unique_event"),
            models.UniqueConstraint(fields=["issue", "expert_comment"], name="issue_item_unique_comment"),
            models.UniqueConstraint(fields=["issue", "result"], name="issue_item_unique_result"),
        ]

    def __str__(self) -> str:
        return f"{self.issue} {self.section} #{self.position}"

    @property
    def record(self):
        return self.news_item or self.event or self.expert_comment or self.result

    @property
    def prints_story(self) -> bool:
        return self.result_display != self.ResultDisplay.KPIS

    @property
    def prints_kpis(self) -> bool:
        return self.result_display != self.ResultDisplay.STORY


class IssueVersion(models.Model):
    """A published version of an issue, frozen: the PDF and the HTML it printed, kept for good."""

    issue = models.ForeignKey(Issue, verbose_name=_("issue"), on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField(_("version"))
    pdf = models.FileField(_("PDF"), upload_to="newsletters/published/")
    html = models.TextField(_("HTML as printed"))
    snapshot = models.JSONField(_("content as printed"), default=dict)
    images = models.JSONField(
        _("images"), default=dict, help_text=_("Storage names of the photos in the HTML and their print copies.")
    )
    charts = models.JSONField(
        _("charts"), default=dict, blank=True, help_text=_("The charts the HTML printed, by name, as SVG.")
    )
    content_hash = models.CharField(_("content hash"), max_length=64)
    published_at = models.DateTimeField(_("published at"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("published version")
        verbose_name_plural = _("published versions")
        ordering = ["issue", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["issue", "version"], name="issue_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.issue} v{self.version}"


class Masthead(EditVersioned):
    """A country programme's newsletter masthead and footer in one language, edited by the editors in the portal
    (no template holds any of it). Each edition prints the row of its country and language, else its country's
    main-language one; the footer's office fields left empty print the country programme's office."""

    country = country_field("mastheads")
    language = models.CharField(_("language"), max_length=10, validators=[validate_edition_language])
    newsletter_name = models.CharField(_("newsletter name"), max_length=200)
    programme_line = models.CharField(
        _("programme line"), max_length=300, help_text=_("The line above the name, and at the top of every page.")
    )
    publisher = models.CharField(_("publisher"), max_length=200, blank=True)
    team_signature = models.CharField(
        _("team signature"), max_length=200, blank=True, help_text=_("Under the introduction.")
    )
    footer_heading = models.CharField(_("footer heading"), max_length=200, blank=True)
    office_name = models.CharField(
        _("office name"),
        max_length=200,
        blank=True,
        help_text=_("Empty: the country programme's office, as its page gives it."),
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    telephone = models.CharField(_("telephone"), max_length=100, blank=True)
    fax = models.CharField(_("fax"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    web = models.CharField(_("web address"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("masthead and footer")
        verbose_name_plural = _("mastheads and footers")
        ordering = ["country", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["country", "language"],
                name="masthead_unique_country_language",
                violation_error_message=_("This newsletter already has a masthead in this language."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.newsletter_name} ({standards.language_name(self.language)})"

    SNAPSHOT_FIELDS = (
        "newsletter_name",
        "programme_line",
        "publisher",
        "team_signature",
        "footer_heading",
        "office_name",
        "address",
        "telephone",
        "fax",
        "email",
        "web",
    )

    def snapshot(self) -> dict:
        """What an issue keeps of this masthead (Issue.masthead): the office the footer prints is the country
        programme's where the masthead leaves it empty (all of it, so that one office is never mixed with another)."""
        data = {name: getattr(self, name) for name in self.SNAPSHOT_FIELDS}
        own_office = any(data[name] for name in Country.OFFICE_FIELDS)
        if not own_office and self.country_id:
            data.update({name: getattr(self.country, name) for name in Country.OFFICE_FIELDS})
        return data

    @classmethod
    def from_snapshot(cls, language: str, data: dict) -> "Masthead":
        return cls(language=language, **{name: data.get(name, "") for name in cls.SNAPSHOT_FIELDS})

    @classmethod
    def for_edition(cls, country: Country, language: str) -> "Masthead":
        """The masthead an edition of ``country``'s newsletter in ``language`` prints: its own row, else that of the
        country's main language, else one made from the country programme (a new programme prints from day one)."""
        rows = {m.language: m for m in cls.objects.filter(country=country)}
        found = rows.get(language) or rows.get(country.main_language) or rows.get(settings.LANGUAGE_CODE)
        if found is not None:
            return found
        return cls.default_for(country, language)

    @classmethod
    def default_for(cls, country: Country, language: str) -> "Masthead":
        """An unsaved masthead for a country that has none in ``language`` yet: its name and its office."""
        return cls(
            country=country,
            language=language,
            newsletter_name=str(_("SCORE %(country)s newsletter") % {"country": country.name}),
            programme_line=str(_("Sustaining Competitive and Responsible Enterprises (SCORE)")),
        )
