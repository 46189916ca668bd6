import django.db.models.deletion
from django.db import migrations, models

STANDARD_ORDER = ["news", "comment", "results", "events", "csr", "practice", "feature"]


def sections_from_items(apps, schema_editor):
    """Each issue gets the sections its items were in, in the newsletter's standard order."""
    Issue = apps.get_model("newsletters", "Issue")
    IssueSection = apps.get_model("newsletters", "IssueSection")
    IssueItem = apps.get_model("newsletters", "IssueItem")
    for issue in Issue.objects.all():
        # .order_by(): the historical ordering still names the field renamed above
        kinds = set(IssueItem.objects.filter(issue=issue).order_by().values_list("section_kind", flat=True))
        for position, kind in enumerate(k for k in STANDARD_ORDER if k in kinds):
            section = IssueSection.objects.create(issue=issue, kind=kind, position=position)
            IssueItem.objects.filter(issue=issue, section_kind=kind).update(section_ref=section)


class Migration(migrations.Migration):
    dependencies = [
        ("newsletters", "0008_record_dates_placement_publication"),
    ]

    operations = [
        migrations.CreateModel(
            name="IssueSection",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("news", "The Latest SCORE News"),
                            ("comment", "Comments from a SCORE Expert Trainer"),
                            ("results", "Enterprise Improvement Results"),
                            ("events", "The Upcoming Key Activities"),
                            ("csr", "Latest News on CSR Development"),
                            ("practice", "CSR Practice Sharing Hub"),
                            ("feature", "Special topic"),
                        ],
                        max_length=20,
                        verbose_name="kind",
                    ),
                ),
                (
                    "heading",
                    models.CharField(
                        blank=True,
                        help_text="Leave empty for the section's usual heading.",
                        max_length=200,
                        verbose_name="heading",
                    ),
                ),
                ("heading_zh", models.CharField(blank=True, max_length=200, verbose_name="heading in Chinese")),
                ("position", models.PositiveIntegerField(default=0, verbose_name="position")),
                (
                    "show_dates",
                    models.BooleanField(
                        default=True,
                        help_text="Print each record's date under its heading.",
                        verbose_name="print the date lines",
                    ),
                ),
                (
                    "issue",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="sections",
                        to="newsletters.issue",
                        verbose_name="issue",
                    ),
                ),
            ],
            options={
                "verbose_name": "issue section",
                "verbose_name_plural": "issue sections",
                "ordering": ["issue", "position", "pk"],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("kind", "feature"), _negated=True),
                        fields=("issue", "kind"),
                        name="issue_section_unique_standard_kind",
                        violation_error_message="The issue has this section already.",
                    )
                ],
            },
        ),
        migrations.RenameField(model_name="issueitem", old_name="section", new_name="section_kind"),
        migrations.AddField(
            model_name="issueitem",
            name="section_ref",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="items",
                to="newsletters.issuesection",
                verbose_name="section",
            ),
        ),
        migrations.RunPython(sections_from_items, migrations.RunPython.noop),
    ]
