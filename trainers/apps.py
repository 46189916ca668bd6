from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "trainers"
    verbose_name = _("Trainers")  # the admin's section heading, in the interface's language

    def ready(self) -> None:
        # Registers this app's rules about a round's module and dates with programmes.services.
        from core import roles

        from . import services  # noqa: F401
        from .selectors import trainer_id, trainer_round_ids

        roles.memberships_provide(trainer_id=trainer_id, trainer_round_ids=trainer_round_ids)  # core imports no app
