from celery import shared_task
from django.core.mail import send_mail


@shared_task(bind=True, acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def email_send(self, *, subject: str, body: str, recipients: list[str]) -> int:
    """Send one notification e-mail. Retries only on transient errors (SMTP connection, DNS)."""
    return send_mail(subject, body, None, recipients)
