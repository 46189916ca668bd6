from django.apps import AppConfig


class EnterprisesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "enterprises"

    def ready(self) -> None:
        # Registers this app's rules about a round's module and dates with programmes.services.
        from . import scope, services  # noqa: F401

        scope.connect()  # which organisations reach which enterprises, kept current (enterprises.scope)
