from __future__ import annotations

import django_tables2 as tables
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core import roles
from core.tables import TABLE_ATTRS, DateTimeColumn

from .services import invitation_pending


class PersonTable(tables.Table):
    name = tables.Column(
        verbose_name=_("Name"),
        accessor="username",
        linkify=lambda record: reverse("people:person_detail", args=[record.pk]),
        order_by=("last_name", "first_name", "username"),
    )
    email = tables.Column(verbose_name=_("E-mail"))
    role = tables.Column(verbose_name=_("Role"), accessor="pk", orderable=False)
    works_for = tables.Column(verbose_name=_("Organisation or trainer"), accessor="pk", orderable=False)
    last_login = DateTimeColumn(verbose_name=_("Last login"), default="—")
    is_active = tables.Column(verbose_name=_("Active"))

    class Meta:
        model = User
        fields: tuple = ()
        sequence = ("name", "email", "role", "works_for", "last_login", "is_active")
        attrs = TABLE_ATTRS
        order_by = ("name",)
        empty_text = _("No person matches these filters.")

    def render_name(self, record):
        return record.get_full_name() or record.username

    def value_name(self, record):
        return record.get_full_name() or record.username

    def value_role(self, record):
        role = roles.role_of(record)
        return str(roles.Role(role).label) if role else ""

    def render_role(self, record):
        return self.value_role(record) or "—"

    def value_works_for(self, record):
        membership = getattr(record, "partner_membership", None)
        if membership is not None:
            return str(membership.organisation)
        account = getattr(record, "trainer_account", None)
        return str(account.trainer) if account is not None else ""

    def render_works_for(self, record):
        return self.value_works_for(record) or "—"

    def render_is_active(self, record, value):
        if not value:
            return format_html('<span class="text-body-secondary">{}</span>', _("deactivated"))
        if invitation_pending(record):
            return format_html('<span class="badge text-bg-warning">{}</span>', _("invited"))
        return _("yes")

    def value_is_active(self, record, value):
        if not value:
            return _("deactivated")
        return _("invited") if invitation_pending(record) else _("yes")
