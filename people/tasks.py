"""Celery tasks of the people pages: thin, they take plain values and call a service."""

from celery import shared_task
from django.utils import translation

from . import services


@shared_task(bind=True, acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def password_reset_send(self, email: str, domain: str, use_https: bool, language: str) -> int:
    """The password-reset e-mail, in the language of the page it was asked from."""
    with translation.override(language):
        return services.password_reset_send(email=email, domain=domain, use_https=use_https)
