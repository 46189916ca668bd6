"""Every write of the newsletter: records, issues, their items, rendering and publishing."""

from __future__ import annotations

import datetime as dt
import logging
import secrets
import time
import uuid
from collections.abc import Mapping

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DatabaseError, InterfaceError, OperationalError, transaction
from django.db.models import Max
from django.template import TemplateDoesNotExist, TemplateSyntaxError
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from core import roles
from core.editing import edit_version_claim
from core.integrity import unique_refused
from core.translated import texts_set
from programmes.models import Country

from . import pdf, selectors
from .models import (
    Event,
    ExpertComment,
    Issue,
    IssueItem,
    IssueSection,
    IssueVersion,
    Masthead,
    NewsItem,
    QuotedPerson,
    issue_stale_after,
)

logger = logging.getLogger(__name__)

# Errors worth retrying: the disk, the network, the database connection. Everything else (a missing photo,
# a template error, bad data) fails the issue at once with a reason the editor can act on.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (OSError, OperationalError, InterfaceError)

DOCUMENT_TEMPLATE = "newsletters/issue_document.html"
PRINT_STYLESHEET = "css/newsletter-print.css"


class IssueStateError(ValidationError):
    """The issue is not in a state that allows this (e.g. editing a published issue)."""


# --- News items, events, expert comments ---------------------------------------------------------------


def _country_check(obj) -> None:
    """A record's round is of its country, and the trainer a comment quotes works there."""
    if not hasattr(obj, "country_id"):  # a person quoted belongs to no country
        return
    if not obj.country_id:
        raise ValidationError({"country": [_("Choose the country programme the record belongs to.")]})
    round_ = getattr(obj, "training_round", None)
    if round_ is not None and round_.country_id != obj.country_id:
        raise ValidationError(
            {
                "training_round": [
                    _("This round is in %(country)s: choose a round of the record's country.")
                    % {"country": round_.country.name}
                ]
            }
        )
    trainer = getattr(obj, "trainer", None)
    if trainer is not None and not trainer.countries.filter(pk=obj.country_id).exists():
        raise ValidationError(
            {
                "trainer": [
                    _("%(trainer)s does not work in %(country)s.")
                    % {"trainer": trainer.name, "country": obj.country.name}
                ]
            }
        )


def _save(obj, edit_version: int | None = None):
    edit_version_claim(obj, edit_version)
    _country_check(obj)
    obj.full_clean()
    obj.save()
    return obj


@unique_refused()
@transaction.atomic
def news_item_save(*, news_item: NewsItem, edit_version: int | None = None) -> NewsItem:
    """Create or update a news item (constraints checked, one message per field)."""
    return _save(news_item, edit_version)


@unique_refused()
@transaction.atomic
def event_save(*, event: Event, edit_version: int | None = None) -> Event:
    return _save(event, edit_version)


@unique_refused()
@transaction.atomic
def expert_comment_save(*, expert_comment: ExpertComment, edit_version: int | None = None) -> ExpertComment:
    return _save(expert_comment, edit_version)


@unique_refused()
@transaction.atomic
def masthead_save(*, masthead: Masthead, edit_version: int | None = None) -> Masthead:
    """A country's masthead and footer in one language, for the issues to come: its issues of that language never
    published
    take it too (a rendered PDF no longer matches their content hash then, so their page asks for a new rendering
    before publishing); an issue published once keeps the one it printed, reopened or rendered again."""
    masthead = _save(masthead, edit_version)
    coming = Issue.objects.filter(
        country_id=masthead.country_id, language=masthead.language, versions__isnull=True
    ).exclude(status=Issue.Status.PUBLISHED)
    coming.update(masthead=masthead.snapshot())
    return masthead


@unique_refused()
@transaction.atomic
def quoted_person_save(*, quoted_person: QuotedPerson, edit_version: int | None = None) -> QuotedPerson:
    """Create or update a person a quote is from (editors may; they need not be officers)."""
    return _save(quoted_person, edit_version)


# --- Issues and their items ---------------------------------------------------------------------------


def issue_next_number(country: Country) -> int:
    """The next number of the country's series (each country programme numbers its own newsletter)."""
    return (Issue.objects.filter(country=country).aggregate(n=Max("number"))["n"] or 0) + 1


def _refuse_if_frozen(issue: Issue) -> None:
    if issue.is_frozen:
        raise IssueStateError(_("Issue No. %(number)s is published; its content is frozen.") % {"number": issue.number})


