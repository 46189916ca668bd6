"""Reads for the newsletter: what an editor may see, what a period holds, and an issue's content."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Max, Prefetch, Q, QuerySet

from core import roles
from enterprises.models import KPILine, Photo, PhotoPair, Result

from .models import Event, ExpertComment, Issue, IssueItem, IssueVersion, NewsItem

UPCOMING_MONTHS = 3


def _editors_only(user, qs: QuerySet) -> QuerySet:
    return qs if roles.is_editor(user) else qs.none()


def issues_visible_to(user) -> QuerySet[Issue]:
    """Editors see every issue, draft or published; everyone else goes through the public archive."""
    return _editors_only(user, Issue.objects.all())


def news_items_visible_to(user) -> QuerySet[NewsItem]:
    return _editors_only(user, NewsItem.objects.select_related("training_round__module"))


def events_visible_to(user) -> QuerySet[Event]:
    return _editors_only(user, Event.objects.all())


def expert_comments_visible_to(user) -> QuerySet[ExpertComment]:
    return _editors_only(user, ExpertComment.objects.select_related("trainer__organisation"))


def newsletter_photos_visible_to(user) -> QuerySet[Photo]:
    """The result photos an editor may see through the newsletter: those of approved results and of the results
    an issue holds. (Partners see their own through the results pages; anonymous readers only what an edition
    printed.)"""
    in_issues = IssueItem.objects.filter(result__isnull=False).values("result_id")
    results = Result.objects.filter(Q(status=Result.Status.APPROVED) | Q(pk__in=in_issues))
    photos = Photo.objects.filter(Q(pair_as_before__result__in=results) | Q(pair_as_after__result__in=results))
    return _editors_only(user, photos)


def published_issues() -> QuerySet[Issue]:
    """The public archive: issues with at least one published version, newest first."""
    return (
        Issue.objects.filter(versions__isnull=False)
        .annotate(latest_version=Max("versions__version"))
        .order_by("-period_start", "-number")
    )


def editor_home(user) -> dict:
    """What an editor's home page shows: issues in preparation and a few counts."""
    issues = issues_visible_to(user)
    return {
        "drafts": list(issues.exclude(status=Issue.Status.PUBLISHED).order_by("-number")[:10]),
        "published_count": issues.filter(versions__isnull=False).distinct().count(),
        "news_count": news_items_visible_to(user).count(),
    }


def language_rank(code: str) -> int:
    """Where a language comes in settings.LANGUAGES (English first): editions are listed in that order."""
    order = [c for c, _name in settings.LANGUAGES]
    return order.index(code) if code in order else len(order)


def issue_editions(issue: Issue) -> list[Issue]:
    """All editions of the issue's number, this one included, English first."""
    return sorted(Issue.objects.filter(number=issue.number), key=lambda e: language_rank(e.language))


def issue_latest_version(issue: Issue) -> IssueVersion | None:
    return issue.versions.order_by("-version").first()


# --- The records of a period ------------------------------------------------------------------------


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    return dt.date(day.year + month // 12, month % 12 + 1, 1)


def period_of(day: dt.date) -> dt.date:
    """The first day of the two-month period (January–February, March–April, ...) that holds ``day``."""
    return dt.date(day.year, day.month - (day.month - 1) % 2, 1)


def results_approved_between(start: dt.date, end: dt.date) -> QuerySet[Result]:
    """Approved results whose approval falls on a day from start to end (inclusive), with what prints."""
    return (
        Result.objects.filter(status=Result.Status.APPROVED, approved_at__date__gte=start, approved_at__date__lte=end)
        .select_related("enterprise", "module", "training_round")
        .order_by("approved_at", "pk")
    )


def news_in_period(period_start: dt.date) -> QuerySet[NewsItem]:
    end = add_months(period_start, 2)
    return NewsItem.objects.filter(date__gte=period_start, date__lt=end).order_by("date", "title")


def events_after_period(period_start: dt.date) -> QuerySet[Event]:
    """Events that start after the period, within the next three months."""
    end = add_months(period_start, 2)
    return Event.objects.filter(starts_on__gte=end, starts_on__lt=add_months(end, UPCOMING_MONTHS)).order_by(
        "starts_on", "title"
    )


def expert_comment_for_period(period_start: dt.date, *, exclude_issue: Issue | None = None) -> ExpertComment | None:
    """The latest comment given by the period's end that no other issue has used yet (the issue's editions in
    other languages do not count: they print the same comment)."""
    end = add_months(period_start, 2)
    used = IssueItem.objects.filter(expert_comment__isnull=False)
    if exclude_issue is not None:
        used = used.exclude(issue__number=exclude_issue.number)
    return (
        ExpertComment.objects.filter(given_on__lt=end)
        .exclude(pk__in=used.values("expert_comment_id"))
        .order_by("-given_on", "-pk")
        .first()
    )


# --- An issue's content, as the template reads it -----------------------------------------------------


@dataclass
class IssueContent:
    issue: Issue
    news: list[NewsItem] = field(default_factory=list)
    comments: list[ExpertComment] = field(default_factory=list)
    results: list[Result] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    csr: list[NewsItem] = field(default_factory=list)
    practice: list[NewsItem] = field(default_factory=list)
    features: list[NewsItem] = field(default_factory=list)


def issue_items(issue: Issue) -> QuerySet[IssueItem]:
    """Every item of the issue with its record, in section and position order (a fixed number of queries)."""
    return (
        IssueItem.objects.filter(issue=issue)
        .select_related(
            "news_item",
            "event",
            "expert_comment__trainer__organisation",
            "result__enterprise",
            "result__module",
            "result__training_round",
        )
        .prefetch_related(
            Prefetch("result__kpi_lines", queryset=KPILine.objects.select_related("kpi")),
            Prefetch("result__photo_pairs", queryset=PhotoPair.objects.select_related("before", "after")),
        )
        .order_by("position", "pk")
    )


SECTION_FIELDS = {
    IssueItem.Section.NEWS: ("news", "news_item"),
    IssueItem.Section.COMMENT: ("comments", "expert_comment"),
    IssueItem.Section.RESULTS: ("results", "result"),
    IssueItem.Section.EVENTS: ("events", "event"),
    IssueItem.Section.CSR: ("csr", "news_item"),
    IssueItem.Section.PRACTICE: ("practice", "news_item"),
    IssueItem.Section.FEATURE: ("features", "news_item"),
}


def issue_content(issue: Issue, items: list[IssueItem] | None = None) -> IssueContent:
    """The included records of the issue, section by section, in the editor's order."""
    content = IssueContent(issue=issue)
    for item in items if items is not None else issue_items(issue):
        if not item.included:
            continue
        attr, fk = SECTION_FIELDS[item.section]
        record = getattr(item, fk)
        record.placement = item  # how the issue prints it (a result: story, KPI table, photo width)
        getattr(content, attr).append(record)
    return content
