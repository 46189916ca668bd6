# Issue 22 §4: the *_zh columns' Chinese text moves into i18n (core/migration_texts.py), then they go.

import modeltrans.fields
from django.db import migrations

from core.migration_texts import chinese_to_i18n


class Migration(migrations.Migration):
    dependencies = [
        ("programmes", "0013_exchange_rates"),
    ]

    operations = [
        migrations.AddField(
            model_name="module",
            name="i18n",
            field=modeltrans.fields.TranslationField(
                fields=("name", "short_name"), required_languages=(), virtual_fields=True
            ),
        ),
        chinese_to_i18n(
            "programmes",
            {"module": ("name", "short_name")},
        ),
        migrations.RemoveField(
            model_name="module",
            name="name_zh",
        ),
        migrations.RemoveField(
            model_name="module",
            name="short_name_zh",
        ),
    ]


def module_names_restore(apps, schema_editor):
    """The five modules' Chinese names (migration 0004) where they are kept now (tests/conftest.py)."""
    from core.migration_texts import chinese_names_restore

    import importlib

    names = importlib.import_module("programmes.migrations.0004_module_names_in_chinese").NAMES_ZH
    chinese_names_restore(apps.get_model("programmes", "Module"), "code", names, ("name", "short_name"))
