"""Reads for the newsletter: what an editor may see, what a period holds, and an issue's content."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Case, F, Max, Prefetch, Q, QuerySet, Value, When
from django.db.models.functions import ExtractDay, TruncMonth
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext as _

from core import roles, standards
from core.translated import search_q
from enterprises.models import KPILine, Photo, PhotoPair, Result
from programmes.models import Country
from programmes.selectors import content_languages, content_languages_used

from .models import (
    DatePrecision,
    Event,
    ExpertComment,
    Issue,
    IssueItem,
    IssueSection,
    IssueVersion,
    Masthead,
    NewsItem,
    QuotedPerson,
)

UPCOMING_MONTHS = 3


def _editors_only(user, qs: QuerySet, country: str | None = None) -> QuerySet:
    """Editors' (and officers') records; with ``country`` (the records' country id field), those of the countries
    they edit or work for."""
    if not roles.is_editor(user):
        return qs.none()
    ids = roles.country_ids(user) if country else None
    return qs if ids is None else qs.filter(**{f"{country}__in": ids})


def issues_visible_to(user) -> QuerySet[Issue]:
    """Editors see every issue of their countries, draft or published; everyone else goes through the public
    archive."""
    return _editors_only(user, Issue.objects.all(), "country_id")


def news_items_visible_to(user) -> QuerySet[NewsItem]:
    return _editors_only(user, NewsItem.objects.select_related("training_round__module"), "country_id")


def events_visible_to(user) -> QuerySet[Event]:
    return _editors_only(user, Event.objects.all(), "country_id")


def expert_comments_visible_to(user) -> QuerySet[ExpertComment]:
    return _editors_only(user, ExpertComment.objects.select_related("trainer__organisation", "person"), "country_id")


def mastheads_visible_to(user) -> QuerySet[Masthead]:
    return _editors_only(user, Masthead.objects.all(), "country_id")


def newsletter_countries_edited_by(user) -> QuerySet[Country]:
    """The country programmes whose newsletter the user edits (their assignment's; every one for the global
    team)."""
    return _editors_only(user, Country.objects.all(), "pk").order_by("name")


def quoted_people_visible_to(user) -> QuerySet[QuotedPerson]:
    return _editors_only(user, QuotedPerson.objects.select_related("trainer"))


def newsletter_photos_visible_to(user) -> QuerySet[Photo]:
    """The result photos an editor may see through the newsletter: those of approved results and of the results
    an issue holds. (Partners see their own through the results pages; anonymous readers only what an edition
    printed.)"""
    in_issues = IssueItem.objects.filter(result__isnull=False).values("result_id")
    results = Result.objects.filter(Q(status=Result.Status.APPROVED) | Q(pk__in=in_issues))
    results = _editors_only(user, results, "enterprise__country_id")
    photos = Photo.objects.filter(Q(pair_as_before__result__in=results) | Q(pair_as_after__result__in=results))
    return _editors_only(user, photos)


def first_programme() -> Country:
    """The country programme the portal started with: its newsletter's addresses, made before each country had its
    own series, name no country (/newsletter/5/), and a command given no country means it."""
    return Country.objects.order_by("pk").first()


def newsletter_country(code: str | None = None) -> Country:
    """The country programme of an archive address or a command's ``--country`` (an ISO code, any case): 404 for
    an unknown one; without one, the first programme."""
    if not code:
        return first_programme()
    country = Country.objects.filter(code=code.upper()).first()
    if country is None:
        raise Http404
    return country


def newsletter_countries() -> list[Country]:
    """The country programmes that publish a newsletter (at least one published edition), by name: the archive's
    index."""
    return list(Country.objects.filter(issues__versions__isnull=False).distinct().order_by("name"))


def published_issues(country: Country | None = None) -> QuerySet[Issue]:
    """The public archive (of one country's newsletter, or all): issues with at least one published version,
    newest first."""
    issues = Issue.objects.all() if country is None else Issue.objects.filter(country=country)
    return (
        issues.filter(versions__isnull=False)
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


def edition_languages(issue: Issue | None = None, countries=None) -> list[tuple[str, str]]:
    """The languages a newsletter has editions in, with their names: the issue's country's content languages, the
    main one first (China: English, Simplified Chinese; Viet Nam: Vietnamese, English); without an issue, those of
    ``countries``, else of every country (programmes.selectors.content_languages)."""
    return [(code, standards.language_name(code)) for code in content_languages(issue, countries)]


def language_rank(issue: Issue | None = None):
    """A sort key: where a language comes in the newsletter's languages (editions are listed in that order). The
    languages are read once, when the key is made."""
    order = [c for c, _name in edition_languages(issue)]
    return lambda code: order.index(code) if code in order else len(order)


def issue_editions(issue: Issue) -> list[Issue]:
    """All editions of the issue's number in its country's series, this one included, in its languages' order."""
    rank = language_rank(issue)
    editions = Issue.objects.filter(country_id=issue.country_id, number=issue.number)
    return sorted(editions, key=lambda e: rank(e.language))


def issue_latest_version(issue: Issue) -> IssueVersion | None:
    return issue.versions.order_by("-version").first()


# --- The records of a period ------------------------------------------------------------------------


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    return dt.date(day.year + month // 12, month % 12 + 1, 1)


def period_of(day: dt.date) -> dt.date:
    """The first day of the two-month period (January–February, March–April, ...) that holds ``day``."""
    return dt.date(day.year, day.month - (day.month - 1) % 2, 1)


def _of_country(qs: QuerySet, country_id: int | None, field: str = "country_id") -> QuerySet:
    return qs if country_id is None else qs.filter(**{field: country_id})


def results_approved_between(start: dt.date, end: dt.date, *, country_id: int | None = None) -> QuerySet[Result]:
    """Approved results whose approval falls on a day from start to end (inclusive), with what prints (of one
    country's enterprises when ``country_id`` is given)."""
    approved = Result.objects.filter(
        status=Result.Status.APPROVED, approved_at__date__gte=start, approved_at__date__lte=end
    )
    return (
        _of_country(approved, country_id, "enterprise__country_id")
        .select_related("enterprise", "module", "training_round")
        .order_by("approved_at", "pk")
    )


def in_month_order(records: QuerySet, field: str) -> QuerySet:
    """Records by month; within a month, those dated to the month first, in the order the editor entered them
    (their day only says which month), then those dated to the day, by day and title."""
    month_dated = Q(date_precision=DatePrecision.MONTH)
    return records.annotate(
        _month=TruncMonth(field),
        _day=Case(When(month_dated, then=Value(0)), default=ExtractDay(field)),
        _entered=Case(When(month_dated, then=F("pk")), default=Value(0)),
    ).order_by("_month", "_day", "_entered", "title", "pk")


def news_in_period(period_start: dt.date, *, country_id: int | None = None) -> QuerySet[NewsItem]:
    end = add_months(period_start, 2)
    news = _of_country(NewsItem.objects.filter(date__gte=period_start, date__lt=end), country_id)
    return in_month_order(news, "date")


def events_after_period(period_start: dt.date, *, country_id: int | None = None) -> QuerySet[Event]:
    """Events that start after the period, within the next three months."""
    end = add_months(period_start, 2)
    events = Event.objects.filter(starts_on__gte=end, starts_on__lt=add_months(end, UPCOMING_MONTHS))
    return in_month_order(_of_country(events, country_id), "starts_on")


def expert_comment_for_period(
    period_start: dt.date, *, exclude_issue: Issue | None = None, country_id: int | None = None
) -> ExpertComment | None:
    """The latest comment given by the period's end that no other issue has used yet (the issue's editions in
    other languages do not count: they print the same comment)."""
    end = add_months(period_start, 2)
    used = IssueItem.objects.filter(expert_comment__isnull=False)
    if exclude_issue is not None:
        used = used.exclude(issue__country_id=exclude_issue.country_id, issue__number=exclude_issue.number)
    return (
        _of_country(ExpertComment.objects.filter(given_on__lt=end), country_id)
        .exclude(pk__in=used.values("expert_comment_id"))
        .order_by("-given_on", "-pk")
        .first()
    )


# --- An issue's content, as the template reads it -----------------------------------------------------


@dataclass
class SectionContent:
    """One section as the document prints it: the section and its included items, in the editor's order (or, for
    a "programme in figures" block, its figures)."""

    section: IssueSection
    items: list[IssueItem] = field(default_factory=list)

    @property
    def prints(self) -> bool:
        if not self.section.holds_records:
            return bool(self.figures)
        return bool(self.items)

    @cached_property
    def figures(self) -> list:
        """A "programme in figures" block's figures, those with something to show, counted for the issue's period
        over the whole programme, titled in the issue's language."""
        if self.section.holds_records or not self.section.figures:
            return []
        from enterprises.figures import published_figures

        issue = self.section.issue
        with translation.override(issue.language):
            return published_figures(start=issue.period_start, end=issue.period_end, keys=self.section.figures)

    def records(self, kind: str) -> list:
        return [getattr(i, kind) for i in self.items if getattr(i, kind + "_id")]

    @property
    def heading_is_the_record_title(self) -> bool:
        """A section that holds one news item or event titled as the section's heading (a feature "Gender
        Strategy" holding the article "Gender Strategy") prints the heading once: the record's title is left out.
        Read in the language the issue prints in (the titles and heading are its own)."""
        if len(self.items) != 1:
            return False
        record = self.items[0].news_item or self.items[0].event
        if record is None:
            return False
        heading = _comparable(self.section.local_heading)
        return heading in (_comparable(record.local_title), _comparable(f"{record.local_place} {record.local_title}"))


def _comparable(text: str) -> str:
    """A heading without case, spacing and punctuation: 'Gender strategy:' and 'GENDER STRATEGY' are one."""
    return "".join(ch for ch in text.casefold() if ch.isalnum())


@dataclass
class IssueContent:
    issue: Issue
    sections: list[SectionContent] = field(default_factory=list)

    def records(self, kind: str) -> list:
        """Every included record of one kind ('news_item', 'event', 'expert_comment', 'result'), in print order."""
        return [r for s in self.sections for r in s.records(kind)]


def issue_items(issue: Issue) -> QuerySet[IssueItem]:
    """Every item of the issue with its record, in section and position order (a fixed number of queries)."""
    return (
        IssueItem.objects.filter(issue=issue)
        .select_related(
            "section",
            "news_item",
            "event",
            "expert_comment__trainer__organisation",
            "expert_comment__person__trainer",
            "result__enterprise",
            "result__module",
            "result__training_round",
        )
        .prefetch_related(
            Prefetch("result__kpi_lines", queryset=KPILine.objects.select_related("kpi")),
            Prefetch("result__photo_pairs", queryset=PhotoPair.objects.select_related("before", "after")),
        )
        .order_by("section__position", "section_id", "position", "pk")
    )


def issue_sections(issue: Issue, items: list[IssueItem] | None = None, *, included_only: bool = False):
    """The issue's sections in order, each with its items (all, or the included ones only)."""
    items = list(items if items is not None else issue_items(issue))
    by_section: dict[int, list[IssueItem]] = {}
    for item in items:
        if item.included or not included_only:
            by_section.setdefault(item.section_id, []).append(item)
    return [
        SectionContent(section=section, items=by_section.get(section.pk, []))
        for section in issue.sections.order_by("position", "pk")  # each knows its issue (the figures' period)
    ]


def issue_content(issue: Issue, items: list[IssueItem] | None = None) -> IssueContent:
    """The included records of the issue, section by section, in the editor's order."""
    return IssueContent(issue=issue, sections=issue_sections(issue, items, included_only=True))


# --- Records the editor can place in an issue ---------------------------------------------------------

CANDIDATES = 25
# kind: (the item's field, the fields searched as they are, the translatable fields searched in every language)
RECORD_SEARCH = {
    "news": ("news_item", [], ["title", "place", "body"]),
    "events": ("event", [], ["title", "place", "body"]),
    "comments": ("expert_comment", ["trainer__name", "person__name"], ["heading", "quote"]),
    "results": ("result", ["enterprise__name", "enterprise__city"], ["title", "narrative"]),
}


def text_search(term: str, fields: list[str], translated_fields: list[str]) -> Q:
    """``term`` in any of ``fields``, or in any of ``translated_fields`` in any language a country writes in."""
    condition = search_q(translated_fields, term, content_languages_used())
    for name in fields:
        condition |= Q(**{f"{name}__icontains": term})
    return condition


def approved_results_visible_to(user) -> QuerySet[Result]:
    """The results an editor may print: approved ones, of any date and organisation (never a draft)."""
    return _editors_only(
        user,
        Result.objects.filter(status=Result.Status.APPROVED).select_related("enterprise", "module"),
        "enterprise__country_id",
    )


def _records_of(user, kind: str) -> QuerySet:
    return {
        "news": news_items_visible_to,
        "events": events_visible_to,
        "comments": expert_comments_visible_to,
        "results": approved_results_visible_to,
    }[kind](user)


def record_for_issue(user, kind: str, pk: str):
    """One record the editor may place in an issue, or None."""
    if kind not in RECORD_SEARCH or not pk.isdigit():
        return None
    return _records_of(user, kind).filter(pk=int(pk)).first()


def records_for_issue(user, issue: Issue, *, kind: str, q: str = "") -> list:
    """Records of one kind, any date, that the issue does not hold yet: those matching `q`, newest first."""
    field_name, search, translated_search = RECORD_SEARCH[kind]
    of_issue = "enterprise__country_id" if kind == "results" else "country_id"  # the issue's country's records
    qs = (
        _records_of(user, kind)
        .filter(**{of_issue: issue.country_id})
        .exclude(pk__in=IssueItem.objects.filter(issue=issue).exclude(**{field_name: None}).values(field_name))
    )
    if q:
        qs = qs.filter(text_search(q, search, translated_search))
    order = {"news": "-date", "events": "-starts_on", "comments": "-given_on", "results": "-approved_at"}[kind]
    return list(qs.order_by(order, "-pk")[:CANDIDATES])


def section_choices(issue: Issue) -> list[tuple[str, str]]:
    """The sections a record can go to: the issue's own, then the standard ones it lacks (made when used)."""
    sections = [s for s in IssueSection.objects.filter(issue=issue).order_by("position", "pk") if s.holds_records]
    have = {s.kind for s in sections}
    choices = [(str(s.pk), s.local_heading) for s in sections]
    for kind, label in IssueSection.Kind.choices:
        if kind not in have and kind != IssueSection.Kind.FIGURES:
            choices.append((f"kind:{kind}", _("%(section)s (new section)") % {"section": label}))
    return choices


DEFAULT_KIND = {"news": "news", "events": "events", "comments": "comment", "results": "results"}


def default_section_value(issue: Issue, kind: str) -> str:
    section = IssueSection.objects.filter(issue=issue, kind=DEFAULT_KIND[kind]).order_by("position").first()
    return str(section.pk) if section else f"kind:{DEFAULT_KIND[kind]}"
