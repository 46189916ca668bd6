"""Celery beat (django-celery-beat): every night, delete the photo files that no photo record names."""

from django.db import migrations

from core.beat import periodic_task_schedule, periodic_task_unschedule

TASK_NAME = "Photos: delete orphan files"


def schedule(apps, schema_editor):
    periodic_task_schedule(
        apps,
        name=TASK_NAME,
        task="enterprises.tasks.photo_orphans_delete",
        description="Deletes stored photo files that no photo record names and are over six hours old.",
        minute="30",
        hour="3",
    )


def unschedule(apps, schema_editor):
    periodic_task_unschedule(apps, name=TASK_NAME)


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0005_kpi_names_in_chinese"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
