"""Celery tasks of the e-mail edition: thin, they take ids and call a service."""

from celery import shared_task

from . import services


@shared_task(bind=True, acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def confirmation_send(self, subscriber_id: int) -> int:
    """The confirmation e-mail. Retries only transient errors (the SMTP connection, DNS)."""
    return services.confirmation_send(subscriber_id=subscriber_id)
