"""Celery beat (django-celery-beat): on the 1st of January, March, May, July, September and November, create the
draft of the next issue from the records of the two-month period that just ended, and tell the editors."""

from django.db import migrations

from core.beat import periodic_task_schedule, periodic_task_unschedule

TASK_NAME = "Newsletter: draft the next issue"


def schedule(apps, schema_editor):
    periodic_task_schedule(
        apps,
        name=TASK_NAME,
        task="newsletters.tasks.issue_draft_next",
        description="Creates the draft of the next newsletter issue and e-mails the editors.",
        minute="0",
        hour="6",
        day_of_month="1",
        month_of_year="1,3,5,7,9,11",
    )


def unschedule(apps, schema_editor):
    periodic_task_unschedule(apps, name=TASK_NAME)


class Migration(migrations.Migration):
    dependencies = [
        ("newsletters", "0002_issue_items_versions_render_state"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
