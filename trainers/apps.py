from django.apps import AppConfig


class TrainersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "trainers"

    def ready(self) -> None:
        # Registers this app's rules about a round's module and dates with programmes.services.
        from core import roles

        from . import services  # noqa: F401
        from .selectors import trainer_id, trainer_round_ids

        roles.memberships_provide(trainer_id=trainer_id, trainer_round_ids=trainer_round_ids)  # core imports no app
