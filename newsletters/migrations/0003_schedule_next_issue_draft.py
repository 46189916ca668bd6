"""Celery beat (django-celery-beat): on the 1st of January, March, May, July, September and November, create the
draft of the next issue from the records of the two-month period that just ended, and tell the editors."""

from django.conf import settings
from django.db import migrations

TASK_NAME = "Newsletter: draft the next issue"


def schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="0",
        hour="6",
        day_of_month="1",
        month_of_year="1,3,5,7,9,11",
        day_of_week="*",
        timezone=settings.TIME_ZONE,
    )
    PeriodicTask.objects.update_or_create(
        name=TASK_NAME,
        defaults={
            "task": "newsletters.tasks.issue_draft_next",
            "crontab": crontab,
            "enabled": True,
            "description": "Creates the draft of the next newsletter issue and e-mails the editors.",
        },
    )


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("newsletters", "0002_issue_items_versions_render_state"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
