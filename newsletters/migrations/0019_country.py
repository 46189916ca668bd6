"""News, events, comments and issues belong to a country programme (issue 22 §2); every existing one is China's."""

import django.db.models.deletion
from django.db import migrations, models


def _china(apps):
    """The country programme 0010_china made (every database has it)."""
    return apps.get_model("programmes", "Country").objects.get(code="CN")


def forwards(apps, schema_editor):
    china = _china(apps)
    apps.get_model("newsletters", "NewsItem").objects.update(country=china)
    apps.get_model("newsletters", "Event").objects.update(country=china)
    apps.get_model("newsletters", "ExpertComment").objects.update(country=china)
    apps.get_model("newsletters", "Issue").objects.update(country=china)


class Migration(migrations.Migration):
    dependencies = [
        ("newsletters", "0018_issue_masthead_snapshot"),
        ("programmes", "0011_country"),
    ]

    operations = [
        migrations.AddField(
            model_name="event",
            name="country",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="events",
                to="programmes.country",
                verbose_name="country",
            ),
        ),
        migrations.AddField(
            model_name="expertcomment",
            name="country",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="expert_comments",
                to="programmes.country",
                verbose_name="country",
            ),
        ),
        migrations.AddField(
            model_name="issue",
            name="country",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="issues",
                to="programmes.country",
                verbose_name="country",
            ),
        ),
        migrations.AddField(
            model_name="newsitem",
            name="country",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="news_items",
                to="programmes.country",
                verbose_name="country",
            ),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="event",
            name="country",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="events",
                to="programmes.country",
                verbose_name="country",
            ),
        ),
        migrations.AlterField(
            model_name="expertcomment",
            name="country",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="expert_comments",
                to="programmes.country",
                verbose_name="country",
            ),
        ),
        migrations.AlterField(
            model_name="issue",
            name="country",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="issues",
                to="programmes.country",
                verbose_name="country",
            ),
        ),
        migrations.AlterField(
            model_name="newsitem",
            name="country",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="news_items",
                to="programmes.country",
                verbose_name="country",
            ),
        ),
    ]
