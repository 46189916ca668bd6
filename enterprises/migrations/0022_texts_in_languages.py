# Issue 22 §4: the *_zh columns' Chinese text moves into i18n (core/migration_texts.py), then they go.

import modeltrans.fields
from django.db import migrations

from core.migration_texts import chinese_to_i18n


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0021_country"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalphoto",
            name="i18n",
            field=modeltrans.fields.TranslationField(fields=("caption",), required_languages=(), virtual_fields=True),
        ),
        migrations.AddField(
            model_name="historicalphotopair",
            name="i18n",
            field=modeltrans.fields.TranslationField(fields=("caption",), required_languages=(), virtual_fields=True),
        ),
        migrations.AddField(
            model_name="historicalresult",
            name="i18n",
            field=modeltrans.fields.TranslationField(
                fields=("title", "narrative"), required_languages=(), virtual_fields=True
            ),
        ),
        migrations.AddField(
            model_name="kpi",
            name="i18n",
            field=modeltrans.fields.TranslationField(
                fields=("name", "unit"), required_languages=(), virtual_fields=True
            ),
        ),
        migrations.AddField(
            model_name="photo",
            name="i18n",
            field=modeltrans.fields.TranslationField(fields=("caption",), required_languages=(), virtual_fields=True),
        ),
        migrations.AddField(
            model_name="photopair",
            name="i18n",
            field=modeltrans.fields.TranslationField(fields=("caption",), required_languages=(), virtual_fields=True),
        ),
        migrations.AddField(
            model_name="result",
            name="i18n",
            field=modeltrans.fields.TranslationField(
                fields=("title", "narrative"), required_languages=(), virtual_fields=True
            ),
        ),
        chinese_to_i18n(
            "enterprises",
            {
                "kpi": ("name", "unit"),
                "result": ("title", "narrative"),
                "historicalresult": ("title", "narrative"),
                "photo": ("caption",),
                "historicalphoto": ("caption",),
                "photopair": ("caption",),
                "historicalphotopair": ("caption",),
            },
        ),
        migrations.RemoveField(
            model_name="historicalphoto",
            name="caption_zh",
        ),
        migrations.RemoveField(
            model_name="historicalphotopair",
            name="caption_zh",
        ),
        migrations.RemoveField(
            model_name="historicalresult",
            name="narrative_zh",
        ),
        migrations.RemoveField(
            model_name="historicalresult",
            name="title_zh",
        ),
        migrations.RemoveField(
            model_name="kpi",
            name="name_zh",
        ),
        migrations.RemoveField(
            model_name="kpi",
            name="unit_zh",
        ),
        migrations.RemoveField(
            model_name="photo",
            name="caption_zh",
        ),
        migrations.RemoveField(
            model_name="photopair",
            name="caption_zh",
        ),
        migrations.RemoveField(
            model_name="result",
            name="narrative_zh",
        ),
        migrations.RemoveField(
            model_name="result",
            name="title_zh",
        ),
    ]


def kpi_names_restore(apps, schema_editor):
    """The default KPIs' Chinese names and units (migration 0005) where they are kept now (tests/conftest.py)."""
    import importlib

    from core.migration_texts import chinese_names_restore

    names = importlib.import_module("enterprises.migrations.0005_kpi_names_in_chinese").NAMES_ZH
    chinese_names_restore(apps.get_model("enterprises", "KPI"), "name", names, ("name", "unit"))
