from __future__ import annotations

from django import forms
from django.contrib.auth.forms import PasswordResetForm
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


class ThrottledPasswordResetForm(PasswordResetForm):
    """Django's password-reset form; the e-mail goes out only while its address is under the hourly limit.
    The page that follows is the same whether it went out, was refused, or no account has the address."""

    def save(self, **kwargs):
        from . import services

        if services.password_reset_allowed(email=self.cleaned_data["email"]):
            super().save(**kwargs)
