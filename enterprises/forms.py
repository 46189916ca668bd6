from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Field, Layout, Row
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core import roles
from core.access import add_service_errors
from core.editing import EditVersionMixin
from core.forms import SingleLineMixin
from core.widgets import DateInput, QuickSelect, SearchSelect
from programmes.forms import countries_offer
from programmes.models import TrainingRound
from programmes.selectors import organisations_visible_to
from trainers.models import Trainer

from . import services
from .models import Enterprise, FactoryVisit, Participation
from .results.imports import enterprise_label


def _helper(*rows) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.layout = Layout(*rows)
    return helper


ATTENDANCE_ROW = Row(
    Column("managers_women", css_class="col-6 col-md-3"),
    Column("managers_men", css_class="col-6 col-md-3"),
    Column("workers_women", css_class="col-6 col-md-3"),
    Column("workers_men", css_class="col-6 col-md-3"),
)


def _counts_not_negative(form) -> None:
    for field in services.ATTENDANCE_FIELDS:
        if field in form.fields:
            form.fields[field].widget.attrs["min"] = 0


class EnterpriseForm(SingleLineMixin, EditVersionMixin, forms.ModelForm):
    class Meta:
        model = Enterprise
        fields = [
            "name",
            "sector",
            "country",
            "province",
            "city",
            "workers_women",
            "workers_men",
            "organisations",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3}), "organisations": forms.SelectMultiple(attrs={"size": 6})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        countries_offer(self, user)
        self.fields["organisations"].queryset = organisations_visible_to(user).order_by("name")
        self.fields["organisations"].help_text = _(
            "The partner organisations that brought this enterprise into SCORE. Pick as many as apply; × removes one."
        )
        self.helper = _helper(
            Row(Column("name", css_class="col-md-6"), Column("sector", css_class="col-md-6")),
            Field("country"),
            Row(Column("province", css_class="col-md-6"), Column("city", css_class="col-md-6")),
            Row(Column("workers_women", css_class="col-md-6"), Column("workers_men", css_class="col-md-6")),
            Field("organisations"),
            Field("notes"),
        )


class _ParticipationRulesMixin:
    """clean(): attendance and 'Module 1 first' through enterprises.services.participation_validate."""

    by = None

    def _check_participation(self, cleaned, training_round):
        enterprise = cleaned.get("enterprise", getattr(self.instance, "enterprise", None))
        if self.errors or training_round is None or enterprise is None:
            return
        proposed = Participation(
            pk=self.instance.pk,
            training_round=training_round,
            enterprise=enterprise,
            module_order_exception=(
                cleaned.get("module_order_exception", self.instance.module_order_exception) or ""
            ).strip(),
            **{f: cleaned.get(f, getattr(self.instance, f)) for f in services.ATTENDANCE_FIELDS},
        )
        try:
            services.participation_validate(participation=proposed, by=self.by)
        except ValidationError as e:
            add_service_errors(self, e)


class ParticipationForm(SingleLineMixin, EditVersionMixin, _ParticipationRulesMixin, forms.ModelForm):
    """Add an enterprise, with its attendance, from the round's page."""

    class Meta:
        model = Participation
        fields = ["enterprise", *services.ATTENDANCE_FIELDS, "module_order_exception"]
        widgets = {"module_order_exception": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, training_round: TrainingRound, by=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.training_round = training_round
        self.by = by
        self.instance.training_round = training_round
        if "enterprise" in self.fields:
            enterprise = self.fields["enterprise"]
            enterprise.queryset = (  # the round's country's enterprises not in it yet
                Enterprise.objects.filter(country_id=training_round.country_id)
                .exclude(participations__training_round=training_round)
                .order_by("name")
            )
            enterprise.label_from_instance = enterprise_label
            enterprise.widget = SearchSelect(search_url_name="results:enterprise_autocomplete")
            enterprise.widget.choices = enterprise.choices
        _counts_not_negative(self)
        rows = [Field("enterprise")] if "enterprise" in self.fields else []
        rows.append(ATTENDANCE_ROW)
        if training_round.module.is_foundation or not (by is None or roles.is_officer(by)):
            del self.fields["module_order_exception"]  # a trainer records attendance; exceptions are officers'
        else:
            self.fields["module_order_exception"].help_text = _(
                "Leave empty unless the enterprise takes this module before Module 1; then say why."
            )
            rows.append(Field("module_order_exception"))
        self.helper = _helper(*rows)

    def clean(self):
        cleaned = super().clean()
        self._check_participation(cleaned, self.training_round)
        return cleaned


class ParticipationEditForm(ParticipationForm):
    class Meta(ParticipationForm.Meta):
        fields = [*services.ATTENDANCE_FIELDS, "module_order_exception"]


class ParticipationAdminForm(_ParticipationRulesMixin, forms.ModelForm):
    class Meta:
        model = Participation
        fields = "__all__"  # noqa: DJ007 - the admin shows every field

    def clean(self):
        cleaned = super().clean()
        self._check_participation(cleaned, cleaned.get("training_round"))
        return cleaned


class FactoryVisitForm(SingleLineMixin, forms.ModelForm):
    """Record a factory visit from the round's page: one of its enterprises, by one of its trainers."""

    class Meta:
        model = FactoryVisit
        fields = ["enterprise", "trainer", "visited_on", "notes"]
        widgets = {
            "enterprise": QuickSelect,  # every enterprise of the round: written without a template per option
            "trainer": QuickSelect,
            "visited_on": DateInput(),
            "notes": forms.TextInput(),
        }

    def __init__(self, *args, training_round: TrainingRound, **kwargs):
        super().__init__(*args, **kwargs)
        self.training_round = training_round
        self.instance.training_round = training_round
        self.fields["enterprise"].queryset = Enterprise.objects.filter(participations__training_round=training_round)
        self.fields["trainer"].queryset = Trainer.objects.filter(rounds__training_round=training_round)
        self.helper = _helper(
            Row(
                Column("enterprise", css_class="col-md-4"),
                Column("trainer", css_class="col-md-4"),
                Column("visited_on", css_class="col-md-4"),
            ),
            Field("notes"),
        )

    def clean(self):
        cleaned = super().clean()
        errors = services.factory_visit_check(
            training_round=self.training_round,
            enterprise=cleaned.get("enterprise"),
            trainer=cleaned.get("trainer"),
            visited_on=cleaned.get("visited_on"),
        )
        for field, messages in errors.items():
            for message in messages:
                self.add_error(field, message)
        return cleaned


class FactoryVisitAdminForm(forms.ModelForm):
    class Meta:
        model = FactoryVisit
        fields = "__all__"  # noqa: DJ007 - the admin shows every field

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("training_round"):
            errors = services.factory_visit_check(
                training_round=cleaned["training_round"],
                enterprise=cleaned.get("enterprise"),
                trainer=cleaned.get("trainer"),
                visited_on=cleaned.get("visited_on"),
            )
            for field, messages in errors.items():
                for message in messages:
                    self.add_error(field, message)
        return cleaned
