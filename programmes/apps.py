from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "programmes"
    verbose_name = _("Programmes")  # the admin's section heading, in the interface's language

    def ready(self) -> None:
        from core import roles

        from .selectors import partner_organisation_id

        roles.memberships_provide(partner_organisation_id=partner_organisation_id)  # core imports no app
