"""The five SCORE modules and the portal's role groups."""

from django.db import migrations

MODULES = [
    ("M1", 1, "Workplace Cooperation", "Workplace Cooperation"),
    ("M2", 2, "Quality Management", "Quality Management"),
    ("M3", 3, "Productivity through Cleaner Production", "Clean Production"),
    (
        "M4",
        4,
        "Workforce Management for Cooperation and Business Success",
        "Human Resource Management",
    ),
    (
        "M5",
        5,
        "Safety and Health at Work: a Platform for Productivity",
        "Occupational Safety and Health",
    ),
]
GROUPS = ["Project officers", "Partner users", "Newsletter editors"]


def forwards(apps, schema_editor):
    Module = apps.get_model("programmes", "Module")
    Group = apps.get_model("auth", "Group")
    for code, order, name, short_name in MODULES:
        Module.objects.update_or_create(code=code, defaults={"order": order, "name": name, "short_name": short_name})
    for name in GROUPS:
        Group.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [
        ("programmes", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