def _content_changed(issue: Issue) -> None:
    """An edit after rendering: the PDF no longer shows the issue; it must be rendered again."""
    if issue.status in (Issue.Status.READY, Issue.Status.FAILED):
        issue.status = Issue.Status.DRAFT
        issue.save(update_fields=["status"])


@unique_refused()
@transaction.atomic
def issue_create(
    *,
    period_start: dt.date,
    number: int | None = None,
    title: str = "",
    introduction: str = "",
    language: str = "en",
    publication_date: dt.date | None = None,
    country: Country | None = None,
) -> Issue:
    """A new draft of ``country``'s newsletter for a two-month period, filled with that period's records of the
    country (None: the first programme, the one the portal started with and whose series the old addresses name)."""
    country = country or Country.objects.order_by("pk").first()
    if language not in dict(selectors.edition_languages(countries=Country.objects.filter(pk=country.pk))):
        raise ValidationError({"language": _("The newsletter has no edition in this language.")})
    number = number or issue_next_number(country)
    with translation.override(language):
        default_title = issue_default_title(number, period_start, country=country)
    issue = Issue(
        country=country,
        number=number,
        period_start=period_start,
        title=title or default_title,
        introduction=introduction,
        language=language,
        publication_date=publication_date or timezone.localdate(),
        masthead=Masthead.for_edition(country, language).snapshot(),
    )
    issue.full_clean()
    issue.save()
    issue_assemble(issue=issue)
    return issue


def issue_default_title(number: int, period_start: dt.date, *, country: Country) -> str:
    """The usual title in the active language: the newsletter's name as its country's masthead gives it."""
    month = formats.date_format(selectors.add_months(period_start, 1), "YEAR_MONTH_FORMAT")
    name = Masthead.for_edition(country, translation.get_language() or settings.LANGUAGE_CODE).newsletter_name
    return _("%(name)s, Issue No. %(number)s, %(month)s") % {
        "name": name or _("SCORE newsletter"),
        "number": number,
        "month": month,
    }


@unique_refused()
@transaction.atomic
def issue_edition_create(*, issue: Issue, language: str) -> Issue:
    """The issue's edition in another language: same number and period, the same items in the same order
    (included or left out as in the issue), the usual title in that language and an empty introduction."""
    if language not in dict(selectors.edition_languages(issue)):
        raise ValidationError(_("The newsletter has no edition in this language."))
    if Issue.objects.filter(country_id=issue.country_id, number=issue.number, language=language).exists():
        raise ValidationError(
            _("Issue No. %(number)s already has an edition in this language.") % {"number": issue.number}
        )
    with translation.override(language):
        title = issue_default_title(issue.number, issue.period_start, country=issue.country)
    edition = Issue(
        country_id=issue.country_id,
        number=issue.number,
        period_start=issue.period_start,
        language=language,
        title=title,
        publication_date=issue.publication_date,
        masthead=Masthead.for_edition(issue.country, language).snapshot(),
    )
    edition.full_clean()
    edition.save()
    copies = {}
    for section in issue.sections.all():
        copies[section.pk] = IssueSection.objects.create(
            issue=edition,
            kind=section.kind,
            heading=section.heading,
            i18n=dict(section.i18n or {}),
            position=section.position,
            show_dates=section.show_dates,
            figures=section.figures,
        )
    IssueItem.objects.bulk_create(
        IssueItem(
            issue=edition,
            section=copies[item.section_id],
            position=item.position,
            included=item.included,
            result_display=item.result_display,
            photo_width=item.photo_width,
            news_item_id=item.news_item_id,
            event_id=item.event_id,
            expert_comment_id=item.expert_comment_id,
            result_id=item.result_id,
        )
        for item in issue.items.all()
    )
    return edition


