from django.apps import AppConfig


class EnterprisesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "enterprises"

    def ready(self) -> None:
        # Registers this app's rules about a round's module and dates with programmes.services.
        from . import services  # noqa: F401
