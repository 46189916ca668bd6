from django.apps import AppConfig


class TrainersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "trainers"

    def ready(self) -> None:
        # Registers this app's rules about a round's module and dates with programmes.services.
        from . import services  # noqa: F401
