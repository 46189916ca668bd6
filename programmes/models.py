import datetime as dt
import zoneinfo
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from modeltrans.fields import TranslationField
from simple_history.models import HistoricalRecords

from core import standards
from core.editing import EditVersioned
from core.translated import text, text_in


class Country(EditVersioned):
    """A country programme (SCORE China, SCORE Viet Nam, ...): its clock, its money, the languages its records and
    newsletter are written in, its regions, and the office a newsletter's footer prints.

    The time zone says what "today" is for the programme's people; dates are stored as dates (a round's start is
    a day, not a moment), so changing the zone moves no stored date."""

    code = models.CharField(
        _("ISO code"),
        max_length=2,
        unique=True,
        validators=[standards.validate_country_code],
        help_text=_("ISO 3166-1 alpha-2, two capital letters: CN for China, VN for Viet Nam."),
    )
    name = models.CharField(_("name"), max_length=100)
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        validators=[standards.validate_time_zone],
        help_text=_("Decides what today is for the programme. Changing it changes no stored date."),
    )
    currency = models.CharField(
        _("currency"), max_length=3, validators=[standards.validate_currency], help_text=_("ISO 4217 code.")
    )
    languages = models.JSONField(
        _("content languages"),
        default=list,
        validators=[standards.validate_languages],
        help_text=_("The languages its records and newsletter are written in, the main one first."),
    )
    # The office a newsletter's footer prints (as newsletters.Masthead holds it today).
    office_name = models.CharField(_("office name"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    telephone = models.CharField(_("telephone"), max_length=100, blank=True)
    fax = models.CharField(_("fax"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    web = models.CharField(_("web address"), max_length=200, blank=True)
    illustrative = models.BooleanField(
        _("illustrative data"),
        default=False,
        help_text=_(
            "The programme's records are invented, for a demonstration or training: its pages and its newsletter "
            "archive say so."
        ),
    )
    history = HistoricalRecords()

    OFFICE_FIELDS = ("office_name", "address", "telephone", "fax", "email", "web")

    class Meta:
        verbose_name = _("country programme")
        verbose_name_plural = _("country programmes")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[A-Z]{2}$"),
                name="country_code_two_capitals",
                violation_error_message=_("A country's code is two capital letters."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("programmes:country_detail", args=[self.pk])

    def today(self) -> dt.date:
        """The programme's date now, in its time zone: what "today", "starting soon" and "ended" mean there."""
        return timezone.now().astimezone(zoneinfo.ZoneInfo(self.time_zone)).date()

    @property
    def main_language(self) -> str:
        return self.languages[0] if self.languages else ""

    @property
    def language_names(self) -> list[str]:
        return [standards.language_name(tag) for tag in self.languages]


class Region(models.Model):
    """A province, state, region or city of a country programme: the places its forms and filters offer."""

    class Kind(models.TextChoices):
        PROVINCE = "province", _("Province")
        STATE = "state", _("State")
        REGION = "region", _("Region")
        MUNICIPALITY = "municipality", _("Municipality")
        CITY = "city", _("City")
        DISTRICT = "district", _("District")

    country = models.ForeignKey(Country, verbose_name=_("country"), on_delete=models.PROTECT, related_name="regions")
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.PROVINCE)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["country", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["country", "name"],
                name="region_unique_name_per_country",
                violation_error_message=_("This country already has a region of this name."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ExchangeRate(models.Model):
    """What one US dollar bought in a currency over a year (the yearly average officers take from the ILO's or the
    UN's table): figures across countries convert each round's money at the rate of its currency and start year."""

    currency = models.CharField(
        _("currency"), max_length=3, validators=[standards.validate_currency], help_text=_("ISO 4217 code.")
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(1990), MaxValueValidator(2100)])
    units_per_usd = models.DecimalField(
        _("units for one US dollar"),
        max_digits=20,
        decimal_places=6,
        validators=[MinValueValidator(Decimal("0.000001"))],
        help_text=_("How much of the currency one US dollar bought that year, on average: 6.16 for CNY in 2014."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        ordering = ["currency", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["currency", "year"],
                name="exchange_rate_unique_currency_year",
                violation_error_message=_("This currency already has a rate for this year."),
            ),
            models.CheckConstraint(
                condition=Q(units_per_usd__gt=0),
                name="exchange_rate_positive",
                violation_error_message=_("A rate is more than zero."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.currency} {self.year}: {self.units_per_usd.normalize():f}"


class Organisation(EditVersioned):
    class Kind(models.TextChoices):
        ILO_OFFICE = "ilo", _("ILO office")
        IMPLEMENTING_PARTNER = "implementing", _("Implementing partner")
        LICENSED_PROVIDER = "licensed", _("Licensed training provider")
        BRAND_INITIATIVE = "brand", _("Buyer / brand initiative")
        GOVERNMENT_AGENCY = "government", _("Government agency")
        DONOR = "donor", _("Donor")
        TRADE_UNION = "union", _("Trade union")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=50, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="branches",
        help_text=_("For a local branch, e.g. Chongqing CEC under CEC."),
    )
    countries = models.ManyToManyField(
        Country,
        verbose_name=_("countries"),
        related_name="organisations",
        help_text=_("The country programmes it works in; an international provider works in several."),
    )
    province = models.CharField(_("province"), max_length=100, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.short_name or self.name

    def get_absolute_url(self) -> str:
        return reverse("programmes:organisation_detail", args=[self.pk])


class Agreement(EditVersioned):
    class Kind(models.TextChoices):
        IMPLEMENTATION = "implementation", _("Implementation agreement")
        LICENCE = "licence", _("Licence agreement")

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="agreements"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    country = models.ForeignKey(
        Country,
        verbose_name=_("country"),
        on_delete=models.PROTECT,
        related_name="agreements",
        help_text=_("The country programme the agreement is made for; a licence covers rounds there only."),
    )
    signed_on = models.DateField(_("signed on"))
    start = models.DateField(_("start"))
    end = models.DateField(_("end"), null=True, blank=True, help_text=_("Leave empty for an open-ended agreement."))
    territory = models.CharField(_("territory"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["-start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")),
                name="agreement_end_not_before_start",
                violation_error_message=_("An agreement cannot end before it starts."),
            ),
            models.UniqueConstraint(
                fields=["organisation", "kind", "start"],
                name="agreement_unique_per_organisation_kind_start",
                violation_error_message=_("This organisation already has an agreement of this kind starting that day."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.organisation} ({self.start:%Y-%m-%d})"

    def covers(self, start, end) -> bool:
        """True when [start, end] lies inside the agreement's term."""
        return self.start <= start and (self.end is None or (end or start) <= self.end)


class Module(models.Model):
    """A SCORE training module. Data, not code: officers add modules."""

    code = models.CharField(_("code"), max_length=10, unique=True)
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    i18n = TranslationField(fields=("name", "short_name"))  # the names in other languages (core/translated.py)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("module")
        verbose_name_plural = _("modules")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.local_short_name}"

    @property
    def local_name(self) -> str:
        return text(self, "name")

    @property
    def local_short_name(self) -> str:
        language = get_language() or settings.LANGUAGE_CODE
        return text_in(self, "short_name", language) or text_in(self, "name", language) or self.short_name or self.name

    @property
    def is_foundation(self) -> bool:
        return self.code == "M1"


class TrainingRound(EditVersioned):
    class Kind(models.TextChoices):
        TOT = "tot", _("Training of Trainers (ToT)")
        TOE = "toe", _("Training of Enterprises (ToE)")
        BOTH = "both", _("ToT and ToE")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        CLASSROOM = "classroom", _("Classroom")
        CONSULTING = "consulting", _("Consulting")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    country = models.ForeignKey(Country, verbose_name=_("country"), on_delete=models.PROTECT, related_name="rounds")
    module = models.ForeignKey(Module, verbose_name=_("module"), on_delete=models.PROTECT, related_name="rounds")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    organiser = models.ForeignKey(
        Organisation, verbose_name=_("organiser"), on_delete=models.PROTECT, related_name="organised_rounds"
    )
    co_organisers = models.ManyToManyField(
        Organisation,
        verbose_name=_("co-organisers and funders"),
        blank=True,
        related_name="co_organised_rounds",
    )
    province = models.CharField(_("province"), max_length=100)
    city = models.CharField(_("city"), max_length=100)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    notes = models.TextField(_("notes"), blank=True)
    # Cost recovery (the ILO's indicator): what the round cost, and who paid it, in the programme's currency.
    cost_total = models.DecimalField(
        _("total cost"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
        help_text=_("What the round cost in all. Leave empty while it is not known."),
    )
    paid_by_enterprises = models.DecimalField(
        _("fees paid by enterprises"),
        max_digits=12,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(Decimal(0))],
    )
    paid_by_partners = models.DecimalField(
        _("contributions of partners"),
        max_digits=12,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(Decimal(0))],
    )
    paid_by_sponsors = models.DecimalField(
        _("contributions of sponsors or brands"),
        max_digits=12,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(Decimal(0))],
    )
    paid_by_ilo = models.DecimalField(
        _("ILO's share"), max_digits=12, decimal_places=2, default=0, validators=[MinValueValidator(Decimal(0))]
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    COST_SHARES = ("paid_by_enterprises", "paid_by_partners", "paid_by_sponsors", "paid_by_ilo")

    class Meta:
        verbose_name = _("training round")
        verbose_name_plural = _("training rounds")
        ordering = ["-start", "city"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=F("start")),
                name="round_end_not_before_start",
                violation_error_message=_("A training round cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(cost_total__isnull=True) | Q(cost_total__gte=0),
                name="round_cost_not_negative",
                violation_error_message=_("A cost cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(paid_by_enterprises__gte=0)
                & Q(paid_by_partners__gte=0)
                & Q(paid_by_sponsors__gte=0)
                & Q(paid_by_ilo__gte=0),
                name="round_cost_shares_not_negative",
                violation_error_message=_("What someone paid cannot be negative."),
            ),
            models.CheckConstraint(
                # "isnull=False" first: a comparison with NULL is unknown, and a CHECK lets unknown pass.
                condition=Q(
                    cost_total__isnull=False,
                    cost_total__gte=F("paid_by_enterprises")
                    + F("paid_by_partners")
                    + F("paid_by_sponsors")
                    + F("paid_by_ilo"),
                )
                | Q(
                    cost_total__isnull=True,
                    paid_by_enterprises=0,
                    paid_by_partners=0,
                    paid_by_sponsors=0,
                    paid_by_ilo=0,
                ),
                name="round_cost_shares_within_total",
                violation_error_message=_("Together, the shares cannot be more than the total cost."),
            ),
        ]
        indexes = [
            models.Index(fields=["status", "start"]),
            models.Index(fields=["-start", "city"], name="round_list_order"),  # the list's order, for its LIMIT
        ]

    def __str__(self) -> str:
        return f"{self.module.code} {self.get_kind_short()} {self.city} {self.start:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("programmes:round_detail", args=[self.pk])

    def get_kind_short(self) -> str:
        return {"tot": "ToT", "toe": "ToE", "both": "ToT/ToE"}[self.kind]

    @property
    def trains_enterprises(self) -> bool:
        return self.kind in (self.Kind.TOE, self.Kind.BOTH)

    @property
    def paid_by_others(self) -> Decimal:
        """What others than the ILO paid: enterprise fees, partners' and sponsors' contributions."""
        return (self.paid_by_enterprises or 0) + (self.paid_by_partners or 0) + (self.paid_by_sponsors or 0)

    @property
    def cost_recovery_percent(self) -> float | None:
        """The share of the cost covered by non-ILO resources, or None while the cost is not known."""
        if not self.cost_total:
            return None
        return float(100 * self.paid_by_others / self.cost_total)


class PartnerMembership(models.Model):
    """A partner user works for exactly one organisation; every access decision starts here."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="partner_membership",
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="memberships"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("partner membership")
        verbose_name_plural = _("partner memberships")

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation}"


class CountryAssignment(models.Model):
    """The countries an officer works for, or all of them (the global team), and those whose newsletter an editor
    edits: the start of every officer's and editor's access decision (core.roles.country_ids). An officer or
    editor without one sees no country's records."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="country_assignment",
    )
    all_countries = models.BooleanField(
        _("all countries"),
        default=False,
        help_text=_("The global team: an officer who works for every country programme, those to come included."),
    )
    countries = models.ManyToManyField(Country, verbose_name=_("countries"), blank=True, related_name="assignments")
    history = HistoricalRecords(m2m_fields=[countries])

    class Meta:
        verbose_name = _("country assignment")
        verbose_name_plural = _("country assignments")

    def __str__(self) -> str:
        return f"{self.user}: {'*' if self.all_countries else ', '.join(c.code for c in self.countries.all())}"
