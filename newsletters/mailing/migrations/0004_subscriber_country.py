"""Subscribers per country programme (issue 22 §6): every existing subscriber reads China's newsletter, the only one
there was; an address subscribes once per newsletter; a subscriber's language is one of its country's languages."""

import django.db.models.deletion
from django.db import migrations, models


def forwards(apps, schema_editor):
    china = apps.get_model("programmes", "Country").objects.get(code="CN")  # made by programmes 0010_china
    apps.get_model("mailing", "Subscriber").objects.update(country=china)


class Migration(migrations.Migration):
    dependencies = [
        ("mailing", "0003_subscriber_addresses_normalised"),
        ("programmes", "0012_country_illustrative"),
    ]

    operations = [
        migrations.AddField(
            model_name="subscriber",
            name="country",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="subscribers",
                to="programmes.country",
                verbose_name="newsletter",
            ),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="subscriber",
            name="country",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="subscribers",
                to="programmes.country",
                verbose_name="newsletter",
            ),
        ),
        migrations.AlterField(
            model_name="subscriber",
            name="email",
            field=models.EmailField(max_length=254, verbose_name="e-mail"),
        ),
        migrations.AlterField(
            model_name="subscriber",
            name="language",
            field=models.CharField(default="en", max_length=10, verbose_name="language"),
        ),
        migrations.AddConstraint(
            model_name="subscriber",
            constraint=models.UniqueConstraint(
                fields=("country", "email"),
                name="subscriber_unique_country_email",
                violation_error_message="This address already subscribes to this newsletter.",
            ),
        ),
    ]