@unique_refused()
@transaction.atomic
def issue_assemble(*, issue: Issue) -> int:
    """Add the period's records the issue does not hold yet, at the end of their sections. Returns how many.

    News items dated in the period, results approved in it, events that start in the three months after it,
    and the latest expert comment not used by another issue (only when the issue has none yet).
    """
    issue = Issue.objects.select_for_update().get(pk=issue.pk)
    _refuse_if_frozen(issue)
    existing = list(IssueItem.objects.filter(issue=issue).select_related("section"))
    held = {(i.news_item_id, i.event_id, i.expert_comment_id, i.result_id) for i in existing}
    next_position: dict[int, int] = {}
    for item in existing:
        next_position[item.section_id] = max(next_position.get(item.section_id, 0), item.position + 1)

    new: list[IssueItem] = []

    def add(kind: str, **ref) -> None:
        key = (ref.get("news_item_id"), ref.get("event_id"), ref.get("expert_comment_id"), ref.get("result_id"))
        if key in held:
            return
        held.add(key)
        section = _standard_section(issue, kind)
        position = next_position.get(section.pk, 0)
        next_position[section.pk] = position + 1
        new.append(IssueItem(issue=issue, section=section, position=position, **ref))

    country_id = issue.country_id  # an issue holds its country's records only
    for news in selectors.news_in_period(issue.period_start, country_id=country_id):
        add(news.section, news_item_id=news.pk)
    if not any(i.section.kind == IssueItem.Section.COMMENT for i in existing):
        comment = selectors.expert_comment_for_period(issue.period_start, exclude_issue=issue, country_id=country_id)
        if comment is not None:
            add(IssueItem.Section.COMMENT, expert_comment_id=comment.pk)
    for result in selectors.results_approved_between(issue.period_start, issue.period_end, country_id=country_id):
        add(IssueItem.Section.RESULTS, result_id=result.pk)
    for event in selectors.events_after_period(issue.period_start, country_id=country_id):
        add(IssueItem.Section.EVENTS, event_id=event.pk)
    IssueItem.objects.bulk_create(new)
    if new:
        _content_changed(issue)
    return len(new)


@transaction.atomic
def issue_update(
    *,
    issue: Issue,
    title: str,
    introduction: str,
    language: str | None = None,
    publication_date: dt.date | None = None,
    edit_version: int | None = None,
) -> Issue:
    issue = Issue.objects.select_for_update().get(pk=issue.pk)
    _refuse_if_frozen(issue)
    edit_version_claim(issue, edit_version)
    issue.title, issue.introduction = title, introduction
    if language and language != issue.language:
        issue.language, issue.masthead = language, Masthead.for_edition(issue.country, language).snapshot()
    issue.publication_date = publication_date or issue.publication_date
    issue.full_clean()
    issue.save(update_fields=["title", "introduction", "language", "publication_date", "masthead"])
    _content_changed(issue)
    return issue


@transaction.atomic
def issue_item_set_included(*, item: IssueItem, included: bool) -> IssueItem:
    issue = Issue.objects.select_for_update().get(pk=item.issue_id)
    _refuse_if_frozen(issue)
    item.included = included
    item.save(update_fields=["included"])
    _content_changed(issue)
    return item


@transaction.atomic
def issue_item_move(*, item: IssueItem, offset: int) -> IssueItem:
    """Move an item up (offset -1) or down (+1) within its section."""
    issue = Issue.objects.select_for_update().get(pk=item.issue_id)
    _refuse_if_frozen(issue)
    siblings = list(IssueItem.objects.filter(issue=issue, section_id=item.section_id).order_by("position", "pk"))
    index = next(i for i, s in enumerate(siblings) if s.pk == item.pk)
    target = index + offset
    if not 0 <= target < len(siblings):
        return item
    siblings.insert(target, siblings.pop(index))
    for position, sibling in enumerate(siblings):
        sibling.position = position
    IssueItem.objects.bulk_update(siblings, ["position"])
    _content_changed(issue)
    return next(s for s in siblings if s.pk == item.pk)


def _standard_section(issue: Issue, kind: str) -> IssueSection:
    """The issue's section of this kind (for a feature: its first feature section), made where the standard
    order puts it when the issue has none yet."""
    section = issue.sections.filter(kind=kind).order_by("position", "pk").first()
    if section is not None:
        return section
    rank = IssueSection.STANDARD_ORDER.index(kind)
    sections = list(issue.sections.order_by("position", "pk"))
    # after the last section that comes before it in the standard order (feature sections keep their place)
    index = 0
    for i, other in enumerate(sections):
        if other.kind != IssueSection.Kind.FEATURE and IssueSection.STANDARD_ORDER.index(other.kind) < rank:
            index = i + 1
    if kind == IssueSection.Kind.FEATURE:
        index = len(sections)
    section = IssueSection(issue=issue, kind=kind)
    sections.insert(index, section)
    _renumber(sections)
    return section


def _renumber(sections: list[IssueSection]) -> None:
    for position, section in enumerate(sections):
        section.position = position
    for section in sections:
        if section.pk is None:
            section.full_clean()
            section.save()
    IssueSection.objects.bulk_update([s for s in sections if s.pk], ["position"])


