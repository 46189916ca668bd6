"""Celery beat: the draft of the next issue is made on each country's own first day of a period, so the task runs
every hour (it does nothing once the draft is made) instead of once at 06:00 on the server's 1st."""

from django.db import migrations

from core.beat import periodic_task_schedule

TASK_NAME = "Newsletter: draft the next issue"


def hourly(apps, schema_editor):
    periodic_task_schedule(
        apps,
        name=TASK_NAME,
        task="newsletters.tasks.issue_draft_next",
        description="Creates the draft of each newsletter's next issue on its country's first day of a period, and "
        "e-mails the editors.",
        minute="5",
    )


def on_the_first(apps, schema_editor):
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


class Migration(migrations.Migration):
    dependencies = [("newsletters", "0022_texts_in_languages")]

    operations = [migrations.RunPython(hourly, on_the_first)]
