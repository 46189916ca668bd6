"""The default KPI catalogue from DOMAIN.md; officers add more."""

from django.db import migrations

KPIS = [
    ("Defect / reject rate", "% of output", "lower"),
    ("Labour productivity (output per worker)", "units per worker-hour", "higher"),
    ("On-time delivery", "% of orders", "higher"),
    ("Absenteeism", "% of scheduled days", "lower"),
    ("Labour turnover", "% of headcount per month", "lower"),
    ("Employee suggestions received", "count", "higher"),
    ("Suggestions implemented", "%", "higher"),
    ("Accidents", "count per month", "lower"),
    ("Hazards controlled", "count", "higher"),
    ("Energy use", "kWh per unit", "lower"),
    ("Waste", "kg per unit", "lower"),
    ("Cost savings / benefits", "RMB", "higher"),
    ("Material recovery rate", "%", "higher"),
    ("Problems solved", "count", "higher"),
]


def forwards(apps, schema_editor):
    KPI = apps.get_model("enterprises", "KPI")
    for order, (name, unit, direction) in enumerate(KPIS, start=1):
        KPI.objects.get_or_create(name=name, defaults={"unit": unit, "direction": direction, "order": order})


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