@unique_refused()
@transaction.atomic
def issue_section_add(
    *, issue: Issue, kind: str, heading: str = "", translations: Mapping[str, Mapping[str, str]] | None = None
) -> IssueSection:
    """A section at the end of the issue: a feature with its own heading, or a standard one it lacks;
    ``translations``: its heading in other languages, ``{"zh-hans": {"heading": ...}}``."""
    issue = Issue.objects.select_for_update().get(pk=issue.pk)
    _refuse_if_frozen(issue)
    if kind not in IssueSection.Kind.values:
        raise ValidationError({"kind": _("Choose a kind of section.")})
    if kind in IssueSection.REPEATABLE:
        if kind == IssueSection.Kind.FEATURE and not heading.strip():
            raise ValidationError({"heading": _("A feature section needs a heading.")})
        last = issue.sections.aggregate(n=Max("position"))["n"]
        section = IssueSection(issue=issue, kind=kind, position=0 if last is None else last + 1)
        if kind == IssueSection.Kind.FIGURES:
            from enterprises.figures import PUBLISHABLE_DEFAULT

            section.figures = list(PUBLISHABLE_DEFAULT)
    elif issue.sections.filter(kind=kind).exists():
        raise ValidationError({"kind": _("The issue has this section already.")})
    else:
        section = _standard_section(issue, kind)  # where the newsletter's order puts it
    section.heading = heading.strip()
    texts_set(section, translations or {})
    section.full_clean()
    section.save()
    _content_changed(issue)
    return section


@transaction.atomic
def issue_section_update(
    *,
    section: IssueSection,
    heading: str,
    show_dates: bool,
    translations: Mapping[str, Mapping[str, str]] | None = None,
) -> IssueSection:
    issue = Issue.objects.select_for_update().get(pk=section.issue_id)
    _refuse_if_frozen(issue)
    if section.kind == IssueSection.Kind.FEATURE and not heading.strip():
        raise ValidationError({"heading": _("A feature section needs a heading.")})
    section.heading, section.show_dates = heading.strip(), show_dates
    texts_set(section, translations or {})
    section.full_clean()
    section.save(update_fields=["heading", "i18n", "show_dates"])
    _content_changed(issue)
    return section


@transaction.atomic
def issue_section_set_figures(*, section: IssueSection, figures: list[str]) -> IssueSection:
    """The figures a "programme in figures" block prints, in the order given (each once); a figure that is not in
    the catalogue is refused, and nothing is saved."""
    from enterprises.figures import PUBLISHABLE_FIGURES

    issue = Issue.objects.select_for_update().get(pk=section.issue_id)
    _refuse_if_frozen(issue)
    if section.kind != IssueSection.Kind.FIGURES:
        raise ValidationError(_("Only a “Programme in figures” section prints figures."))
    known = dict(PUBLISHABLE_FIGURES)
    unknown = [key for key in figures if key not in known]
    if unknown:
        raise ValidationError(
            {"figures": _("There is no figure “%(figure)s” to print; choose from the list.") % {"figure": unknown[0]}}
        )
    section.figures = list(dict.fromkeys(figures))
    section.full_clean()
    section.save(update_fields=["figures"])
    _content_changed(issue)
    return section


@transaction.atomic
def issue_section_move(*, section: IssueSection, offset: int) -> IssueSection:
    """Move a section up (offset -1) or down (+1) in the issue."""
    issue = Issue.objects.select_for_update().get(pk=section.issue_id)
    _refuse_if_frozen(issue)
    sections = list(issue.sections.order_by("position", "pk"))
    index = next(i for i, s in enumerate(sections) if s.pk == section.pk)
    if 0 <= index + offset < len(sections):
        sections.insert(index + offset, sections.pop(index))
        _renumber(sections)
        _content_changed(issue)
    return next(s for s in sections if s.pk == section.pk)


@transaction.atomic
def issue_section_delete(*, section: IssueSection) -> None:
    """Remove an empty section; one that holds records keeps them until they are moved or removed."""
    issue = Issue.objects.select_for_update().get(pk=section.issue_id)
    _refuse_if_frozen(issue)
    if section.items.exists():
        raise ValidationError(_("Move or remove the section's records first."))
    section.delete()
    _renumber(list(issue.sections.order_by("position", "pk")))
    _content_changed(issue)


RECORD_FIELDS = {NewsItem: "news_item", Event: "event", ExpertComment: "expert_comment"}


def _record_field(record) -> str:
    from enterprises.models import Result

    if isinstance(record, Result):
        # enforced here, whatever the page offered: only an approved result goes into an issue
        if record.status != Result.Status.APPROVED:
            raise ValidationError(_("Only approved results can go into an issue."))
        return "result"
    return RECORD_FIELDS[type(record)]


def _refuse_records_in(section: IssueSection) -> None:
    if not section.holds_records:
        raise ValidationError(
            _("“%(section)s” prints figures, not records; choose another section.") % {"section": section.local_heading}
        )


