"""Helpers for the data migrations that put a task on Celery beat's schedule (django-celery-beat).

Migrations call them with their historical `apps`, so they use no model class directly. Keep their
behaviour stable: migrations that already ran depend on it.
"""

from django.conf import settings


def periodic_task_schedule(apps, *, name: str, task: str, description: str, **crontab) -> None:
    """Create or update the enabled periodic task `name` running `task` on a crontab (minute, hour, ...)."""
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    fields = {"minute": "*", "hour": "*", "day_of_month": "*", "month_of_year": "*", "day_of_week": "*", **crontab}
    schedule, _ = CrontabSchedule.objects.get_or_create(timezone=settings.TIME_ZONE, **fields)
    PeriodicTask.objects.update_or_create(
        name=name, defaults={"task": task, "crontab": schedule, "enabled": True, "description": description}
    )


def periodic_task_unschedule(apps, *, name: str) -> None:
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=name).delete()
