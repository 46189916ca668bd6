"""Notification e-mail, sent by a Celery task once the transaction that caused it commits."""

from django.db import transaction

from .tasks import email_send


def email_notify(*, subject: str, body: str, recipients: list[str]) -> None:
    recipients = [r for r in recipients if r]
    if not recipients:
        return
    transaction.on_commit(lambda: email_send.delay(subject=str(subject), body=str(body), recipients=recipients))
