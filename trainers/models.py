from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.editing import EditVersioned
from programmes.models import Country, Module, Organisation, TrainingRound


class Sex(models.TextChoices):
    FEMALE = "f", _("Female")
    MALE = "m", _("Male")


class Trainer(EditVersioned):
    class Role(models.TextChoices):
        MODULE_EXPERT = "module_expert", _("Module expert")
        EXPERT_TRAINER = "expert_trainer", _("Expert trainer")
        TRAINER = "trainer", _("Trainer")

    name = models.CharField(_("name"), max_length=200)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="trainers",
    )
    countries = models.ManyToManyField(
        Country,
        verbose_name=_("countries"),
        related_name="trainers",
        help_text=_("The country programmes the trainer works in: they deliver rounds there only."),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.TRAINER)
    position = models.CharField(
        _("position"), max_length=200, blank=True, help_text=_("E.g. 'Managing Director, NEWAsia Solutions Limited'.")
    )
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("telephone"), max_length=50, blank=True)
    photo = models.ImageField(_("photo"), upload_to="trainers/", blank=True)
    active = models.BooleanField(_("active"), default=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("trainer")
        verbose_name_plural = _("trainers")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["name", "organisation"],
                name="trainer_unique_name_per_organisation",
                violation_error_message=_("A trainer with this name already works for this organisation."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("trainers:trainer_detail", args=[self.pk])


class QualificationQuerySet(models.QuerySet):
    def valid_on(self, day) -> "QualificationQuerySet":
        """The qualifications in force on `day` (awarded by then, not yet expired): the rule of `valid_on`."""
        return self.filter(qualified_on__lte=day).filter(Q(expires_on__isnull=True) | Q(expires_on__gt=day))


class Qualification(models.Model):
    """A trainer's certification for one module: dated, and it may lapse."""

    trainer = models.ForeignKey(
        Trainer, verbose_name=_("trainer"), on_delete=models.CASCADE, related_name="qualifications"
    )
    module = models.ForeignKey(Module, verbose_name=_("module"), on_delete=models.PROTECT, related_name="+")
    qualified_on = models.DateField(_("qualified on"))
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    tot_round = models.ForeignKey(
        TrainingRound,
        verbose_name=_("ToT round"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="qualifications_awarded",
    )

    objects = QualificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("qualification")
        verbose_name_plural = _("qualifications")
        ordering = ["module__order", "-qualified_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["trainer", "module", "qualified_on"],
                name="qualification_unique_per_day",
                violation_error_message=_("This trainer already has this qualification from that date."),
            ),
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gt=F("qualified_on")),
                name="qualification_expires_after_award",
                violation_error_message=_("A qualification must expire after the date it was awarded."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.trainer} – {self.module.code}"

    def valid_on(self, day) -> bool:
        return self.qualified_on <= day and (self.expires_on is None or day < self.expires_on)


class RoundTrainer(models.Model):
    """A trainer who delivers a training round."""

    class Role(models.TextChoices):
        LEAD = "lead", _("Lead trainer")
        CO_TRAINER = "co", _("Co-trainer")
        MODULE_EXPERT = "expert", _("Module expert")
        CANDIDATE = "candidate", _("Trainee (ToT candidate)")

    training_round = models.ForeignKey(
        TrainingRound, verbose_name=_("training round"), on_delete=models.CASCADE, related_name="round_trainers"
    )
    trainer = models.ForeignKey(Trainer, verbose_name=_("trainer"), on_delete=models.PROTECT, related_name="rounds")
    role = models.CharField(_("role in the round"), max_length=20, choices=Role.choices, default=Role.LEAD)

    class Meta:
        verbose_name = _("trainer in a round")
        verbose_name_plural = _("trainers in rounds")
        constraints = [
            models.UniqueConstraint(
                fields=["training_round", "trainer"],
                name="round_trainer_unique",
                violation_error_message=_("This trainer is already in this round."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.trainer} in {self.training_round}"


class TrainerAccount(models.Model):
    """A portal account that is a trainer: the start of every trainer access decision (core.roles.trainer_id)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="trainer_account"
    )
    trainer = models.OneToOneField(Trainer, verbose_name=_("trainer"), on_delete=models.PROTECT, related_name="account")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("trainer account")
        verbose_name_plural = _("trainer accounts")

    def __str__(self) -> str:
        return f"{self.user} = {self.trainer}"
