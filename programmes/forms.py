"""Forms for country programmes, organisations, agreements and rounds. Their clean() asks the services' rule
functions, so the portal and the Django admin refuse the same things with the same message next to the same
field."""

from __future__ import annotations

from decimal import Decimal

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Field, Fieldset, Layout, Row
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from core import standards
from core.access import add_service_errors
from core.editing import EditVersionMixin
from core.forms import SingleLineMixin
from core.widgets import DateInput, QuickSelect

from . import services
from .models import Agreement, Country, ExchangeRate, Organisation, Region, TrainingRound
from .selectors import countries_working_for, organisations_visible_to


def _helper(*rows) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.layout = Layout(*rows)
    return helper


class _OnlyCountryFallback:
    """A country field whose person works for one country only: hidden, and that country when left empty."""

    only: Country | None = None

    def clean(self, value):
        if self.only is not None and value in self.empty_values:
            value = self.only.pk if not isinstance(self, forms.ModelMultipleChoiceField) else [self.only.pk]
        return super().clean(value)


class CountryChoiceField(_OnlyCountryFallback, forms.ModelChoiceField):
    pass


class CountriesChoiceField(_OnlyCountryFallback, forms.ModelMultipleChoiceField):
    pass


def countries_offer(form: forms.Form, user, name: str = "country") -> None:
    """Offer the countries ``user`` works for in the form's field ``name`` (a record's country, or the countries an
    organisation or a trainer works in): all of them for the global team, theirs for a country's people; with one
    only, it is taken, and the field hidden (a record being edited shows its own country too)."""
    field = form.fields[name]
    multiple = isinstance(field, forms.ModelMultipleChoiceField)
    choices = countries_working_for(user)
    own = set()
    if getattr(form, "instance", None) is not None and form.instance.pk:
        own = set(form.instance.countries.values_list("pk", flat=True)) if multiple else {form.instance.country_id}
    queryset = Country.objects.filter(Q(pk__in=choices.values("pk")) | Q(pk__in=own)).order_by("name")
    countries = list(queryset)
    only = countries[0] if len(countries) == 1 else None
    if only is not None:
        widget = forms.MultipleHiddenInput() if multiple else forms.HiddenInput()
    elif multiple:
        widget = forms.SelectMultiple(attrs={"size": min(6, max(2, len(countries)))})
    else:
        widget = None  # the field's own select
    new_field = (CountriesChoiceField if multiple else CountryChoiceField)(
        queryset=queryset,
        widget=widget,
        label=field.label,
        help_text=field.help_text,
        required=field.required and only is None,
        initial=field.initial,
    )
    if only is not None:
        new_field.only = only
        new_field.initial = [only.pk] if multiple else only.pk
    form.fields[name] = new_field


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
            services.round_validate(training_round=proposed, co_organisers=cleaned.get("co_organisers"))
        except ValidationError as e:
            add_service_errors(self, e)


