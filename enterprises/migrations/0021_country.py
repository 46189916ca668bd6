"""Enterprises belong to a country programme (issue 22 §2); every existing one is China's."""

import django.db.models.deletion
from django.db import migrations, models


def _china(apps):
    """The country programme 0010_china made (every database has it)."""
    return apps.get_model("programmes", "Country").objects.get(code="CN")


def forwards(apps, schema_editor):
    china = _china(apps)
    apps.get_model("enterprises", "Enterprise").objects.update(country=china)


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0020_result_enterprise_id"),
        ("programmes", "0011_country"),
    ]

    operations = [
        migrations.AddField(
            model_name="enterprise",
            name="country",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="enterprises",
                to="programmes.country",
                verbose_name="country",
            ),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="enterprise",
            name="country",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="enterprises",
                to="programmes.country",
                verbose_name="country",
            ),
        ),
    ]
