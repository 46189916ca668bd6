from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth.forms import PasswordChangeForm, PasswordResetForm
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from core import roles
from core.forms import SingleLineMixin
from programmes.models import Country, Organisation
from programmes.selectors import countries_visible_to, organisations_visible_to
from trainers.models import Trainer
from trainers.selectors import trainers_visible_to


class RoleForm(SingleLineMixin, forms.Form):
    """A role, with the organisation (partner users) or the trainer record (trainers) it needs, or the countries
    an officer works for or an editor edits (given by the global team). ``user``: the officer filling it in, whose
    organisations, trainers and countries it offers."""

    role = forms.ChoiceField(label=_("Role"), choices=[("", _("Choose a role")), *roles.Role.choices])
    organisation = forms.ModelChoiceField(
        label=_("Organisation (partner users)"),
        queryset=Organisation.objects.order_by("name"),
        required=False,
        empty_label=_("None"),
    )
    trainer = forms.ModelChoiceField(
        label=_("Trainer record (trainers)"),
        queryset=Trainer.objects.select_related("organisation").order_by("name"),
        required=False,
        empty_label=_("None"),
        help_text=_("A trainer record has one account at most."),
    )
    countries = forms.ModelMultipleChoiceField(
        label=_("Countries (officers and editors)"),
        queryset=Country.objects.order_by("name"),
        required=False,
        help_text=_("The country programmes an officer works for, or whose newsletter an editor edits."),
    )
    all_countries = forms.BooleanField(
        label=_("All countries: the global team (officers)"),
        required=False,
        help_text=_("Sees and manages every country programme, those to come included, and creates new ones."),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if user is not None:
            self.fields["organisation"].queryset = organisations_visible_to(user).order_by("name")
            self.fields["trainer"].queryset = trainers_visible_to(user).select_related("organisation").order_by("name")
            self.fields["countries"].queryset = countries_visible_to(user).order_by("name")

    def clean(self):
        cleaned = super().clean()
        role = cleaned.get("role")
        officer_or_editor = role in (roles.Role.OFFICER, roles.Role.EDITOR)
        given = role != self.initial.get(
            "role"
        )  # the edit page starts from the person's role (the service checks more)
        if officer_or_editor and given and self.user is not None and not roles.sees_every_country(self.user):
            self.add_error("role", _("Only the global team gives the officer and editor roles."))
            return cleaned
        everywhere = role == roles.Role.OFFICER and cleaned.get("all_countries")
        if role in (roles.Role.OFFICER, roles.Role.EDITOR) and not cleaned.get("countries") and not everywhere:
            self.add_error("countries", _("Choose the countries the person works for, or all countries."))
        if cleaned.get("all_countries") and role != roles.Role.OFFICER:
            self.add_error("all_countries", _("Only an officer works for all countries."))
        if role == roles.Role.PARTNER and not cleaned.get("organisation"):
            self.add_error("organisation", _("A partner user works for an organisation: choose it."))
        if role == roles.Role.TRAINER and not cleaned.get("trainer"):
            self.add_error("trainer", _("A trainer user is one of the trainers: choose the record."))
        return cleaned


class InviteForm(RoleForm):
    email = forms.EmailField(label=_("E-mail"), help_text=_("The invitation goes here; it is also the user name."))
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)

    field_order = ["email", "first_name", "last_name", "role", "organisation", "trainer", "countries", "all_countries"]


class DetailsForm(SingleLineMixin, forms.Form):
    email = forms.EmailField(label=_("E-mail"))
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    # the person as the page showed them (people.services.person_state, signed): a save from a page that saw
    # someone else's older state, or none, is refused
    seen = forms.CharField(widget=forms.HiddenInput, required=False)


class ThrottledPasswordResetForm(PasswordResetForm):
    """Django's password-reset form; the request only queues the work (people.tasks.password_reset_send): the
    task looks for the account, applies the hourly limit per account and sends. The request does the same
    whether or not an account has the address, so neither its page nor its time tells (docs/lockouts.md)."""

    def save(self, *, request=None, use_https: bool = False, **kwargs):
        from .tasks import password_reset_send

        email, domain = self.cleaned_data["email"], request.get_host()
        language = translation.get_language() or settings.LANGUAGE_CODE
        transaction.on_commit(
            lambda: password_reset_send.delay(email=email, domain=domain, use_https=use_https, language=language)
        )


class ThrottledPasswordChangeForm(PasswordChangeForm):
    """Django's password-change form; a wrong current password counts as a failed login of the account
    (django-axes' ``user_login_failed``), so it cannot be guessed without limit: after AXES_FAILURE_LIMIT failures
    the account is locked out of this form and of the login for AXES_COOLOFF_TIME (docs/lockouts.md)."""

    def __init__(self, user, *args, request=None, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.request = request

    def clean_old_password(self):
        from axes.handlers.proxy import AxesProxyHandler
        from django.contrib.auth.signals import user_login_failed

        credentials = {"username": self.user.get_username()}
        if not AxesProxyHandler.is_allowed(self.request, credentials):
            raise forms.ValidationError(
                _("Too many wrong passwords: this account is locked for a while. Try again later."),
                code="locked_out",
            )
        try:
            return super().clean_old_password()
        except forms.ValidationError:
            user_login_failed.send(sender=type(self), credentials=credentials, request=self.request)
            raise
