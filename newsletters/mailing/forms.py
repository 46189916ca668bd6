from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import SingleLineMixin

from .addresses import address_problem, normalised
from .models import Subscriber

# What the reader agrees to, recorded word for word (in the language it was shown in) with their subscription.
CONSENT_TEXT = _(
    "I agree to receive the SCORE China e-newsletter by e-mail every two months. The ILO SCORE programme keeps my "
    "address for this only, and every e-mail has a link to change my language or unsubscribe."
)


class SubscribeForm(SingleLineMixin, forms.Form):
    email = forms.CharField(label=_("Your e-mail address"), max_length=254, widget=forms.EmailInput)
    language = forms.ChoiceField(
        label=_("Language"),
        choices=Subscriber.Language.choices,
        initial=Subscriber.Language.ENGLISH,
        widget=forms.RadioSelect,
    )
    consent = forms.BooleanField(label=CONSENT_TEXT, error_messages={"required": _("Tick the box to subscribe.")})
    source = forms.ChoiceField(
        choices=[(Subscriber.Source.ARCHIVE, ""), (Subscriber.Source.WEB_EDITION, "")],
        initial=Subscriber.Source.ARCHIVE,
        widget=forms.HiddenInput,
    )
    issue = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    # A field people never see: a bot that fills in every field gives itself away.
    website = forms.CharField(required=False, label=_("Leave this empty"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["website"].widget.attrs.update(tabindex="-1", autocomplete="off")
        self.fields["email"].widget.attrs.update(autocomplete="email")

    def clean_email(self):
        email = normalised(self.cleaned_data["email"])
        problem = address_problem(email)
        if problem:
            raise forms.ValidationError(problem)
        return email


class PreferencesForm(SingleLineMixin, forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=Subscriber.Language.choices, widget=forms.RadioSelect)


class ImportForm(SingleLineMixin, forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("Columns: email, and optionally language (en, zh-hans or both). UTF-8, first row the headings."),
    )
    consent_note = forms.CharField(
        label=_("How these people consented"),
        max_length=200,
        help_text=_("Recorded with each address, e.g. “signed up on paper at the 2014 Shanghai conference”."),
    )
