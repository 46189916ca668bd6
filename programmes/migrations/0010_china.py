"""Existing databases get their country programme: China, with the provinces its training rounds name and the
office the newsletter's masthead prints. Idempotent (reference data: REFERENCE_DATA in tests/conftest.py)."""

from django.db import migrations

CHINA = {"name": "China", "time_zone": "Asia/Shanghai", "currency": "CNY", "languages": ["en", "zh-hans"]}
# China's four municipalities directly under the central government are provinces in rank, not in name.
MUNICIPALITIES = {"Beijing", "Chongqing", "Shanghai", "Tianjin"}
OFFICE_FIELDS = ("office_name", "address", "telephone", "fax", "email", "web")


def _office(apps) -> dict:
    Masthead = apps.get_model("newsletters", "Masthead")
    masthead = Masthead.objects.filter(language="en").first() or Masthead.objects.order_by("pk").first()
    return {name: getattr(masthead, name) or "" for name in OFFICE_FIELDS} if masthead else {}


def forwards(apps, schema_editor):
    Country = apps.get_model("programmes", "Country")
    Region = apps.get_model("programmes", "Region")
    TrainingRound = apps.get_model("programmes", "TrainingRound")
    china, _created = Country.objects.get_or_create(code="CN", defaults={**CHINA, **_office(apps)})
    provinces = {" ".join(p.split()) for p in TrainingRound.objects.values_list("province", flat=True).distinct()}
    for name in sorted(p for p in provinces if p):
        kind = "municipality" if name in MUNICIPALITIES else "province"
        if not Region.objects.filter(country=china, name__iexact=name).exists():
            Region.objects.create(country=china, name=name, kind=kind)


class Migration(migrations.Migration):
    dependencies = [
        ("programmes", "0009_countries"),
        ("newsletters", "0013_masthead_defaults"),  # the office the footer prints, when there is one
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
