"""Trainers work in one or more country programmes (issue 22 §2); every existing one in China."""

from django.db import migrations, models


def forwards(apps, schema_editor):
    china = apps.get_model("programmes", "Country").objects.get(code="CN")  # 0010_china made it
    china.trainers.add(*apps.get_model("trainers", "Trainer").objects.all())


class Migration(migrations.Migration):
    dependencies = [
        ("programmes", "0011_country"),
        ("trainers", "0004_edit_version"),
    ]

    operations = [
        migrations.AddField(
            model_name="trainer",
            name="countries",
            field=models.ManyToManyField(
                help_text="The country programmes the trainer works in: they deliver rounds there only.",
                related_name="trainers",
                to="programmes.country",
                verbose_name="countries",
            ),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
