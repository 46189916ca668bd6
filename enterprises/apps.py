from django.apps import AppConfig


class EnterprisesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "enterprises"

    def ready(self) -> None:
        # Registers this app's rules about a round's module and dates, and what it keeps from a saved round
        # (which organisations reach its enterprises, which modules they have taken), with programmes.services.
        from . import services  # noqa: F401
