from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScorePortalConfig(AppConfig):
    """The roof: the home pages, the navigation and the demo loader, which compose every app."""

    name = "score_portal"
    verbose_name = _("SCORE Portal")

    def ready(self) -> None:
        from . import checks  # noqa: F401  the deployment checks (score_portal/checks.py)
