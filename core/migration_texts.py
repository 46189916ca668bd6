"""The data step of issue 22 §4's migrations: each ``<field>_zh`` column's text moves into the record's ``i18n`` JSON
field under Simplified Chinese (``<field>_zh_hans``, core/translated.py), and back when the migration is reversed.

Each app's migration adds ``i18n``, runs ``chinese_to_i18n(...)``, then removes the ``*_zh`` columns. Plain
functions over the historical models (no import of the models, no modeltrans API), so the step reads what the
migration state has. A model's history table (django-simple-history) is moved too, so an old version keeps its text.
"""

from __future__ import annotations

from django.db import migrations

LANGUAGE = "zh-hans"


def _key(field: str) -> str:
    return f"{field}_{LANGUAGE.replace('-', '_')}"


def chinese_to_i18n(app_label: str, fields_by_model: dict[str, tuple[str, ...]]) -> migrations.RunPython:
    def forward(apps, schema_editor):
        for model_name, fields in fields_by_model.items():
            model = apps.get_model(app_label, model_name)
            changed = []
            for record in model.objects.all():
                texts = {_key(f): getattr(record, f"{f}_zh") for f in fields if getattr(record, f"{f}_zh")}
                if texts:
                    record.i18n = {**(record.i18n or {}), **texts}
                    changed.append(record)
            model.objects.bulk_update(changed, ["i18n"], batch_size=500)

    def backward(apps, schema_editor):
        for model_name, fields in fields_by_model.items():
            model = apps.get_model(app_label, model_name)
            changed = []
            for record in model.objects.exclude(i18n=None):
                stored = dict(record.i18n or {})
                for f in fields:
                    setattr(record, f"{f}_zh", stored.pop(_key(f), ""))
                record.i18n = stored or None
                changed.append(record)
            model.objects.bulk_update(changed, [*(f"{f}_zh" for f in fields), "i18n"], batch_size=500)

    return migrations.RunPython(forward, backward)


def chinese_names_restore(model, lookup: str, names: dict[str, tuple[str, ...]], fields: tuple[str, ...]) -> None:
    """Give each row named in ``names`` (by its ``lookup`` field) its Chinese ``fields`` where it has none: the
    reference data an older migration wrote into ``*_zh`` columns, written where it lives now (tests/conftest.py
    restores the reference data with these after a test that flushed the tables)."""
    for value, texts in names.items():
        for record in model.objects.filter(**{lookup: value}):
            stored = dict(record.i18n or {})
            if not any(stored.get(_key(f)) for f in fields):
                stored.update({_key(f): t for f, t in zip(fields, texts, strict=True)})
                model.objects.filter(pk=record.pk).update(i18n=stored)
