"""Recovery of a lost worker's render: the count of recoveries in a row on the issue, and a Celery beat task
(django-celery-beat) that every minute queues again the renders whose worker was lost (docs/integrity.md)."""

from django.db import migrations, models

from core.beat import periodic_task_schedule, periodic_task_unschedule

TASK_NAME = "Newsletter: queue again the renders of lost workers"


def schedule(apps, schema_editor):
    periodic_task_schedule(
        apps,
        name=TASK_NAME,
        task="newsletters.tasks.issue_renders_recover",
        description="Every minute: an issue still 'rendering' past the hard time limit is queued again.",
        minute="*",
    )


def unschedule(apps, schema_editor):
    periodic_task_unschedule(apps, name=TASK_NAME)


class Migration(migrations.Migration):
    dependencies = [
        ("newsletters", "0013_masthead_defaults"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.AddField(
            model_name="issue",
            name="render_recoveries",
            field=models.PositiveIntegerField(default=0, verbose_name="render recoveries"),
        ),
        migrations.RunPython(schedule, unschedule),
    ]
