"""Forms for organisations, agreements and rounds. Their clean() asks the services' rule functions, so the
portal and the Django admin refuse the same things with the same message next to the same field."""

from __future__ import annotations

from decimal import Decimal

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Field, Fieldset, Layout, Row
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.access import add_service_errors
from core.editing import EditVersionMixin
from core.forms import SingleLineMixin
from core.widgets import DateInput

from . import services
from .models import Agreement, Organisation, TrainingRound


def _helper(*rows) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.layout = Layout(*rows)
    return helper


class RoundRulesMixin:
    """clean(): the round's proposed values go through programmes.services.round_validate."""

    def _costs_optional(self):
        """The cost may be left empty (not known), and an empty share is nothing paid."""
        for name in ("cost_total", *TrainingRound.COST_SHARES):
            if name in self.fields:
                self.fields[name].required = False
                self.fields[name].widget.attrs.update({"min": "0", "step": "0.01", "inputmode": "decimal"})

    def _check_round_rules(self, cleaned):
        for name in TrainingRound.COST_SHARES:
            if name in cleaned and cleaned[name] is None:
                cleaned[name] = Decimal(0)
        if self.errors:
            return
        proposed = TrainingRound(pk=self.instance.pk, status=self.instance.status)
        for name in services.ROUND_FIELDS:
            setattr(proposed, name, cleaned.get(name, getattr(self.instance, name, None)))
        if "status" in cleaned:
            proposed.status = cleaned["status"]
        try:
            services.round_validate(training_round=proposed)
        except ValidationError as e:
            add_service_errors(self, e)


class RoundForm(SingleLineMixin, EditVersionMixin, RoundRulesMixin, forms.ModelForm):
    class Meta:
        model = TrainingRound
        fields = [
            "module",
            "kind",
            "organiser",
            "co_organisers",
            "province",
            "city",
            "start",
            "end",
            "notes",
            "cost_total",
            *TrainingRound.COST_SHARES,
        ]
        widgets = {
            "start": DateInput(),
            "end": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 3}),
            "co_organisers": forms.SelectMultiple(attrs={"size": 6}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["co_organisers"].help_text = _("Pick as many as apply; × removes one.")
        self._costs_optional()
        self.helper = _helper(
            Row(Column("module", css_class="col-md-6"), Column("kind", css_class="col-md-6")),
            Row(Column("organiser", css_class="col-md-6"), Column("co_organisers", css_class="col-md-6")),
            Row(Column("province", css_class="col-md-6"), Column("city", css_class="col-md-6")),
            Row(Column("start", css_class="col-md-6"), Column("end", css_class="col-md-6")),
            Field("notes"),
            Fieldset(
                _("Cost and who paid it"),
                Row(Column("cost_total", css_class="col-md-6")),
                Row(
                    Column("paid_by_enterprises", css_class="col-md-6"),
                    Column("paid_by_partners", css_class="col-md-6"),
                ),
                Row(Column("paid_by_sponsors", css_class="col-md-6"), Column("paid_by_ilo", css_class="col-md-6")),
            ),
        )

    def clean(self):
        cleaned = super().clean()
        self._check_round_rules(cleaned)
        return cleaned


class RoundTransitionForm(SingleLineMixin, forms.Form):
    to_status = forms.ChoiceField(label=_("new status"), choices=TrainingRound.Status.choices)


class TrainingRoundAdminForm(RoundRulesMixin, forms.ModelForm):
    """The admin's round form: the same rules, and status changes only along the round's life."""

    class Meta:
        model = TrainingRound
        fields = "__all__"  # noqa: DJ007 - the admin shows every field

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._costs_optional()

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and "status" in cleaned:
            try:
                services.transition_check(from_status=self.instance.status, to_status=cleaned["status"])
            except ValidationError as e:
                add_service_errors(self, e)
        elif not self.instance.pk and cleaned.get("status") not in (None, TrainingRound.Status.PLANNED):
            self.add_error("status", _("A new round starts as planned."))
        self._check_round_rules(cleaned)
        return cleaned


class OrganisationForm(SingleLineMixin, EditVersionMixin, forms.ModelForm):
    website = forms.URLField(label=_("website"), required=False, assume_scheme="https")

    class Meta:
        model = Organisation
        fields = ["name", "short_name", "kind", "parent", "province", "city", "website", "email", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["parent"].queryset = Organisation.objects.exclude(pk=self.instance.pk)
        self.helper = _helper(
            Row(Column("name", css_class="col-md-8"), Column("short_name", css_class="col-md-4")),
            Row(Column("kind", css_class="col-md-6"), Column("parent", css_class="col-md-6")),
            Row(Column("province", css_class="col-md-6"), Column("city", css_class="col-md-6")),
            Row(Column("website", css_class="col-md-6"), Column("email", css_class="col-md-6")),
            Field("notes"),
        )


class AgreementForm(SingleLineMixin, EditVersionMixin, forms.ModelForm):
    class Meta:
        model = Agreement
        fields = ["kind", "signed_on", "start", "end", "territory", "notes"]
        widgets = {
            "signed_on": DateInput(),
            "start": DateInput(),
            "end": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.instance.organisation = organisation
        self.helper = _helper(
            Row(Column("kind", css_class="col-md-6"), Column("territory", css_class="col-md-6")),
            Row(
                Column("signed_on", css_class="col-md-4"),
                Column("start", css_class="col-md-4"),
                Column("end", css_class="col-md-4"),
            ),
            Field("notes"),
        )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", _("An agreement cannot end before it starts."))
        return cleaned


class AgreementAdminForm(forms.ModelForm):
    """The admin's agreement form checks what the portal's does (dates, licences covering their rounds)."""

    class Meta:
        model = Agreement
        fields = ["organisation", "kind", "signed_on", "start", "end", "territory", "notes"]

    def clean(self):
        cleaned = super().clean()
        organisation = cleaned.get("organisation") or getattr(self.instance, "organisation", None)
        if organisation is not None and not self.errors:
            candidate = Agreement(pk=self.instance.pk, **{f: cleaned.get(f) for f in services.AGREEMENT_FIELDS})
            for field, messages in services.agreement_check(organisation=organisation, agreement=candidate).items():
                for message in messages:
                    self.add_error(field if field in self.fields else None, message)
        return cleaned
