"""What the floor keeps for every app: the one-time tokens of create forms (core/once.py)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Submission(models.Model):
    """A create form's one-time token, kept with where its first sending led (the new record's page).

    The same form sent again (a double click, a phone retrying on a bad network, the back button and Save) finds
    its token here and is sent to that record instead of making another."""

    token = models.UUIDField(primary_key=True, verbose_name=_("token"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, related_name="+", verbose_name=_("user")
    )
    path = models.CharField(_("address"), max_length=300)
    location = models.CharField(_("record's address"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("form sending")
        verbose_name_plural = _("form sendings")

    def __str__(self) -> str:
        return f"{self.path} {self.token}"
