"""Everything belongs somewhere (issue 22 §2): rounds and agreements belong to a country programme, organisations to
the countries they work in. Every existing row is China's (the programme 0010_china made)."""

import django.db.models.deletion
from django.db import migrations, models


def _china(apps):
    """The country programme 0010_china made (every database has it)."""
    return apps.get_model("programmes", "Country").objects.get(code="CN")


def forwards(apps, schema_editor):
    china = _china(apps)
    apps.get_model("programmes", "TrainingRound").objects.update(country=china)
    apps.get_model("programmes", "Agreement").objects.update(country=china)
    china.organisations.add(*apps.get_model("programmes", "Organisation").objects.all())


class Migration(migrations.Migration):
    dependencies = [
        ("programmes", "0010_china"),
    ]

    operations = [
        migrations.AddField(
            model_name="agreement",
            name="country",
            field=models.ForeignKey(
                help_text="The country programme the agreement is made for; a licence covers rounds there only.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="agreements",
                to="programmes.country",
                verbose_name="country",
            ),
        ),
        migrations.AddField(
            model_name="historicaltraininground",
            name="country",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="programmes.country",
                verbose_name="country",
            ),
        ),
        migrations.AddField(
            model_name="organisation",
            name="countries",
            field=models.ManyToManyField(
                help_text="The country programmes it works in; an international provider works in several.",
                related_name="organisations",
                to="programmes.country",
                verbose_name="countries",
            ),
        ),
        migrations.AddField(
            model_name="traininground",
            name="country",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="rounds",
                to="programmes.country",
                verbose_name="country",
            ),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="traininground",
            name="country",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="rounds",
                to="programmes.country",
                verbose_name="country",
            ),
        ),
        migrations.AlterField(
            model_name="agreement",
            name="country",
            field=models.ForeignKey(
                help_text="The country programme the agreement is made for; a licence covers rounds there only.",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="agreements",
                to="programmes.country",
                verbose_name="country",
            ),
        ),
    ]
