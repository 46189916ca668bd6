from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterprisesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "enterprises"
    verbose_name = _("Enterprises")  # the admin's section heading, in the interface's language

    def ready(self) -> None:
        # Registers this app's rules about a round's module and dates, and what it keeps from a saved round
        # (which organisations reach its enterprises, which modules they have taken), with programmes.services.
        from . import services  # noqa: F401
