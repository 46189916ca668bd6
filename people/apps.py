from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    """People in the portal: officers invite them, give them a role, deactivate them. Part of the roof: it composes
    the links each app keeps (a partner membership in programmes, a trainer account in trainers)."""

    name = "people"
    verbose_name = _("People")
    default_auto_field = "django.db.models.BigAutoField"
