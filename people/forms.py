from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth.forms import PasswordChangeForm, PasswordResetForm
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from core import roles
from core.forms import SingleLineMixin
from programmes.models import Organisation
from trainers.models import Trainer


class RoleForm(SingleLineMixin, forms.Form):
    """A role, with the organisation (partner users) or the trainer record (trainers) it needs."""

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

    def clean(self):
        cleaned = super().clean()
        role = cleaned.get("role")
        if role == roles.Role.PARTNER and not cleaned.get("organisation"):
            self.add_error("organisation", _("A partner user works for an organisation: choose it."))
        if role == roles.Role.TRAINER and not cleaned.get("trainer"):
            self.add_error("trainer", _("A trainer user is one of the trainers: choose the record."))
        return cleaned


class InviteForm(RoleForm):
    email = forms.EmailField(label=_("E-mail"), help_text=_("The invitation goes here; it is also the user name."))
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)

    field_order = ["email", "first_name", "last_name", "role", "organisation", "trainer"]


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
