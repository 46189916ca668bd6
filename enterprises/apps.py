from django.apps import AppConfig


class EnterprisesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "enterprises"

    def ready(self) -> None:
        # Registers this app's rules about a round's module and dates with programmes.services.
        from . import scope, services, taken, tally  # noqa: F401

        scope.connect()  # which organisations reach which enterprises, kept current (enterprises.scope)
        taken.connect()  # which modules each enterprise has taken, kept current (enterprises.taken)
        tally.connect()  # each round's enterprises and participants, kept current (enterprises.tally)
