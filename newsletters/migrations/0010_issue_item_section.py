import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("newsletters", "0009_issue_sections"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="issueitem",
            options={
                "ordering": ["issue", "section__position", "position", "pk"],
                "verbose_name": "issue item",
                "verbose_name_plural": "issue items",
            },
        ),
        migrations.RemoveField(model_name="issueitem", name="section_kind"),
        migrations.RenameField(model_name="issueitem", old_name="section_ref", new_name="section"),
        migrations.AlterField(
            model_name="issueitem",
            name="section",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.RESTRICT,
                related_name="items",
                to="newsletters.issuesection",
                verbose_name="section",
            ),
        ),
    ]