@unique_refused()
@transaction.atomic
def issue_item_add(*, issue: Issue, section: IssueSection, record) -> IssueItem:
    """Place any record (a news item, an event, an expert comment, an approved result) of any date at the end
    of a section of the issue."""
    issue = Issue.objects.select_for_update().get(pk=issue.pk)
    _refuse_if_frozen(issue)
    if section.issue_id != issue.pk:
        raise ValidationError(_("Choose a section of this issue."))
    _refuse_records_in(section)
    field = _record_field(record)
    record_country_id = record.enterprise.country_id if field == "result" else record.country_id
    if record_country_id != issue.country_id:
        raise ValidationError(_("“%(record)s” is of another country than the issue.") % {"record": record})
    existing = IssueItem.objects.filter(issue=issue, **{field: record}).select_related("section").first()
    if existing is not None:
        raise ValidationError(
            _("“%(record)s” is in this issue already, in “%(section)s”.")
            % {"record": record, "section": existing.section.local_heading}
        )
    last = section.items.aggregate(n=Max("position"))["n"]
    item = IssueItem(issue=issue, section=section, position=0 if last is None else last + 1, **{field: record})
    item.full_clean()
    item.save()
    _content_changed(issue)
    return item


@unique_refused()
@transaction.atomic
def issue_item_move_to(*, item: IssueItem, section: IssueSection) -> IssueItem:
    """Move an item to the end of another section of its issue."""
    issue = Issue.objects.select_for_update().get(pk=item.issue_id)
    _refuse_if_frozen(issue)
    if section.issue_id != issue.pk:
        raise ValidationError(_("Choose a section of this issue."))
    _refuse_records_in(section)
    if section.pk == item.section_id:
        return item
    last = section.items.aggregate(n=Max("position"))["n"]
    item.section, item.position = section, 0 if last is None else last + 1
    item.save(update_fields=["section", "position"])
    _content_changed(issue)
    return item


@transaction.atomic
def issue_item_remove(*, item: IssueItem) -> None:
    """Take a record out of the issue (the record itself stays)."""
    issue = Issue.objects.select_for_update().get(pk=item.issue_id)
    _refuse_if_frozen(issue)
    item.delete()
    _content_changed(issue)


@transaction.atomic
def issue_item_set_layout(*, item: IssueItem, result_display: str, photo_width: str) -> IssueItem:
    """How a result prints: story, KPI table or both; photo pairs at half or full width."""
    issue = Issue.objects.select_for_update().get(pk=item.issue_id)
    _refuse_if_frozen(issue)
    item.result_display, item.photo_width = result_display, photo_width
    item.full_clean()
    item.save(update_fields=["result_display", "photo_width"])
    _content_changed(issue)
    return item


# --- The document ------------------------------------------------------------------------------------


def issue_document(issue: Issue) -> pdf.Document:
    """The issue as one HTML document for print, with the photos and static files its template named (the only
    resources it may use; see pdf.py)."""
    content = selectors.issue_content(issue)
    with translation.override(issue.language), pdf.collecting() as resources:
        html = render_to_string(
            DOCUMENT_TEMPLATE,
            {
                "issue": issue,
                "content": content,
                "month": formats.date_format(selectors.add_months(issue.period_start, 1), "YEAR_MONTH_FORMAT"),
                "masthead": issue.printed_masthead,
                "stylesheet": pdf.static_src(PRINT_STYLESHEET),
            },
        )
    return pdf.document(html, resources)


def issue_html(issue: Issue) -> str:
    """The issue's HTML for print (see issue_document)."""
    return issue_document(issue).html


def _record_snapshot(item: IssueItem) -> dict:
    if item.news_item_id:
        n = item.news_item
        return {"type": "news", "id": n.pk, "place": n.local_place, "title": n.local_title, "date": n.date.isoformat()}
    if item.event_id:
        e = item.event
        return {"type": "event", "id": e.pk, "title": e.local_title, "starts_on": e.starts_on.isoformat()}
    if item.expert_comment_id:
        c = item.expert_comment
        return {"type": "comment", "id": c.pk, "person": c.person_name, "quote": c.local_quote}
    r = item.result
    return {
        "type": "result",
        "id": r.pk,
        "enterprise": r.enterprise.name,
        "title": r.local_title,
        "prints_as": item.result_display,
        "kpis": [
            {"kpi": str(k.kpi), "baseline": str(k.baseline_value), "followup": str(k.followup_value)}
            for k in r.kpi_lines.all()
        ],
        "photo_pairs": [
            {"caption": p.local_caption, "before": p.before.local_caption, "after": p.after.local_caption}
            for p in r.photo_pairs.all()
        ],
    }


