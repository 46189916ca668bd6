"""Each issue keeps the masthead and footer it prints: existing issues get a copy of their language's current one."""

from django.db import migrations, models

FIELDS = (
    "newsletter_name",
    "programme_line",
    "publisher",
    "team_signature",
    "footer_heading",
    "office_name",
    "address",
    "telephone",
    "fax",
    "email",
    "web",
)


def copy_current_mastheads(apps, schema_editor):
    Issue = apps.get_model("newsletters", "Issue")
    Masthead = apps.get_model("newsletters", "Masthead")
    rows = {m.language: {name: getattr(m, name) for name in FIELDS} for m in Masthead.objects.all()}
    fallback = rows.get("en", {})
    for issue in Issue.objects.filter(masthead={}):
        issue.masthead = rows.get(issue.language, fallback)
        issue.save(update_fields=["masthead"])


class Migration(migrations.Migration):
    dependencies = [
        ("newsletters", "0017_quoted_person_role_alone"),
    ]

    operations = [
        migrations.AddField(
            model_name="issue",
            name="masthead",
            field=models.JSONField(blank=True, default=dict, editable=False, verbose_name="masthead and footer"),
        ),
        migrations.RunPython(copy_current_mastheads, migrations.RunPython.noop),
    ]
