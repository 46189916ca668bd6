from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.editing import EditVersioned
from programmes.models import Country, Organisation, TrainingRound
from trainers.models import Trainer


class Sector(models.TextChoices):
    MACHINERY = "machinery", _("Machinery")
    GARMENT = "garment", _("Garment and textiles")
    FOOTWEAR = "footwear", _("Footwear")
    ELECTRONICS = "electronics", _("Electronics and electrical appliances")
    HOUSEHOLD = "household", _("Household products")
    CHILDREN = "children", _("Children's products")
    SPORTS = "sports", _("Sports products")
    AUTOMOTIVE = "automotive", _("Automotive and vehicles")
    METAL = "metal", _("Metal products")
    CHEMICALS = "chemicals", _("Chemicals")
    FOOD = "food", _("Food")
    OTHER = "other", _("Other")


class Enterprise(EditVersioned):
    name = models.CharField(_("name"), max_length=200)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    country = models.ForeignKey(
        Country, verbose_name=_("country"), on_delete=models.PROTECT, related_name="enterprises"
    )
    province = models.CharField(_("province"), max_length=100)
    city = models.CharField(_("city"), max_length=100)
    workers_women = models.PositiveIntegerField(_("women in the workforce"), null=True, blank=True)
    workers_men = models.PositiveIntegerField(_("men in the workforce"), null=True, blank=True)
    organisations = models.ManyToManyField(
        Organisation,
        verbose_name=_("brought in by"),
        blank=True,
        related_name="enterprises",
        help_text=_("The partner organisations that brought this enterprise into SCORE."),
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["name", "city"],
                name="enterprise_unique_name_per_city",
                violation_error_message=_("An enterprise with this name is already registered in this city."),
            ),
            models.CheckConstraint(
                condition=Q(workers_women__gte=0) & Q(workers_men__gte=0),
                name="enterprise_workforce_not_negative",
                violation_error_message=_("Workforce counts cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("enterprises:enterprise_detail", args=[self.pk])

    @property
    def workforce(self) -> int | None:
        if self.workers_women is None and self.workers_men is None:
            return None
        return (self.workers_women or 0) + (self.workers_men or 0)


class Participation(EditVersioned):
    """An enterprise taking part in a training round, with its attendance."""

    training_round = models.ForeignKey(
        TrainingRound, verbose_name=_("training round"), on_delete=models.CASCADE, related_name="participations"
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="participations"
    )
    managers_women = models.PositiveSmallIntegerField(_("managers, women"), default=0)
    managers_men = models.PositiveSmallIntegerField(_("managers, men"), default=0)
    workers_women = models.PositiveSmallIntegerField(_("workers, women"), default=0)
    workers_men = models.PositiveSmallIntegerField(_("workers, men"), default=0)
    module_order_exception = models.TextField(
        _("reason for taking this module before Module 1"),
        blank=True,
        help_text=_("Only an officer may record an exception to 'Module 1 first'."),
    )

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [
            models.UniqueConstraint(
                fields=["training_round", "enterprise"],
                name="participation_unique",
                violation_error_message=_("This enterprise already takes part in this round."),
            ),
            models.CheckConstraint(
                condition=Q(managers_women__gte=0)
                & Q(managers_men__gte=0)
                & Q(workers_women__gte=0)
                & Q(workers_men__gte=0),
                name="participation_counts_not_negative",
                violation_error_message=_("Attendance counts cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} in {self.training_round}"

    @property
    def participants(self) -> int:
        return self.managers_women + self.managers_men + self.workers_women + self.workers_men


class FactoryVisit(models.Model):
    training_round = models.ForeignKey(
        TrainingRound, verbose_name=_("training round"), on_delete=models.CASCADE, related_name="factory_visits"
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="factory_visits"
    )
    trainer = models.ForeignKey(
        Trainer, verbose_name=_("trainer"), on_delete=models.PROTECT, related_name="factory_visits"
    )
    visited_on = models.DateField(_("visited on"))
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("factory visit")
        verbose_name_plural = _("factory visits")
        ordering = ["-visited_on"]
        indexes = [
            # a round's page lists its latest visits first: the first 50 read from the index, not sorted
            models.Index(fields=["training_round", "-visited_on", "id"], name="visit_round_latest"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.visited_on:%Y-%m-%d}"


class EnterpriseReach(models.Model):
    """One enterprise an organisation may see: brought in by it, or taking part in a round it organised or
    co-organised. Derived, never edited: ``enterprises.scope`` keeps it current from those three sources on
    every save and delete (signals), so a partner's scope is one indexed read instead of a union of joins.
    No foreign-key constraints: a row outliving its enterprise or organisation matches nothing."""

    organisation = models.ForeignKey(  # indexed by the unique constraint, which it leads
        Organisation, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    enterprise = models.ForeignKey(Enterprise, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "enterprise"], name="enterprise_reach_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} reaches {self.enterprise_id}"


class EnterpriseModule(models.Model):
    """A module an enterprise has taken: it takes part in a round of that module that was not cancelled.
    Derived, never edited: ``enterprises.taken`` works it out again in the transaction of every participation
    saved or deleted and every round saved, so the enterprises list filters by module through one index
    instead of joining every participation of the programme to its round (at 100,000 enterprises the module
    filter's count joined 170,000 participations). No foreign-key constraints: a row outliving its enterprise
    or module matches nothing."""

    module = models.ForeignKey(  # indexed by the unique constraint, which it leads
        "programmes.Module", on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    enterprise = models.ForeignKey(Enterprise, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["module", "enterprise"], name="enterprise_module_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} took {self.module_id}"


class RoundTally(models.Model):
    """How many enterprises and participants a round has: derived from its participations, never edited.
    ``enterprises.tally`` works it out again in the transaction of every participation saved or deleted, so the
    rounds list shows and sorts by them without counting every participation of the programme (at 100,000
    enterprises, the sort by enterprises counted 170,000 participations before its LIMIT)."""

    training_round = models.OneToOneField(  # no constraint: a row outliving its round matches nothing
        TrainingRound, on_delete=models.DO_NOTHING, db_constraint=False, primary_key=True, related_name="tally"
    )
    enterprises = models.PositiveIntegerField(default=0)
    participants = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.training_round_id}: {self.enterprises} enterprises, {self.participants} participants"


# The results' models live in their own package; importing them here registers them with the app.

from .results.models import KPI, KPILine, Photo, PhotoPair, Result, ResultImport, ResultStep  # noqa: E402

__all__ = [
    "KPI",
    "Enterprise",
    "EnterpriseModule",
    "EnterpriseReach",
    "FactoryVisit",
    "KPILine",
    "Participation",
    "Photo",
    "PhotoPair",
    "Result",
    "ResultImport",
    "ResultStep",
    "RoundTally",
    "Sector",
]