def _figure_snapshot(figure) -> dict:
    """A figure as printed: its title, its table as the page wrote it, its note."""
    return {
        "key": figure.key,
        "title": figure.title,
        "columns": [c.label for c in figure.columns],
        "rows": [[cell.text for cell in row] for row in figure.display_rows],
        "totals": [cell.text for cell in figure.display_totals] if figure.totals else None,
        "note": figure.note,
    }


def issue_snapshot(issue: Issue) -> dict:
    """What an issue printed, as data, in the edition's language (kept with each published version)."""
    content = selectors.issue_content(issue)
    with translation.override(issue.language):
        return {
            "number": issue.number,
            "language": issue.language,
            "period_start": issue.period_start.isoformat(),
            "publication_date": issue.publication_date.isoformat(),
            "title": issue.title,
            "introduction": issue.introduction,
            "sections": [
                {
                    "kind": s.section.kind,
                    "heading": s.section.local_heading,
                    "items": [_record_snapshot(item) for item in s.items],
                    **({"figures": [_figure_snapshot(f) for f in s.figures]} if not s.section.holds_records else {}),
                }
                for s in content.sections
                if s.prints
            ],
        }


# --- Rendering ---------------------------------------------------------------------------------------


def _enqueue_render(issue_id: int, task_id: str) -> None:
    from .tasks import issue_render as issue_render_task

    issue_render_task.apply_async(args=[issue_id], task_id=task_id)


@transaction.atomic
def issue_render_request(*, issue: Issue) -> Issue:
    """Mark the issue 'rendering' and enqueue the task once this transaction commits; returns at once.

    Refused while a rendering is under way, unless that rendering is stale (its worker was lost).
    """
    issue = Issue.objects.select_for_update().get(pk=issue.pk)
    _refuse_if_frozen(issue)
    if issue.status == Issue.Status.RENDERING and not issue.render_is_stale:
        raise IssueStateError(_("This issue is being rendered; wait for the PDF."))
    issue.render_recoveries = 0
    _render_queue(issue)
    return issue


def _render_queue(issue: Issue) -> None:
    """Save 'rendering' on the (locked) row and send the task once the transaction commits."""
    issue.status = Issue.Status.RENDERING
    issue.error = ""
    issue.render_started_at = timezone.now()
    issue.render_task_id = str(uuid.uuid4())
    issue.render_attempts += 1
    issue.save(
        update_fields=[
            "status",
            "error",
            "render_started_at",
            "render_task_id",
            "render_attempts",
            "render_recoveries",
        ]
    )
    task_id = issue.render_task_id
    transaction.on_commit(lambda: _enqueue_render(issue.pk, task_id))


def issue_renders_recover() -> list[int]:
    """Queue again every render whose worker was lost (run by beat every minute); returns the issues' ids.

    A render is lost when its issue is still 'rendering' past `Issue.render_is_stale` and no worker holds the row
    (a live render holds it until it commits, and is killed at the hard time limit). Safe to run twice and beside
    the workers: each issue is locked and looked at again; one that finished meanwhile, or that a worker is
    rendering now, is left alone, and a render that still runs twice (the broker handing the lost message out too)
    finds the stored PDF current and makes no second one. A render lost `NEWSLETTER_RENDER_MAX_RECOVERIES` times
    in a row is marked failed, so a render that kills its worker is not tried for ever.
    """
    cutoff = timezone.now() - issue_stale_after()
    stale = Issue.objects.filter(status=Issue.Status.RENDERING, render_started_at__lt=cutoff)
    return [pk for pk in stale.values_list("pk", flat=True) if _issue_render_recover(pk, cutoff=cutoff)]


@transaction.atomic
def _issue_render_recover(issue_id: int, *, cutoff: dt.datetime) -> bool:
    issue = (
        Issue.objects.select_for_update(skip_locked=True)
        .filter(pk=issue_id, status=Issue.Status.RENDERING, render_started_at__lt=cutoff)
        .first()
    )
    if issue is None:
        return False  # finished (or asked again) meanwhile, or a worker is rendering it now
    if issue.render_recoveries >= settings.NEWSLETTER_RENDER_MAX_RECOVERIES:
        issue.status = Issue.Status.FAILED
        issue.error = _(
            "The worker rendering this issue was lost %(n)s times in a row (killed, or out of memory); "
            "rendering was given up. Check the issue's photos, then retry."
        ) % {"n": issue.render_recoveries + 1}
        issue.save(update_fields=["status", "error"])
        logger.error("Newsletter issue %s: render lost %s times, marked failed", issue.pk, issue.render_recoveries + 1)
        return False
    issue.render_recoveries += 1
    logger.warning("Newsletter issue %s: render lost (started %s), queued again", issue.pk, issue.render_started_at)
    _render_queue(issue)
    return True


