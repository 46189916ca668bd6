"""The archive as an Atom feed (django.contrib.syndication): one entry per published edition, both languages."""

from __future__ import annotations

import datetime as dt

from django.contrib.syndication.views import Feed
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Issue

FEED_SIZE = 30


class ArchiveFeed(Feed):
    feed_type = Atom1Feed
    title = gettext_lazy("SCORE China e-newsletter")
    subtitle = gettext_lazy(
        "Every two months: the latest SCORE news across China, enterprise improvement results, comments of expert "
        "trainers and the upcoming key activities."
    )

    def link(self):
        return reverse("newsletters:archive")

    def items(self):
        return list(
            Issue.objects.filter(versions__isnull=False)
            .annotate(last_published=Max("versions__published_at"))
            .order_by("-period_start", "-number", "language")[:FEED_SIZE]
        )

    def item_title(self, issue):
        with translation.override(issue.language):
            return issue.title or str(issue)

    def item_description(self, issue):
        return issue.introduction

    def item_link(self, issue):
        return reverse("newsletters:archive_edition", args=[issue.number, issue.language])

    def item_guid(self, issue):
        return f"score-newsletter-{issue.number}-{issue.language}"

    item_guid_is_permalink = False

    def item_pubdate(self, issue):
        day = issue.publication_date
        return timezone.make_aware(dt.datetime(day.year, day.month, day.day, 12))

    def item_updateddate(self, issue):
        return issue.last_published

    def item_categories(self, issue):
        return [issue.language]

    def item_author_name(self, issue):
        return _("SCORE China Team, International Labour Organization")
