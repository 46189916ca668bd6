"""Celery tasks of the newsletter: thin, they take ids and call a service."""

from celery import shared_task
from django.conf import settings
from django.utils.translation import gettext as _

from . import services

# A rendering takes seconds; these limits only catch a stuck one. The hard limit (plus a margin) is also the age
# after which a 'rendering' state counts as stale (models.issue_stale_after) and issue_renders_recover queues it again.
SOFT_TIME_LIMIT = settings.CELERY_TASK_SOFT_TIME_LIMIT
HARD_TIME_LIMIT = settings.CELERY_TASK_TIME_LIMIT
MAX_RETRIES = 3


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=SOFT_TIME_LIMIT,
    time_limit=HARD_TIME_LIMIT,
    max_retries=MAX_RETRIES,
)
def issue_render(self, issue_id: int) -> str:
    """Render an issue's PDF. Retries transient errors (disk, network, database) with a growing delay;
    after the last retry, and at once for any other error, the issue is marked failed with the reason."""
    try:
        return services.issue_render(issue_id=issue_id).status
    except services.TRANSIENT_ERRORS as exc:
        if self.request.retries >= self.max_retries:
            reason = _("Gave up after %(attempts)s attempts: %(error)s") % {
                "attempts": self.request.retries + 1,
                "error": f"{type(exc).__name__}: {exc}",
            }
            return services.issue_render_failed(issue_id=issue_id, reason=reason).status
        delay = min(settings.CELERY_TASK_RETRY_MAX_DELAY, 5 * 2**self.request.retries)
        raise self.retry(exc=exc, countdown=delay) from exc


@shared_task(acks_late=True)
def issue_draft_next() -> list[int]:
    """Run by Celery beat every hour (migrations 0003, 0023): the draft of each country programme's newsletter that
    has begun (its editors made an issue), else of the first programme's, once the country's own date has entered
    a new two-month period; an hour that finds the draft made does nothing."""
    from programmes.models import Country

    countries = list(Country.objects.filter(issues__isnull=False).distinct().order_by("pk")) or [None]
    drafted = [services.issue_draft_next(country=country) for country in countries]
    return [issue.pk for issue in drafted if issue is not None]


@shared_task(acks_late=True)
def issue_renders_recover() -> list[int]:
    """Run by Celery beat every minute (see migration 0014): queue again the renders whose worker was lost."""
    return services.issue_renders_recover()