def issue_render(*, issue_id: int) -> Issue:
    """Render the issue's PDF and store it (the body of the Celery task). Safe to run twice.

    Transient errors propagate (the task retries them); any other error marks the issue failed with a
    readable reason, and the PDF rendered before, if any, stays.
    """
    try:
        return _issue_render(issue_id)
    except TRANSIENT_ERRORS:
        raise
    except pdf.NewsletterRenderError as exc:
        return issue_render_failed(issue_id=issue_id, reason=str(exc))
    except (TemplateSyntaxError, TemplateDoesNotExist) as exc:
        logger.exception("Newsletter template error for issue %s", issue_id)
        return issue_render_failed(issue_id=issue_id, reason=_("Template error: %(error)s") % {"error": exc})
    except SoftTimeLimitExceeded:
        limit = settings.CELERY_TASK_SOFT_TIME_LIMIT
        return issue_render_failed(
            issue_id=issue_id, reason=_("Rendering took longer than %(seconds)s seconds.") % {"seconds": limit}
        )
    except DatabaseError:
        raise
    except Exception as exc:
        logger.exception("Newsletter rendering failed for issue %s", issue_id)
        return issue_render_failed(
            issue_id=issue_id,
            reason=_("Rendering failed: %(error)s") % {"error": f"{type(exc).__name__}: {exc}"},
        )


@transaction.atomic
def _issue_render(issue_id: int) -> Issue:
    # The row lock makes a second run (a redelivered message, a double click) wait, then find the stored PDF
    # already matches the content and return without work.
    issue = Issue.objects.select_for_update().get(pk=issue_id)
    if issue.is_frozen:
        return issue  # published: the version keeps its PDF; nothing to do
    if settings.NEWSLETTER_RENDER_DELAY:  # tests only: a slow render, to kill its worker in the middle
        time.sleep(settings.NEWSLETTER_RENDER_DELAY)
    doc = issue_document(issue)
    digest = pdf.content_hash(doc)
    if issue.pdf and issue.content_hash == digest and default_storage.exists(issue.pdf.name):
        if issue.status != Issue.Status.READY or issue.error:
            issue.status, issue.error = Issue.Status.READY, ""
            issue.save(update_fields=["status", "error"])
        return issue
    print_copies = pdf.prepare_images(doc)
    document = pdf.render_pdf(doc, print_copies=print_copies)
    previous = issue.pdf.name
    # An unguessable name: media may be served by a plain file server; drafts must not be found by guessing.
    issue.pdf.save(f"issue-{issue.number}-{secrets.token_urlsafe(12)}.pdf", ContentFile(document), save=False)
    issue.content_hash = digest
    issue.status = Issue.Status.READY
    issue.error = ""
    issue.rendered_at = timezone.now()
    issue.save(update_fields=["pdf", "content_hash", "status", "error", "rendered_at"])
    new_name = issue.pdf.name
    transaction.on_commit(lambda: _discard(previous, keep=new_name))
    return issue


def _discard(name: str, *, keep: str) -> None:
    if name and name != keep and not IssueVersion.objects.filter(pdf=name).exists():
        default_storage.delete(name)


@transaction.atomic
def issue_render_failed(*, issue_id: int, reason: str) -> Issue:
    """Record a failed rendering; the PDF rendered before (if any) is kept."""
    issue = Issue.objects.select_for_update().get(pk=issue_id)
    if issue.is_frozen:
        return issue
    issue.status = Issue.Status.FAILED
    issue.error = reason[:2000]
    issue.save(update_fields=["status", "error"])
    return issue


def issue_pdf_is_current(issue: Issue) -> bool:
    return bool(issue.pdf) and issue.content_hash == pdf.content_hash(issue_document(issue))


# --- Publishing --------------------------------------------------------------------------------------


