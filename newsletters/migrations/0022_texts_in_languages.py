# Issue 22 §4: the *_zh columns' Chinese text moves into i18n (core/migration_texts.py), then they go.

import modeltrans.fields
from django.db import migrations, models

import newsletters.models

from core.migration_texts import chinese_to_i18n


class Migration(migrations.Migration):
    dependencies = [
        ("newsletters", "0021_issue_edition_any_language"),
    ]

    operations = [
        migrations.AddField(
            model_name="event",
            name="i18n",
            field=modeltrans.fields.TranslationField(
                fields=("title", "place", "body"), required_languages=(), virtual_fields=True
            ),
        ),
        migrations.AddField(
            model_name="expertcomment",
            name="i18n",
            field=modeltrans.fields.TranslationField(
                fields=("heading", "quote"), required_languages=(), virtual_fields=True
            ),
        ),
        migrations.AddField(
            model_name="issuesection",
            name="i18n",
            field=modeltrans.fields.TranslationField(fields=("heading",), required_languages=(), virtual_fields=True),
        ),
        migrations.AddField(
            model_name="newsitem",
            name="i18n",
            field=modeltrans.fields.TranslationField(
                fields=("title", "place", "body"), required_languages=(), virtual_fields=True
            ),
        ),
        migrations.AddField(
            model_name="quotedperson",
            name="i18n",
            field=modeltrans.fields.TranslationField(
                fields=("name", "role", "organisation"), required_languages=(), virtual_fields=True
            ),
        ),
        chinese_to_i18n(
            "newsletters",
            {
                "newsitem": ("title", "place", "body"),
                "event": ("title", "place", "body"),
                "quotedperson": ("name", "role", "organisation"),
                "expertcomment": ("heading", "quote"),
                "issuesection": ("heading",),
            },
        ),
        migrations.RemoveField(
            model_name="event",
            name="body_zh",
        ),
        migrations.RemoveField(
            model_name="event",
            name="place_zh",
        ),
        migrations.RemoveField(
            model_name="event",
            name="title_zh",
        ),
        migrations.RemoveField(
            model_name="expertcomment",
            name="heading_zh",
        ),
        migrations.RemoveField(
            model_name="expertcomment",
            name="quote_zh",
        ),
        migrations.RemoveField(
            model_name="issuesection",
            name="heading_zh",
        ),
        migrations.RemoveField(
            model_name="newsitem",
            name="body_zh",
        ),
        migrations.RemoveField(
            model_name="newsitem",
            name="place_zh",
        ),
        migrations.RemoveField(
            model_name="newsitem",
            name="title_zh",
        ),
        migrations.RemoveField(
            model_name="quotedperson",
            name="name_zh",
        ),
        migrations.RemoveField(
            model_name="quotedperson",
            name="organisation_zh",
        ),
        migrations.RemoveField(
            model_name="quotedperson",
            name="role_zh",
        ),
        # an issue's language is one of its country's (selectors.edition_languages), no longer settings' choices
        migrations.AlterField(
            model_name="issue",
            name="language",
            field=models.CharField(
                default="en",
                help_text=(
                    "The language the issue is printed in: headings, dates, masthead, and its records' text in that "
                    "language where they have one."
                ),
                max_length=10,
                validators=[newsletters.models.validate_edition_language],
                verbose_name="language",
            ),
        ),
    ]
