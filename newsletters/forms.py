import datetime as dt

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Fieldset, Layout
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.widgets import ChineseFieldsMixin
from programmes.models import TrainingRound
from trainers.models import Trainer

from . import selectors
from .models import DatePrecision, Event, ExpertComment, Issue, NewsItem, period_label


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class ChineseTextForm(ChineseFieldsMixin, forms.ModelForm):
    """A record form whose `*_zh` fields stand apart, under a heading that says what they are for."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        chinese = [name for name in self.fields if name.endswith("_zh")]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            *[name for name in self.fields if name not in chinese],
            Fieldset(
                _("For issues printed in Chinese"),
                HTML(
                    '<p class="form-text mt-0">{}</p>'.format(
                        _("A Chinese issue prints these; where one is empty it prints the English above.")
                    )
                ),
                *chinese,
                css_class="border-top pt-3 mt-3",
            ),
        )


class DatePrecisionMixin:
    """'Dated to the day' unless the editor says 'to the month'."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date_precision"].required = False

    def clean_date_precision(self):
        return self.cleaned_data.get("date_precision") or DatePrecision.DAY


class NewsItemForm(DatePrecisionMixin, ChineseTextForm):
    class Meta:
        model = NewsItem
        fields = [
            "section",
            "place",
            "title",
            "date",
            "date_precision",
            "training_round",
            "body",
            "place_zh",
            "title_zh",
            "body_zh",
        ]
        widgets = {
            "date": DateInput(),
            "body": forms.Textarea(attrs={"rows": 8}),
            "body_zh": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["training_round"].queryset = TrainingRound.objects.select_related("module").order_by("-start")


class EventForm(DatePrecisionMixin, ChineseTextForm):
    class Meta:
        model = Event
        fields = ["place", "title", "starts_on", "ends_on", "date_precision", "body", "place_zh", "title_zh", "body_zh"]
        widgets = {
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "body": forms.Textarea(attrs={"rows": 6}),
            "body_zh": forms.Textarea(attrs={"rows": 4}),
        }


class ExpertCommentForm(ChineseTextForm):
    class Meta:
        model = ExpertComment
        fields = ["trainer", "heading", "given_on", "quote", "heading_zh", "quote_zh"]
        widgets = {
            "given_on": DateInput(),
            "quote": forms.Textarea(attrs={"rows": 10}),
            "quote_zh": forms.Textarea(attrs={"rows": 8}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["trainer"].queryset = Trainer.objects.select_related("organisation").order_by("name")


def period_choices(today: dt.date | None = None) -> list[tuple[str, str]]:
    """Two-month periods from two years back to the next period, newest first."""
    today = today or timezone.localdate()
    current = selectors.period_of(today)
    first_issue = Issue.objects.order_by("period_start").values_list("period_start", flat=True).first()
    first_news = NewsItem.objects.order_by("date").values_list("date", flat=True).first()
    first_news = selectors.period_of(first_news) if first_news else None
    start = min(d for d in (first_issue, first_news, selectors.add_months(current, -24)) if d)
    choices = []
    period = selectors.add_months(current, 2)
    while period >= start:
        choices.append((period.isoformat(), period_label(period)))
        period = selectors.add_months(period, -2)
    return choices


class IssueCreateForm(forms.Form):
    period_start = forms.TypedChoiceField(
        label=_("Period"),
        coerce=dt.date.fromisoformat,
        help_text=_("The issue is filled with the news and results of this period and the events after it."),
    )
    number = forms.IntegerField(label=_("Issue number"), min_value=1)
    language = forms.ChoiceField(
        label=_("Language"),
        choices=settings.LANGUAGES,
        initial="en",
        help_text=_("Headings, dates and the masthead, and the Chinese text of the records where they have one."),
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period_start"].choices = period_choices()

    def clean(self):
        cleaned = super().clean()
        number, period, language = (cleaned.get(k) for k in ("number", "period_start", "language"))
        if number is None or period is None or not language:
            return cleaned
        if Issue.objects.filter(number=number, language=language).exists():
            self.add_error("number", _("Issue No. %(number)s already exists in this language.") % {"number": number})
            return cleaned
        try:  # the edition rules: another language's edition of the same number must cover the same period
            Issue(number=number, period_start=period, language=language).clean()
        except ValidationError as exc:
            self.add_error(None, exc)
        return cleaned


class IssueForm(forms.ModelForm):
    class Meta:
        model = Issue
        fields = ["title", "introduction", "publication_date", "language"]
        widgets = {"introduction": forms.Textarea(attrs={"rows": 7}), "publication_date": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["publication_date"].required = False  # left empty: the date it has
        # an issue with an edition in another language keeps its language: each edition is one language
        if self.instance.pk and Issue.objects.filter(number=self.instance.number).exclude(pk=self.instance.pk).exists():
            del self.fields["language"]