@unique_refused()
@transaction.atomic
def issue_publish(*, issue: Issue, by: User | None = None) -> IssueVersion:
    """Freeze the issue as printed: a new published version with its own copy of the PDF and the HTML."""
    issue = Issue.objects.select_for_update().get(pk=issue.pk)
    _refuse_if_frozen(issue)
    if issue.status != Issue.Status.READY or not issue.pdf:
        raise IssueStateError(_("Render the PDF before publishing."))
    doc = issue_document(issue)
    digest = pdf.content_hash(doc)
    if digest != issue.content_hash:
        raise IssueStateError(_("The issue changed since its PDF was rendered; render it again before publishing."))
    version_number = (issue.versions.aggregate(n=Max("version"))["n"] or 0) + 1
    version = IssueVersion(
        issue=issue,
        version=version_number,
        html=doc.html,
        snapshot=issue_snapshot(issue),
        images=pdf.prepare_images(doc),
        charts=doc.charts,
        content_hash=digest,
        published_at=timezone.now(),
        published_by=by,
    )
    with issue.pdf.open("rb") as fh:
        version.pdf.save(
            f"score-china-newsletter-{issue.number}-v{version_number}-{secrets.token_hex(4)}.pdf",
            ContentFile(fh.read()),
            save=False,
        )
    version.save()
    issue.status = Issue.Status.PUBLISHED
    issue.published_at = version.published_at
    issue.save(update_fields=["status", "published_at"])
    return version


@transaction.atomic
def issue_reopen(*, issue: Issue) -> Issue:
    """Back to draft for a correction; the published versions stay in the archive until the next one."""
    issue = Issue.objects.select_for_update().get(pk=issue.pk)
    if not issue.is_frozen:
        return issue
    issue.status = Issue.Status.DRAFT
    issue.save(update_fields=["status"])
    return issue


# --- The schedule and the demo -------------------------------------------------------------------------


@unique_refused()
@transaction.atomic
def issue_draft_next(*, today: dt.date | None = None, country: Country | None = None) -> Issue | None:
    """At the start of a two-month period, draft the issue of the period that just ended and tell the editors.

    The draft gets an edition in each other language the latest issue had (the Chinese edition, say), with the
    same items. Nothing happens when that period already has an issue (beat runs the task every hour). The issue is
    of ``country``'s newsletter (None: the first programme's), and "today" is the country's own date: Bogotá's
    period ends hours after Beijing's.
    """
    from core.mail import email_notify

    country = country or Country.objects.order_by("pk").first()
    today = today or country.today()
    period_start = selectors.add_months(selectors.period_of(today), -2)
    series = Issue.objects.filter(country=country)
    if series.filter(period_start=period_start).exists():
        return None
    latest = series.filter(period_start__lt=period_start).order_by("-period_start").first()
    languages = set(series.filter(number=latest.number).values_list("language", flat=True)) if latest else set()
    languages.discard(settings.LANGUAGE_CODE)
    with transaction.atomic():
        issue = issue_create(period_start=period_start, country=country)
        editions = [
            issue_edition_create(issue=issue, language=language)
            for language in sorted(languages, key=selectors.language_rank())
        ]
    recipients = list(
        User.objects.filter(is_active=True, groups__name=roles.EDITORS)
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )
    counts = dict.fromkeys(IssueItem.Section.values, 0)
    for section in issue.items.values_list("section__kind", flat=True):
        counts[section] += 1
    body = _(
        "The draft of %(issue)s is ready for you in the SCORE Portal: %(news)s news items, %(results)s "
        "improvement results and %(events)s upcoming activities from %(start)s to %(end)s.\n\n"
        "Choose and order the items, write the introduction, render the PDF and publish it:\n%(url)s"
    ) % {
        "issue": issue.title,
        "news": counts[IssueItem.Section.NEWS],
        "results": counts[IssueItem.Section.RESULTS],
        "events": counts[IssueItem.Section.EVENTS],
        "start": formats.date_format(issue.period_start),
        "end": formats.date_format(issue.period_end),
        "url": issue.get_absolute_url(),
    }
    if editions:
        body += "\n\n" + _("Its edition in %(languages)s was drafted too, with the same items: %(urls)s") % {
            "languages": ", ".join(e.language_label for e in editions),
            "urls": " ".join(e.get_absolute_url() for e in editions),
        }
    email_notify(
        subject=_("Newsletter: draft of Issue No. %(number)s") % {"number": issue.number},
        body=body,
        recipients=recipients,
    )
    return issue


def issues_publish_demo(*, country: Country, numbers: list[int]) -> int:
    """The demo's issues of ``country``'s newsletter: assembled, rendered and published once (already published ones
    are left alone)."""
    published = 0
    for issue in Issue.objects.filter(country=country, number__in=numbers).order_by("number"):
        if issue.versions.exists():
            continue
        if not issue.items.exists():
            issue_assemble(issue=issue)
        issue = issue_render(issue_id=issue.pk)
        if issue.status != Issue.Status.READY:
            raise ValidationError(f"Issue No. {issue.number} did not render: {issue.error}")
        issue_publish(issue=issue)
        published += 1
    return published
