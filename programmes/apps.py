from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "programmes"

    def ready(self) -> None:
        from core import roles

        from .selectors import partner_organisation_id

        roles.memberships_provide(partner_organisation_id=partner_organisation_id)  # core imports no app
