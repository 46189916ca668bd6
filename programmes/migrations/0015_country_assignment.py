"""Roles by country (issue 22 §3): an officer works for some countries or for all (the global team), an editor edits
the newsletters of some. So that nothing breaks, every officer there is already becomes one of the global team (they
saw everything before) and every editor edits China's newsletter (the only one there was); officers and editors given
their role from now on are given their countries, or all of them, explicitly on the people pages."""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


OFFICERS, EDITORS = "Project officers", "Newsletter editors"


def forwards(apps, schema_editor):
    User = apps.get_model("auth", "User")
    CountryAssignment = apps.get_model("programmes", "CountryAssignment")
    china = apps.get_model("programmes", "Country").objects.filter(code="CN").first()
    for user in User.objects.filter(groups__name=OFFICERS).distinct():
        CountryAssignment.objects.update_or_create(user=user, defaults={"all_countries": True})
    for user in User.objects.filter(groups__name=EDITORS).exclude(groups__name=OFFICERS).distinct():
        assignment, _created = CountryAssignment.objects.get_or_create(user=user)
        if china is not None:
            assignment.countries.add(china)


class Migration(migrations.Migration):
    dependencies = [
        ("programmes", "0014_texts_in_languages"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="CountryAssignment",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "all_countries",
                    models.BooleanField(
                        default=False,
                        help_text="The global team: an officer who works for every country programme, those to come included.",
                        verbose_name="all countries",
                    ),
                ),
                (
                    "countries",
                    models.ManyToManyField(
                        blank=True, related_name="assignments", to="programmes.country", verbose_name="countries"
                    ),
                ),
                (
                    "user",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="country_assignment",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="user",
                    ),
                ),
            ],
            options={
                "verbose_name": "country assignment",
                "verbose_name_plural": "country assignments",
            },
        ),
        migrations.CreateModel(
            name="HistoricalCountryAssignment",
            fields=[
                ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                (
                    "all_countries",
                    models.BooleanField(
                        default=False,
                        help_text="The global team: an officer who works for every country programme, those to come included.",
                        verbose_name="all countries",
                    ),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="user",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical country assignment",
                "verbose_name_plural": "historical country assignments",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalCountryAssignment_countries",
            fields=[
                ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                ("m2m_history_id", models.AutoField(primary_key=True, serialize=False)),
                (
                    "country",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_tablespace="",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="programmes.country",
                    ),
                ),
                (
                    "countryassignment",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_tablespace="",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="programmes.countryassignment",
                    ),
                ),
                (
                    "history",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        to="programmes.historicalcountryassignment",
                    ),
                ),
            ],
            options={
                "verbose_name": "HistoricalCountryAssignment_countries",
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
