from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Field, Layout, Row
from django import forms
from django.utils.translation import gettext_lazy as _

from core.editing import EditVersionMixin
from core.forms import SingleLineMixin
from core.widgets import DateInput, SearchSelect
from programmes.forms import countries_offer
from programmes.models import TrainingRound
from programmes.selectors import organisations_visible_to, rounds_visible_to

from . import services
from .models import Qualification, RoundTrainer, Trainer


def _helper(*rows) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.layout = Layout(*rows)
    return helper


class TrainerForm(SingleLineMixin, EditVersionMixin, forms.ModelForm):
    class Meta:
        model = Trainer
        fields = ["name", "sex", "organisation", "countries", "role", "position", "email", "phone", "active", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        countries_offer(self, user, "countries")
        self.fields["organisation"].queryset = organisations_visible_to(user).order_by("name")
        self.helper = _helper(
            Row(
                Column("name", css_class="col-md-6"),
                Column("sex", css_class="col-md-3"),
                Column("role", css_class="col-md-3"),
            ),
            Row(Column("organisation", css_class="col-md-6"), Column("position", css_class="col-md-6")),
            Field("countries"),
            Row(Column("email", css_class="col-md-6"), Column("phone", css_class="col-md-6")),
            Field("active"),
            Field("notes"),
        )


class QualificationForm(SingleLineMixin, forms.ModelForm):
    class Meta:
        model = Qualification
        fields = ["module", "qualified_on", "expires_on", "tot_round"]
        widgets = {"qualified_on": DateInput(), "expires_on": DateInput()}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        tot_round = self.fields["tot_round"]
        tot_round.queryset = (
            rounds_visible_to(user)
            .exclude(kind=TrainingRound.Kind.TOE)
            .select_related("module")
            .order_by("-start", "pk")
        )
        # the latest rounds on the page, the others found as the officer types: the programme's every
        # training of trainers would otherwise be an option of each trainer's page
        tot_round.widget = SearchSelect(search_url_name="trainers:tot_round_autocomplete")
        tot_round.widget.choices = tot_round.choices
        self.helper = _helper(
            Row(
                Column("module", css_class="col-md-3"),
                Column("qualified_on", css_class="col-md-3"),
                Column("expires_on", css_class="col-md-3"),
                Column("tot_round", css_class="col-md-3"),
            )
        )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("qualified_on"), cleaned.get("expires_on")
        if start and end and end <= start:
            self.add_error("expires_on", _("A qualification must expire after the date it was awarded."))
        return cleaned


class RoundTrainerForm(SingleLineMixin, forms.ModelForm):
    """Add a trainer to a round from the round's page."""

    class Meta:
        model = RoundTrainer
        fields = ["trainer", "role"]

    def __init__(self, *args, training_round: TrainingRound, **kwargs):
        super().__init__(*args, **kwargs)
        self.training_round = training_round
        self.instance.training_round = training_round
        trainer = self.fields["trainer"]
        trainer.queryset = (  # those who work in the round's country
            Trainer.objects.filter(active=True, countries=training_round.country_id)
            .exclude(rounds__training_round=training_round)
            .select_related("organisation")
            .order_by("name")
        )
        trainer.label_from_instance = self.trainer_label
        trainer.widget = SearchSelect(search_url_name="trainers:trainer_autocomplete")
        trainer.widget.choices = trainer.choices
        self.helper = _helper(Row(Column("trainer", css_class="col-md-7"), Column("role", css_class="col-md-5")))

    @staticmethod
    def trainer_label(trainer: Trainer) -> str:
        return f"{trainer.name} ({trainer.organisation})" if trainer.organisation_id else trainer.name

    def clean(self):
        cleaned = super().clean()
        trainer, role = cleaned.get("trainer"), cleaned.get("role")
        if trainer and role:
            for field, messages in services.round_trainer_check(
                training_round=self.training_round, trainer=trainer, role=role
            ).items():
                for message in messages:
                    self.add_error(field, message)
        return cleaned


class RoundTrainerAdminForm(forms.ModelForm):
    class Meta:
        model = RoundTrainer
        fields = "__all__"  # noqa: DJ007 - the admin shows every field

    def clean(self):
        cleaned = super().clean()
        training_round, trainer, role = cleaned.get("training_round"), cleaned.get("trainer"), cleaned.get("role")
        if training_round and trainer and role:
            for field, messages in services.round_trainer_check(
                training_round=training_round, trainer=trainer, role=role
            ).items():
                for message in messages:
                    self.add_error(field, message)
        return cleaned
