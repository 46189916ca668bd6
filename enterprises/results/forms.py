"""Forms of the results pages. They read and check input; the services in services.py save it."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core import roles
from core.editing import EditVersionMixin, edit_token
from core.forms import SingleLineMixin, TranslationsMixin
from core.widgets import SearchSelect
from enterprises.models import KPI, KPILine, Result
from enterprises.selectors import enterprises_visible_to
from programmes.models import Module, Organisation, TrainingRound
from programmes.selectors import organisations_visible_to, rounds_visible_to

from . import imports, photos
from .services import kpi_value_problem

DATE = forms.DateInput(attrs={"type": "date", "class": "form-control form-control-sm"}, format="%Y-%m-%d")
SMALL = {"class": "form-control form-control-sm"}
NUMBER = forms.NumberInput(attrs=SMALL | {"step": "any", "inputmode": "decimal"})  # a numeric keyboard on phones
MAX_IMPORT_BYTES = 10 * 1024 * 1024


class RoundChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: TrainingRound) -> str:
        return f"{obj.module.code} {obj.get_kind_short()} {obj.city}, {obj.start:%Y-%m-%d} – {obj.end:%Y-%m-%d}"


class ResultForm(SingleLineMixin, EditVersionMixin, TranslationsMixin, forms.Form):
    enterprise = forms.ModelChoiceField(queryset=None, label=_("Enterprise"))
    module = forms.ModelChoiceField(queryset=Module.objects.all(), label=_("Module"))
    training_round = RoundChoiceField(
        queryset=None,
        label=_("Training round"),
        required=False,
        help_text=_("The round in which the enterprise took this module, if it was one of yours."),
    )
    title = forms.CharField(
        label=_("Headline"),
        max_length=200,
        required=False,
        help_text=_("One line for the newsletter, e.g. “Defects down from 4.13 % to 0.61 %”."),
    )
    narrative = forms.CharField(
        label=_("Narrative"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What the Enterprise Improvement Team did and what changed."),
    )
    translated_fields = ("title", "narrative")

    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        label=_("Reported for"),
        required=False,
        help_text=_("The partner organisation you enter this result on behalf of."),
    )

    def __init__(self, *args, user, result: Result | None = None, **kwargs):
        super().__init__(*args, edit_record=result, record=result, **kwargs)
        self.result = result
        if result is None and roles.is_officer(user):  # an officer enters a result on behalf of an organisation
            self.fields["organisation"].queryset = organisations_visible_to(user).order_by("name")
            self.fields["organisation"].required = True
            self.order_fields(["organisation"])
        else:
            del self.fields["organisation"]
        enterprise = self.fields["enterprise"]
        enterprise.queryset = enterprises_visible_to(user).order_by("name")
        enterprise.widget = SearchSelect(search_url_name="results:enterprise_autocomplete")
        enterprise.widget.choices = enterprise.choices
        self.fields["training_round"].queryset = rounds_visible_to(user).select_related("module").order_by("-start")
        if result is not None:
            # enterprise and module identify the result; they are fixed once it exists
            for name in ("enterprise", "module"):
                self.fields[name].disabled = True
                self.fields[name].required = False
                self.initial.setdefault(name, getattr(result, f"{name}_id"))
            self.fields["enterprise"].queryset = self.fields["enterprise"].queryset.filter(pk=result.enterprise_id)


class KPILineForm(SingleLineMixin, EditVersionMixin, forms.Form):
    line_id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    kpi = forms.ModelChoiceField(
        queryset=KPI.objects.filter(active=True),
        label=_("KPI"),
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    baseline_value = forms.DecimalField(label=_("Baseline value"), max_digits=14, decimal_places=4, widget=NUMBER)
    baseline_date = forms.DateField(label=_("Baseline date"), widget=DATE)
    followup_value = forms.DecimalField(label=_("Follow-up value"), max_digits=14, decimal_places=4, widget=NUMBER)
    followup_date = forms.DateField(label=_("Follow-up date"), widget=DATE)
    period = forms.ChoiceField(
        label=_("Values cover"),
        choices=KPILine._meta.get_field("period").choices,
        required=False,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False, widget=forms.TextInput(attrs=SMALL))

    def __init__(self, *args, kpis=None, **kwargs):
        super().__init__(*args, **kwargs)
        if kpis is not None:
            self.fields["kpi"].queryset = kpis

    def clean(self):
        data = super().clean()
        if data.get("baseline_date") and data.get("followup_date") and data["followup_date"] < data["baseline_date"]:
            self.add_error("followup_date", _("The follow-up cannot be dated before the baseline."))
        kpi = data.get("kpi")
        if kpi is not None:
            for name in ("baseline_value", "followup_value"):
                problem = kpi_value_problem(kpi, data.get(name))
                if problem:
                    self.add_error(name, problem)
        return data


class BaseKPILineFormSet(forms.BaseFormSet):
    def __init__(self, *args, kpis=None, **kwargs):
        self.kpis = kpis
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "kpis": self.kpis}

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].widget.attrs["class"] = "form-check-input"

    def clean(self):
        if any(self.errors):
            return
        seen = set()
        for form in self.forms:
            if self.can_delete and self._should_delete_form(form):
                continue
            kpi = form.cleaned_data.get("kpi")
            if kpi is None:
                continue
            if kpi.pk in seen:
                form.add_error("kpi", _("This KPI is already in this result."))
            seen.add(kpi.pk)


KPILineFormSet = forms.formset_factory(KPILineForm, formset=BaseKPILineFormSet, extra=1, can_delete=True)


def kpi_choices_for(result: Result | None):
    """Active KPIs, plus retired ones this result already uses (so its lines stay editable)."""
    qs = KPI.objects.filter(active=True)
    if result is not None:
        qs = KPI.objects.filter(pk__in=qs.values("pk")) | KPI.objects.filter(lines__result=result)
    return qs.distinct().order_by("order", "name")


LINE_FIELDS = ["kpi", "baseline_value", "baseline_date", "followup_value", "followup_date", "note"]


def kpi_line_initial(lines: list[KPILine]) -> list[dict]:
    return [
        {
            "line_id": line.pk,
            "edit_token": edit_token(line, LINE_FIELDS),  # the version and values the editor starts from
            "kpi": line.kpi_id,
            "baseline_value": line.baseline_value.normalize(),
            "baseline_date": line.baseline_date,
            "followup_value": line.followup_value.normalize(),
            "followup_date": line.followup_date,
            "period": line.period,
            "note": line.note,
        }
        for line in lines
    ]


class PhotoField(forms.FileField):
    """A photo upload checked by its content (see enterprises/photos.py), with the reason next to the field."""

    widget = forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"})

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload:
            photos.photo_check(upload)
        return upload


class PhotoPairForm(SingleLineMixin, TranslationsMixin, forms.Form):
    """A before/after pair: a caption per photo, one caption for the pair, or both (the pair's prints under
    the two photos); the pair needs one or the other."""

    before = PhotoField(label=_("Before photo"))
    before_caption = forms.CharField(label=_("Before caption"), max_length=300, required=False)
    after = PhotoField(label=_("After photo"))
    after_caption = forms.CharField(label=_("After caption"), max_length=300, required=False)
    caption = forms.CharField(
        label=_("Caption of the pair"),
        max_length=300,
        required=False,
        help_text=_("One caption for both photos, printed under the pair."),
    )
    credit = forms.CharField(label=_("Credit"), max_length=200, required=False, help_text=_("Who took the photos."))

    def clean(self):
        data = super().clean()
        if not data.get("caption", "").strip():
            for side in ("before_caption", "after_caption"):
                if not data.get(side, "").strip() and side not in self.errors:
                    self.add_error(side, _("Give this photo a caption, or give the pair one caption."))
        return data

    translated_fields = ("before_caption", "after_caption", "caption")

    def caption_translations(self) -> dict:
        """The captions in other languages as ``photo_pair_add`` takes them: by "before", "after" and "pair"."""
        posted = self.translations()
        return {
            side: {language: {"caption": texts[field]} for language, texts in posted.items()}
            for side, field in (("before", "before_caption"), ("after", "after_caption"), ("pair", "caption"))
        }


class ReturnForm(SingleLineMixin, forms.Form):
    reason = forms.CharField(
        label=_("What should the partner correct?"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class ReopenForm(SingleLineMixin, forms.Form):
    reason = forms.CharField(
        label=_("What must be corrected?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("Recorded in the result's approval trail and sent to whoever entered it."),
    )


class ReviewForm(SingleLineMixin, forms.Form):
    """The review queue's bulk action: approve or return the chosen results, with one reason for all returned."""

    APPROVE, RETURN = "approve", "return"
    action = forms.ChoiceField(choices=[(APPROVE, _("Approve")), (RETURN, _("Return for correction"))])
    results = forms.ModelMultipleChoiceField(
        queryset=Result.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one result.")},
    )
    reason = forms.CharField(
        label=_("What should the partner correct? (one reason for every result returned)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
    )

    def __init__(self, *args, results, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["results"].queryset = results

    def clean(self):
        data = super().clean()
        if data.get("action") == self.RETURN and not data.get("reason", "").strip():
            self.add_error("reason", _("Say what the partner should correct."))
        return data


class KPIForm(SingleLineMixin, EditVersionMixin, TranslationsMixin, forms.ModelForm):
    translated_fields = ("name", "unit")

    class Meta:
        model = KPI
        fields = [
            "name",
            "unit",
            "direction",
            "allows_negative",
            "description",
            "active",
            "order",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class ImportForm(SingleLineMixin, forms.Form):
    file = forms.FileField(
        label=_("Excel workbook (.xlsx) or CSV file"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise ValidationError(_("The file is larger than 10 MB."))
        data = upload.read()
        table = imports.read_table(data)
        problems = imports.column_problems(table.headers)
        if problems:
            raise ValidationError(problems)
        if not table.rows:
            raise ValidationError(_("The file has no rows to import."))
        self.data_bytes = data
        return upload
