"""A country's newsletter as an Atom feed (django.contrib.syndication): one entry per published edition, every
language."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from . import selectors
from .models import Issue, Masthead

FEED_SIZE = 30


class ArchiveFeed(Feed):
    """One country's newsletter (/newsletter/cn/feed/): its masthead's name, its editions."""

    feed_type = Atom1Feed

    def get_object(self, request, country):
        return selectors.newsletter_country(country)

    def title(self, country):
        return Masthead.for_edition(country, translation.get_language() or settings.LANGUAGE_CODE).newsletter_name

    def subtitle(self, country):
        return _(
            "Every two months: the latest SCORE news across %(country)s, enterprise improvement results, comments of "
            "expert trainers and the upcoming key activities."
        ) % {"country": country.name}

    def link(self, country):
        return reverse("newsletters:country_archive", args=[country])

    def items(self, country):
        return list(
            Issue.objects.filter(country=country, versions__isnull=False)
            .select_related("country")
            .annotate(last_published=Max("versions__published_at"))
            .order_by("-period_start", "-number", "language")[:FEED_SIZE]
        )

    def item_title(self, issue):
        with translation.override(issue.language):
            return issue.title or str(issue)

    def item_description(self, issue):
        return issue.introduction

    def item_link(self, issue):
        return reverse("newsletters:archive_edition", args=[issue.country, issue.number, issue.language])

    def item_guid(self, issue):
        # the first programme's entries keep the ids they had when its newsletter was the only one
        if issue.country_id == selectors.first_programme().pk:
            return f"score-newsletter-{issue.number}-{issue.language}"
        return f"score-newsletter-{issue.country.code.lower()}-{issue.number}-{issue.language}"

    item_guid_is_permalink = False

    def item_pubdate(self, issue):
        day = issue.publication_date
        return timezone.make_aware(dt.datetime(day.year, day.month, day.day, 12))

    def item_updateddate(self, issue):
        return issue.last_published

    def item_categories(self, issue):
        return [issue.language]

    def item_author_name(self, issue):
        masthead = (
            issue.printed_masthead
        )  # as the newsletter signs: 'SCORE China Team, International Labour Organization'
        return (
            ", ".join(part for part in (masthead.team_signature, masthead.publisher) if part)
            or masthead.newsletter_name
        )
