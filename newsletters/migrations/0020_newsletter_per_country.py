"""A newsletter per country programme (issue 22 §6): a masthead per country and language, every existing one
China's (the series the portal started with); issue numbers and periods unique within a country; a masthead's
footer office may be left empty for the country programme's own."""

import django.db.models.deletion

import newsletters.models
from django.db import migrations, models


def forwards(apps, schema_editor):
    china = apps.get_model("programmes", "Country").objects.get(code="CN")  # made by programmes 0010_china
    apps.get_model("newsletters", "Masthead").objects.update(country=china)


def china_mastheads(apps, schema_editor):
    """0013's default mastheads, as China's (what the tests put back after a test that empties every table)."""
    from importlib import import_module

    defaults = import_module("newsletters.migrations.0013_masthead_defaults")
    china = apps.get_model("programmes", "Country").objects.get(code="CN")
    office = {name: defaults.OFFICE[name] for name in ("telephone", "fax", "web")}
    for language, texts in defaults.DEFAULTS.items():
        apps.get_model("newsletters", "Masthead").objects.get_or_create(
            country=china, language=language, defaults={**texts, **office}
        )


class Migration(migrations.Migration):
    dependencies = [
        ("newsletters", "0019_country"),
        ("programmes", "0012_country_illustrative"),
    ]

    operations = [
        migrations.AddField(
            model_name="masthead",
            name="country",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="mastheads",
                to="programmes.country",
                verbose_name="country",
            ),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="masthead",
            name="country",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="mastheads",
                to="programmes.country",
                verbose_name="country",
            ),
        ),
        migrations.AlterField(
            model_name="masthead",
            name="language",
            field=models.CharField(
                max_length=10, validators=[newsletters.models.validate_edition_language], verbose_name="language"
            ),
        ),
        migrations.AlterField(
            model_name="masthead",
            name="office_name",
            field=models.CharField(
                blank=True,
                help_text="Empty: the country programme's office, as its page gives it.",
                max_length=200,
                verbose_name="office name",
            ),
        ),
        migrations.AlterModelOptions(
            name="masthead",
            options={
                "ordering": ["country", "language"],
                "verbose_name": "masthead and footer",
                "verbose_name_plural": "mastheads and footers",
            },
        ),
        migrations.AddConstraint(
            model_name="masthead",
            constraint=models.UniqueConstraint(
                fields=("country", "language"),
                name="masthead_unique_country_language",
                violation_error_message="This newsletter already has a masthead in this language.",
            ),
        ),
        migrations.RemoveConstraint(model_name="issue", name="issue_unique_number_language"),
        migrations.RemoveConstraint(model_name="issue", name="issue_unique_period_language"),
        migrations.AddConstraint(
            model_name="issue",
            constraint=models.UniqueConstraint(
                fields=("country", "number", "language"),
                name="issue_unique_country_number_language",
                violation_error_message="There is already an issue with this number in this language.",
            ),
        ),
        migrations.AddConstraint(
            model_name="issue",
            constraint=models.UniqueConstraint(
                fields=("country", "period_start", "language"),
                name="issue_unique_country_period_language",
                violation_error_message="There is already an issue for this period in this language.",
            ),
        ),
    ]
