from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScorePortalConfig(AppConfig):
    """The roof: the home pages, the navigation and the demo loader, which compose every app."""

    name = "score_portal"
    verbose_name = _("SCORE Portal")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from enterprises.models import Participation, Result
        from programmes.models import TrainingRound
        from trainers.models import Qualification, Trainer

        from .dashboard import figures_forget

        # Whatever the officers' headline figures count: a change makes them be counted again.
        for model in (Participation, TrainingRound, Trainer, Qualification, Result):
            post_save.connect(figures_forget, sender=model, dispatch_uid=f"figures_forget_save_{model.__name__}")
            post_delete.connect(figures_forget, sender=model, dispatch_uid=f"figures_forget_delete_{model.__name__}")
