from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "programmes"
    verbose_name = _("Programmes")  # the admin's section heading, in the interface's language

    def ready(self) -> None:
        from core import roles, translated

        from .selectors import assigned_country_ids, content_languages, content_languages_used, partner_organisation_id

        roles.memberships_provide(  # core imports no app
            partner_organisation_id=partner_organisation_id, country_ids=assigned_country_ids
        )
        translated.languages_provide(offered=content_languages, used=content_languages_used)
