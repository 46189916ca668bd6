from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailingConfig(AppConfig):
    """The newsletter's e-mail edition: subscribers, the e-mail of an issue, sending and deliveries."""

    name = "newsletters.mailing"
    label = "mailing"
    verbose_name = _("Newsletter e-mail")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from anymail.signals import tracking

        from .webhooks import tracking_received

        tracking.connect(tracking_received, dispatch_uid="mailing.tracking_received")
