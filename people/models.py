from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PersonChange(models.Model):
    """One change to a person's account: who did it, when, and what (the people pages' audit trail)."""

    class Action(models.TextChoices):
        INVITED = "invited", _("Invited")
        INVITATION_SENT = "invitation_sent", _("Invitation sent again")
        PASSWORD_SET = "password_set", _("Set a password from the invitation")
        PASSWORD_RESET = "password_reset", _("Chose a new password from a reset e-mail")
        ROLE_CHANGED = "role_changed", _("Role changed")
        DETAILS_CHANGED = "details_changed", _("Name or e-mail changed")
        DEACTIVATED = "deactivated", _("Deactivated")
        REACTIVATED = "reactivated", _("Reactivated")
        LOCKOUT_LIFTED = "lockout_lifted", _("Login lockout lifted")

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.PROTECT, related_name="changes"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    action = models.CharField(_("action"), max_length=30, choices=Action.choices)
    details = models.TextField(_("details"), blank=True)

    class Meta:
        verbose_name = _("change to a person")
        verbose_name_plural = _("changes to people")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["person", "-at"])]

    def __str__(self) -> str:
        return f"{self.person}: {self.get_action_display()}"


class PasswordResetRequest(models.Model):
    """One request for a password-reset e-mail, sent or refused (at most PASSWORD_RESET_EMAILS_PER_HOUR are sent
    to one account in an hour, whatever spelling of its address was typed: services.password_reset_send). Counted
    on the account when one has the address, else on the normalised address."""

    email = models.EmailField(_("e-mail"))
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    sent = models.BooleanField(_("sent"), default=False)

    class Meta:
        verbose_name = _("password-reset request")
        verbose_name_plural = _("password-reset requests")
        indexes = [
            models.Index(fields=["email", "-at"]),
            models.Index(fields=["account", "-at"], name="people_reset_account_at"),
        ]

    def __str__(self) -> str:
        return f"{self.email} {self.at:%Y-%m-%d %H:%M}"