class RoundForm(SingleLineMixin, EditVersionMixin, RoundRulesMixin, forms.ModelForm):
    class Meta:
        model = TrainingRound
        fields = [
            "country",
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

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["co_organisers"].help_text = _("Pick as many as apply; × removes one.")
        countries_offer(self, user)
        for name in ("organiser", "co_organisers"):  # the organisations of the officer's countries
            self.fields[name].queryset = organisations_visible_to(user).order_by("name")
        self._costs_optional()
        self.helper = _helper(
            Field("country"),
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
        fields = ["name", "short_name", "kind", "parent", "countries", "province", "city", "website", "email", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = organisations_visible_to(user).exclude(pk=self.instance.pk).order_by("name")
        countries_offer(self, user, "countries")
        self.helper = _helper(
            Row(Column("name", css_class="col-md-8"), Column("short_name", css_class="col-md-4")),
            Row(Column("kind", css_class="col-md-6"), Column("parent", css_class="col-md-6")),
            Field("countries"),
            Row(Column("province", css_class="col-md-6"), Column("city", css_class="col-md-6")),
            Row(Column("website", css_class="col-md-6"), Column("email", css_class="col-md-6")),
            Field("notes"),
        )


class AgreementForm(SingleLineMixin, EditVersionMixin, forms.ModelForm):
    class Meta:
        model = Agreement
        fields = ["kind", "country", "signed_on", "start", "end", "territory", "notes"]
        widgets = {
            "signed_on": DateInput(),
            "start": DateInput(),
            "end": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, organisation: Organisation, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.instance.organisation = organisation
        country = self.fields["country"]
        # the organisation's countries that the officer works for: a China officer makes no agreement for Viet Nam
        country.queryset = (
            organisation.countries.filter(pk__in=countries_working_for(user).values("pk"))
            if organisation.pk
            else Country.objects.none()
        )
        countries = list(country.queryset[:2])
        if len(countries) == 1:  # an organisation working in one country: the agreement is made there
            country.initial, country.widget, country.required = countries[0].pk, forms.HiddenInput(), False
        self.helper = _helper(
            Field("country"),
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
        fields = ["organisation", "kind", "country", "signed_on", "start", "end", "territory", "notes"]

    def clean(self):
        cleaned = super().clean()
        organisation = cleaned.get("organisation") or getattr(self.instance, "organisation", None)
        if organisation is not None and not self.errors:
            candidate = Agreement(pk=self.instance.pk, **{f: cleaned.get(f) for f in services.AGREEMENT_FIELDS})
            for field, messages in services.agreement_check(organisation=organisation, agreement=candidate).items():
                for message in messages:
                    self.add_error(field if field in self.fields else None, message)
        return cleaned


# --- Country programmes ----------------------------------------------------------------------------------------


class LanguagesInput(forms.TextInput):
    """An ordered list of language codes typed on one line, "en, zh-hans". Posted back as several values (the
    edit form restarting after a conflict writes a list), it is read as one line again."""

    def format_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(str(tag) for tag in value)
        return super().format_value(value)

    def value_from_datadict(self, data, files, name):
        values = data.getlist(name) if hasattr(data, "getlist") else [data.get(name)]
        return ", ".join(v for v in values if v) if len(values) > 1 else (values[0] if values else None)


class LanguagesField(forms.Field):
    """The content languages: codes separated by commas or spaces, the main one first; the model checks each."""

    widget = LanguagesInput

    def to_python(self, value):
        if isinstance(value, list):
            return value
        return [tag.strip().lower() for tag in (value or "").replace(",", " ").split() if tag.strip()]


class CountryAdminForm(forms.ModelForm):
    """A country programme's fields, in the admin as on the portal's page: zones and currencies to choose from, the
    languages typed on one line, the code in capitals."""

    time_zone = forms.ChoiceField(label=capfirst(_("time zone")), widget=QuickSelect)  # as the model's fields' labels
    currency = forms.ChoiceField(label=capfirst(_("currency")), widget=QuickSelect)
    languages = LanguagesField(
        label=capfirst(_("content languages")),
        help_text=_(
            "Language codes separated by commas, the main one first: en, zh-hans for China; es for a Spanish "
            "programme. Any language, not only those the portal's interface speaks."
        ),
    )

    class Meta:
        model = Country
        fields = ["code", "name", "time_zone", "currency", "languages", *Country.OFFICE_FIELDS, "illustrative"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        zone, currency = self.fields["time_zone"], self.fields["currency"]
        zone.choices = [("", "---------"), *standards.time_zone_choices()]
        zone.help_text = Country._meta.get_field("time_zone").help_text
        currency.choices = [("", "---------"), *standards.currency_choices()]
        currency.help_text = Country._meta.get_field("currency").help_text
        self.fields["code"].widget.attrs.update({"autocapitalize": "characters", "size": 2, "maxlength": 2})

    def clean_code(self):
        return (self.cleaned_data.get("code") or "").strip().upper()


class CountryForm(SingleLineMixin, EditVersionMixin, CountryAdminForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Row(Column("code", css_class="col-md-3"), Column("name", css_class="col-md-9")),
            Row(Column("time_zone", css_class="col-md-6"), Column("currency", css_class="col-md-6")),
            Field("languages"),
            Fieldset(
                _("The office a newsletter's footer prints"),
                Field("office_name"),
                Field("address"),
                Row(Column("telephone", css_class="col-md-6"), Column("fax", css_class="col-md-6")),
                Row(Column("email", css_class="col-md-6"), Column("web", css_class="col-md-6")),
            ),
            Field("illustrative"),
        )


class ExchangeRateForm(SingleLineMixin, forms.ModelForm):
    """A year's rate of the country's currency; the year's rate already kept is corrected (exchange_rate_set)."""

    class Meta:
        model = ExchangeRate
        fields = ["year", "units_per_usd"]

    def __init__(self, *args, country: Country, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.currency = country.currency
        self.fields["units_per_usd"].label = _("%(currency)s for one US dollar") % {"currency": country.currency}
        self.helper = _helper(Row(Column("year", css_class="col-md-4"), Column("units_per_usd", css_class="col-md-8")))

    def validate_unique(self):
        """A rate for a year that has one corrects it: no unique error here (the service keeps one per year)."""


class RegionForm(SingleLineMixin, forms.ModelForm):
    """A region to add; a name the country has already is refused by ``region_add``, next to the name."""

    class Meta:
        model = Region
        fields = ["name", "kind"]

    def __init__(self, *args, country: Country, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.country = country
        self.helper = _helper(Row(Column("name", css_class="col-md-8"), Column("kind", css_class="col-md-4")))
