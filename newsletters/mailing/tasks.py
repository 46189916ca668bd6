"""Celery tasks of the e-mail edition: thin, they take ids and call a service."""

from celery import shared_task

from . import services


@shared_task(bind=True, acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def confirmation_send(self, subscriber_id: int) -> int:
    """The confirmation e-mail. Retries only transient errors (the SMTP connection, DNS)."""
    return services.confirmation_send(subscriber_id=subscriber_id)


@shared_task(
    bind=True, acks_late=True, reject_on_worker_lost=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5
)
def mailing_send(self, mailing_id: int) -> bool:
    """One batch (MAILING_BATCH_SIZE messages) of an edition's sending; the next batch is a new task, so a pause
    takes effect within a batch and a lost worker loses at most the message in flight."""
    from django.conf import settings

    more = services.mailing_send(mailing_id=mailing_id, max_messages=settings.MAILING_BATCH_SIZE)
    if more:
        mailing_send.delay(mailing_id)
    return more
