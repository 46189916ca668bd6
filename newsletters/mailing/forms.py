from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from core.forms import SingleLineMixin
from newsletters.models import Masthead
from programmes.forms import countries_offer
from programmes.models import Country

from .addresses import address_problem, normalised
from .models import Subscriber, subscriber_language_choices

# What the reader agrees to, recorded word for word (in the language it was shown in) with their subscription.
CONSENT_TEXT = _(
    "I agree to receive the %(newsletter)s by e-mail every two months. The ILO SCORE programme keeps my "
    "address for this only, and every e-mail has a link to change my language or unsubscribe."
)


def consent_text(country: Country) -> str:
    """The consent a subscriber of ``country``'s newsletter gives, naming the newsletter as its masthead does."""
    return CONSENT_TEXT % {"newsletter": newsletter_name(country)}


def newsletter_name(country: Country) -> str:
    return Masthead.for_edition(country, translation.get_language() or settings.LANGUAGE_CODE).newsletter_name


class SubscribeForm(SingleLineMixin, forms.Form):
    """A subscription to one country's newsletter (its code a hidden field), in one of its languages or all."""

    email = forms.CharField(label=_("Your e-mail address"), max_length=254, widget=forms.EmailInput)
    language = forms.ChoiceField(label=_("Language"), widget=forms.RadioSelect)
    consent = forms.BooleanField(error_messages={"required": _("Tick the box to subscribe.")})
    # the newsletter's ISO code (the view reads it); a form without it, from before, is the first programme's
    country = forms.CharField(max_length=2, required=False, widget=forms.HiddenInput)
    source = forms.ChoiceField(
        choices=[(Subscriber.Source.ARCHIVE, ""), (Subscriber.Source.WEB_EDITION, "")],
        initial=Subscriber.Source.ARCHIVE,
        widget=forms.HiddenInput,
    )
    issue = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    # A field people never see: a bot that fills in every field gives itself away.
    website = forms.CharField(required=False, label=_("Leave this empty"))

    def __init__(self, *args, country: Country, **kwargs):
        super().__init__(*args, **kwargs)
        self.country = country
        self.fields["country"].initial = country.code
        self.fields["language"].choices = subscriber_language_choices(country)
        self.fields["language"].initial = self.initial.get("language") or country.main_language
        self.fields["consent"].label = consent_text(country)
        self.fields["website"].widget.attrs.update(tabindex="-1", autocomplete="off")
        self.fields["email"].widget.attrs.update(autocomplete="email")

    def clean_email(self):
        email = normalised(self.cleaned_data["email"])
        problem = address_problem(email)
        if problem:
            raise forms.ValidationError(problem)
        return email


class PreferencesForm(SingleLineMixin, forms.Form):
    language = forms.ChoiceField(label=_("Language"), widget=forms.RadioSelect)

    def __init__(self, *args, country: Country, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = subscriber_language_choices(country)


class ImportForm(SingleLineMixin, forms.Form):
    country = forms.ModelChoiceField(label=_("Newsletter"), queryset=Country.objects.none())
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "Columns: email, and optionally language (one of the newsletter's, e.g. en, zh-hans, vi, or both for "
            "all of them; empty: its main language). UTF-8, first row the headings."
        ),
    )
    consent_note = forms.CharField(
        label=_("How these people consented"),
        max_length=200,
        help_text=_("Recorded with each address, e.g. “signed up on paper at the 2014 Shanghai conference”."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        countries_offer(self, user)
