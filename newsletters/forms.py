import datetime as dt

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Fieldset, Layout
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import standards
from core.editing import EditVersionMixin
from core.forms import SingleLineMixin, TranslationsMixin
from core.translated import html_lang
from core.uploads import BoundedImageField
from programmes.forms import countries_offer
from programmes.models import Country, TrainingRound
from programmes.selectors import countries_working_for
from trainers.models import Trainer

from . import selectors
from .models import (
    DatePrecision,
    Event,
    ExpertComment,
    Issue,
    IssueSection,
    Masthead,
    NewsItem,
    QuotedPerson,
    period_label,
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TranslatedTextForm(SingleLineMixin, TranslationsMixin, forms.ModelForm):
    """A record form whose texts in the record's other languages stand apart, under a heading that says what they
    are for."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        others = self.language_field_names
        self.helper = FormHelper()
        self.helper.form_tag = False
        layout = [name for name in self.fields if name not in others]
        if others:
            layout.append(
                Fieldset(
                    _("For editions in other languages"),
                    HTML(
                        '<p class="form-text mt-0">{}</p>'.format(
                            _(
                                "An edition in one of these languages prints them; where one is empty it prints the "
                                "text above."
                            )
                        )
                    ),
                    *others,
                    css_class="border-top pt-3 mt-3",
                )
            )
        self.helper.layout = Layout(*layout)


class CountryRecordMixin:
    """The record's country: those the editor edits (taken, and hidden, when there is one only)."""

    def __init__(self, *args, user, **kwargs):
        instance = kwargs.get("instance")
        if not getattr(instance, "country_id", None):  # a new record: the languages of the countries it may go to
            kwargs.setdefault("countries", countries_working_for(user))
        super().__init__(*args, **kwargs)
        countries_offer(self, user)


class DatePrecisionMixin:
    """'Dated to the day' unless the editor says 'to the month'."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date_precision"].required = False

    def clean_date_precision(self):
        return self.cleaned_data.get("date_precision") or DatePrecision.DAY


class NewsItemForm(CountryRecordMixin, EditVersionMixin, DatePrecisionMixin, TranslatedTextForm):
    class Meta:
        model = NewsItem
        fields = [
            "country",
            "section",
            "place",
            "title",
            "date",
            "date_precision",
            "training_round",
            "body",
        ]
        widgets = {
            "date": DateInput(),
            "body": forms.Textarea(attrs={"rows": 8}),
        }

    translated_fields = ("place", "title", "body")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        rounds = TrainingRound.objects.filter(country__in=countries_working_for(user))  # the editor's countries'
        self.fields["training_round"].queryset = rounds.select_related("module").order_by("-start")


class EventForm(CountryRecordMixin, EditVersionMixin, DatePrecisionMixin, TranslatedTextForm):
    class Meta:
        model = Event
        fields = ["country", "place", "title", "starts_on", "ends_on", "date_precision", "body"]
        widgets = {
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "body": forms.Textarea(attrs={"rows": 6}),
        }

    translated_fields = ("place", "title", "body")


class ExpertCommentForm(CountryRecordMixin, EditVersionMixin, TranslatedTextForm):
    class Meta:
        model = ExpertComment
        fields = ["country", "person", "trainer", "heading", "given_on", "quote"]
        widgets = {
            "given_on": DateInput(),
            "quote": forms.Textarea(attrs={"rows": 10}),
        }

    translated_fields = ("heading", "quote")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        trainers = Trainer.objects.filter(pk__in=Trainer.countries.through.objects.filter(
            country__in=countries_working_for(user)).values("trainer_id"))  # fmt: skip
        self.fields["trainer"].queryset = trainers.select_related("organisation").order_by("name")
        self.fields["person"].queryset = QuotedPerson.objects.order_by("name")
        self.fields["trainer"].help_text = _("Or a trainer of the portal, printed with their position.")


class QuotedPersonForm(EditVersionMixin, TranslatedTextForm):
    class Meta:
        model = QuotedPerson
        fields = ["name", "role", "organisation", "photo", "trainer"]
        field_classes = {"photo": BoundedImageField}  # checked by the pixels it would cost (core/uploads.py)

    translated_fields = ("name", "role", "organisation")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["trainer"].queryset = Trainer.objects.select_related("organisation").order_by("name")


RECENT_PERIODS, COMING_PERIODS = 6, 2


def period_choices(today: dt.date | None = None) -> list[tuple[str, str]]:
    """The coming two-month periods and the recent ones (a year back), newest first; any other can be typed."""
    current = selectors.period_of(today or timezone.localdate())
    return [
        (period.isoformat(), period_label(period))
        for period in (selectors.add_months(current, 2 * n) for n in range(COMING_PERIODS, -RECENT_PERIODS - 1, -1))
    ]


class PeriodField(forms.TypedChoiceField):
    """The menu offers recent and coming periods; a posted period outside it is valid when it starts one."""

    def valid_value(self, value) -> bool:
        try:
            day = dt.date.fromisoformat(str(value))
        except ValueError:
            return False
        return day == selectors.period_of(day)


class MonthInput(forms.TextInput):
    input_type = "month"


class IssueCreateForm(SingleLineMixin, forms.Form):
    period_start = PeriodField(
        label=_("Period"),
        coerce=dt.date.fromisoformat,
        required=False,
        help_text=_("The issue is filled with the news and results of this period and the events after it."),
    )
    other_period = forms.CharField(
        label=_("Or another period"),
        required=False,
        widget=MonthInput(attrs={"placeholder": "2014-05"}),
        help_text=_("A month of the period, e.g. 2014-05 for May–June 2014: for an older issue entered now."),
    )
    country = forms.ModelChoiceField(label=_("Country programme"), queryset=Country.objects.none())
    number = forms.IntegerField(
        label=_("Issue number"),
        min_value=1,
        required=False,
        help_text=_("Each country programme numbers its own newsletter; empty: the next number of its series."),
    )
    language = forms.ChoiceField(
        label=_("Language"),
        initial="en",
        help_text=_("Headings, dates and the masthead, and the records' text in that language where they have one."),
    )
    publication_date = forms.DateField(
        label=_("Publication date"),
        widget=DateInput(),
        required=False,
        help_text=_("Today when left empty; for an older issue entered now, the date it appeared."),
    )
    title = forms.CharField(label=_("Title"), max_length=200, required=False, help_text=_("Leave empty for the usual."))
    introduction = forms.CharField(
        label=_("Editorial introduction"), widget=forms.Textarea(attrs={"rows": 5}), required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period_start"].choices = period_choices()
        countries_offer(self, user)
        # the languages of the countries offered; the chosen country's are checked in clean()
        codes = dict.fromkeys(code for c in self.fields["country"].queryset for code in c.languages)
        self.fields["language"].choices = [(code, standards.language_name(code)) for code in codes]

    def clean_other_period(self):
        value = self.cleaned_data.get("other_period", "").strip()
        if not value:
            return None
        try:
            month = dt.date.fromisoformat(f"{value}-01" if len(value) == 7 else value)
        except ValueError as exc:
            raise ValidationError(_("Write the month as year and month, e.g. 2014-05.")) from exc
        return selectors.period_of(month)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("other_period"):
            cleaned["period_start"] = cleaned["other_period"]
        elif not cleaned.get("period_start") and "other_period" not in self.errors:
            self.add_error("period_start", _("Choose a period, or type another one below."))
        cleaned.pop("other_period", None)
        number, period, language, country = (cleaned.get(k) for k in ("number", "period_start", "language", "country"))
        if country is not None and language and language not in country.languages:
            self.add_error(
                "language", _("%(country)s's newsletter is not written in this language.") % {"country": country}
            )
            return cleaned
        if number is None or period is None or not language or country is None:
            return cleaned
        if Issue.objects.filter(country=country, number=number, language=language).exists():
            self.add_error("number", _("Issue No. %(number)s already exists in this language.") % {"number": number})
            return cleaned
        try:  # the edition rules: another language's edition of the same number must cover the same period
            Issue(country=country, number=number, period_start=period, language=language).clean()
        except ValidationError as exc:
            self.add_error(None, exc)
        return cleaned


class IssueForm(SingleLineMixin, EditVersionMixin, forms.ModelForm):
    class Meta:
        model = Issue
        fields = ["title", "introduction", "publication_date", "language"]
        widgets = {"introduction": forms.Textarea(attrs={"rows": 7}), "publication_date": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["publication_date"].required = False  # left empty: the date it has
        if "language" in self.fields:  # one of its country's languages
            field = self.fields["language"]
            languages = self.instance.country.languages if self.instance.country_id else [self.instance.language]
            self.fields["language"] = forms.ChoiceField(
                label=field.label,
                help_text=field.help_text,
                choices=[(code, standards.language_name(code)) for code in languages],
            )
        # an issue with an edition in another language keeps its language: each edition is one language
        if self.instance.pk and selectors.issue_editions(self.instance)[1:]:
            del self.fields["language"]
        else:  # one of the newsletter's languages (its country's)
            field = self.fields["language"]
            self.fields["language"] = forms.ChoiceField(
                label=field.label, help_text=field.help_text, choices=selectors.edition_languages(self.instance)
            )


class SectionAddForm(SingleLineMixin, TranslationsMixin, forms.Form):
    """A section for the issue: a feature with its own heading, or a standard section it does not have."""

    kind = forms.ChoiceField(label=_("Kind"))
    heading = forms.CharField(
        label=_("Heading"),
        max_length=200,
        required=False,
        help_text=_("A feature's heading, e.g. 'Gender equality strategy'; empty for a standard section's usual."),
    )
    translated_fields = ("heading",)

    def __init__(self, *args, issue: Issue, **kwargs):
        super().__init__(*args, record=issue, **kwargs)
        have = set(issue.sections.values_list("kind", flat=True))
        self.fields["kind"].choices = [
            (IssueSection.Kind.FEATURE, _("Feature section (its own heading)")),
            (IssueSection.Kind.FIGURES, _("Programme in figures (charts and tables of the issue's period)")),
        ] + [(k, label) for k, label in IssueSection.Kind.choices if k not in have and k not in IssueSection.REPEATABLE]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == IssueSection.Kind.FEATURE and not cleaned.get("heading", "").strip():
            self.add_error("heading", _("A feature section needs a heading."))
        return cleaned


class MastheadForm(SingleLineMixin, EditVersionMixin, forms.ModelForm):
    """The masthead and footer of one language's editions."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.language != settings.LANGUAGE_CODE:
            for field in self.fields.values():
                field.widget.attrs["lang"] = html_lang(self.instance.language)

    class Meta:
        model = Masthead
        fields = [
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
        ]
