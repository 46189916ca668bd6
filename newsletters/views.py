"""Editors' pages (/newsletters/, editors only) and the public archive (/newsletter/, no login)."""

from __future__ import annotations

import functools
import mimetypes

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from core import roles
from core.http import attachment
from trainers.models import Trainer

from . import forms, pdf, selectors, services
from .models import Issue, IssueItem, IssueVersion

PAGE_SIZE = 25


def editor_required(view):
    """Editors only; anyone else gets a 404, as for anything out of their scope."""

    @login_required
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not roles.is_editor(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


# --- Dashboard and issues ------------------------------------------------------------------------


@editor_required
def dashboard(request):
    issues = selectors.issues_visible_to(request.user).annotate(
        n_versions=Count("versions", distinct=True),
        n_items=Count("items", filter=Q(items__included=True), distinct=True),
    )
    return render(request, "newsletters/dashboard.html", {"issues": issues})


@editor_required
def issue_create(request):
    form = forms.IssueCreateForm(
        request.POST or None,
        initial={
            "number": services.issue_next_number(),
            "period_start": forms.period_choices()[1][0],
            "publication_date": timezone.localdate(),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            issue = services.issue_create(**form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            n = issue.items.count()
            message = ngettext(
                "%(issue)s was created with %(n)s record.", "%(issue)s was created with %(n)s records.", n
            )
            messages.success(request, message % {"issue": issue, "n": n})
            return redirect(issue)
    return render(request, "newsletters/issue_create.html", {"form": form})


def _issue_for(request, pk) -> Issue:
    return get_object_or_404(selectors.issues_visible_to(request.user), pk=pk)


@editor_required
def issue_detail(request, pk):
    issue = _issue_for(request, pk)
    items = list(selectors.issue_items(issue))
    sections = []
    for value, label in IssueItem.Section.choices:
        section_items = [i for i in items if i.section == value]
        if section_items:
            sections.append({"value": value, "label": label, "items": section_items})
    pdf_current = services.issue_pdf_is_current(issue)
    versions = list(issue.versions.order_by("-version"))
    return render(
        request,
        "newsletters/issue_detail.html",
        {
            "issue": issue,
            "sections": sections,
            "form": forms.IssueForm(instance=issue),
            "pdf_current": pdf_current,
            "versions": versions,
            "chinese_issue": issue.language.startswith("zh"),
            "editions": (editions := selectors.issue_editions(issue)),
            "missing_languages": [
                (code, name) for code, name in settings.LANGUAGES if code not in {e.language for e in editions}
            ],
            "refresh_seconds": 3 if issue.status == Issue.Status.RENDERING and not issue.render_is_stale else None,
        },
    )


def _post_action(request, pk, action) -> HttpResponse:
    issue = _issue_for(request, pk)
    try:
        message = action(issue)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        if message:
            messages.success(request, message)
    return redirect(issue)


@editor_required
@require_POST
def issue_update(request, pk):
    issue = _issue_for(request, pk)
    form = forms.IssueForm(request.POST, instance=Issue.objects.get(pk=issue.pk))
    if not form.is_valid():
        messages.error(request, _("Please correct the title and introduction: %(errors)s") % {"errors": form.errors})
        return redirect(issue)
    return _post_action(
        request,
        pk,
        lambda i: services.issue_update(issue=i, **form.cleaned_data) and _("The introduction was saved."),
    )


@editor_required
@require_POST
def issue_edition_create(request, pk):
    issue = _issue_for(request, pk)
    language = request.POST.get("language", "")
    if language not in dict(settings.LANGUAGES):
        messages.error(request, _("Choose a language for the new edition."))
        return redirect(issue)
    try:
        edition = services.issue_edition_create(issue=issue, language=language)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
        return redirect(issue)
    messages.success(
        request,
        _("The %(language)s edition of %(issue)s was made with the same items: translate its title and introduction.")
        % {"language": edition.get_language_display(), "issue": edition},
    )
    return redirect(edition)


@editor_required
@require_POST
def issue_item_action(request, pk, item_pk):
    issue = _issue_for(request, pk)
    item = get_object_or_404(IssueItem, pk=item_pk, issue=issue)
    action = request.POST.get("action")

    def act(_issue):
        if action in ("include", "leave_out"):
            services.issue_item_set_included(item=item, included=action == "include")
        elif action in ("up", "down"):
            services.issue_item_move(item=item, offset=-1 if action == "up" else 1)
        return None

    _post_action(request, pk, act)
    return redirect(f"{issue.get_absolute_url()}#item-{item.pk}")


@editor_required
@require_POST
def issue_refresh(request, pk):
    def act(issue):
        n = services.issue_assemble(issue=issue)
        return (
            _("%(n)s new records of the period were added.") % {"n": n} if n else _("No new records for this period.")
        )

    return _post_action(request, pk, act)


@editor_required
@require_POST
def issue_render(request, pk):
    def act(issue):
        services.issue_render_request(issue=issue)
        return _("Rendering the PDF; this page refreshes until it is done.")

    return _post_action(request, pk, act)


@editor_required
@require_POST
def issue_publish(request, pk):
    def act(issue):
        version = services.issue_publish(issue=issue, by=request.user)
        return _("%(issue)s is published (version %(version)s) in the public archive.") % {
            "issue": issue,
            "version": version.version,
        }

    return _post_action(request, pk, act)


@editor_required
@require_POST
def issue_reopen(request, pk):
    def act(issue):
        services.issue_reopen(issue=issue)
        return _("The issue is open for corrections; the archive keeps the published version until you publish again.")

    return _post_action(request, pk, act)


def _screen_bar(links: list[tuple[str, str]]) -> str:
    from django.utils.html import format_html, format_html_join

    return format_html(
        '<link rel="stylesheet" href="{}"><nav class="screen-bar">{}</nav>',
        static("css/newsletter-web.css"),
        format_html_join(" ", '<a href="{}">{}</a>', links),
    )


def _web_page(html: str, *, media, media_url, links) -> HttpResponse:
    page = pdf.html_for_web(html, media=media, media_url=media_url, static_url=static)
    return HttpResponse(page.replace("<!--screen-bar-->", _screen_bar(links), 1))


@editor_required
def issue_preview(request, pk):
    issue = _issue_for(request, pk)
    doc = services.issue_document(issue)
    return _web_page(
        doc.html,
        media=doc.media,
        media_url=lambda name: reverse("newsletters:image", args=[name]),
        links=[(issue.get_absolute_url(), _("← Back to the issue")), ("#", _("Preview: not published"))],
    )


def _file_response(name: str, filename: str, *, as_attachment: bool = False) -> FileResponse:
    try:
        fh = default_storage.open(name, "rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse(fh, content_type=content_type)
    return attachment(response, filename, as_attachment=as_attachment)  # RFC 6266, whatever the name


@editor_required
def issue_pdf(request, pk):
    issue = _issue_for(request, pk)
    if not issue.pdf:
        raise Http404
    return _file_response(issue.pdf.name, f"score-china-newsletter-{issue.number}-draft.pdf")


@editor_required
def image(request, name):
    """A photo for the editors' preview, at print size (never the master): only one an editor may see through the
    newsletter (see selectors.newsletter_photos_visible_to) or a trainer's portrait."""
    photos = selectors.newsletter_photos_visible_to(request.user)
    known = photos.filter(Q(image=name) | Q(print=name)).exists() or Trainer.objects.filter(photo=name).exists()
    if not known:
        raise Http404
    try:
        copy = pdf.print_copy_name(name)
    except pdf.NewsletterRenderError as exc:
        raise Http404 from exc
    return _file_response(copy, name.rsplit("/", 1)[-1])


# --- News items, events, expert comments -------------------------------------------------------------

RECORDS = {
    "news": {
        "selector": selectors.news_items_visible_to,
        "form": forms.NewsItemForm,
        "save": lambda obj: services.news_item_save(news_item=obj),
        "search": ["title", "place", "body", "title_zh", "place_zh", "body_zh"],
        "columns": [
            ("date", _lazy("Date")),
            ("place", _lazy("Place")),
            ("title", _lazy("Title")),
            ("get_section_display", _lazy("Section")),
        ],
        "title": _lazy("News items"),
        "singular": _lazy("news item"),
    },
    "events": {
        "selector": selectors.events_visible_to,
        "form": forms.EventForm,
        "save": lambda obj: services.event_save(event=obj),
        "search": ["title", "place", "body", "title_zh", "place_zh", "body_zh"],
        "columns": [
            ("starts_on", _lazy("Starts")),
            ("ends_on", _lazy("Ends")),
            ("place", _lazy("Place")),
            ("title", _lazy("Title")),
        ],
        "title": _lazy("Upcoming events"),
        "singular": _lazy("event"),
    },
    "comments": {
        "selector": selectors.expert_comments_visible_to,
        "form": forms.ExpertCommentForm,
        "save": lambda obj: services.expert_comment_save(expert_comment=obj),
        "search": ["trainer__name", "heading", "quote", "heading_zh", "quote_zh"],
        "columns": [("given_on", _lazy("Date")), ("trainer", _lazy("Trainer")), ("heading", _lazy("Heading"))],
        "title": _lazy("Expert comments"),
        "singular": _lazy("expert comment"),
    },
}


def _spec(kind: str) -> dict:
    if kind not in RECORDS:
        raise Http404
    return RECORDS[kind]


def _value(obj, attr: str):
    value = getattr(obj, attr)
    return value() if callable(value) else value


@editor_required
def record_list(request, kind):
    spec = _spec(kind)
    qs = spec["selector"](request.user)
    q = request.GET.get("q", "").strip()
    if q:
        condition = Q()
        for field in spec["search"]:
            condition |= Q(**{f"{field}__icontains": q})
        qs = qs.filter(condition)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(obj, [(attr, _value(obj, attr)) for attr, _label in spec["columns"]]) for obj in page]
    return render(
        request,
        "newsletters/record_list.html",
        {"kind": kind, "spec": spec, "page": page, "rows": rows, "q": q},
    )


@editor_required
def record_edit(request, kind, pk=None):
    spec = _spec(kind)
    instance = get_object_or_404(spec["selector"](request.user), pk=pk) if pk else None
    form = spec["form"](request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            obj = spec["save"](form.save(commit=False))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Saved: %(record)s") % {"record": obj})
            next_url = request.POST.get("next", "")
            if next_url and url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
                return redirect(next_url)
            return redirect("newsletters:record_list", kind=kind)
    return render(
        request,
        "newsletters/record_form.html",
        {"kind": kind, "spec": spec, "form": form, "instance": instance, "next": request.GET.get("next", "")},
    )


# --- The public archive ------------------------------------------------------------------------------


def archive(request):
    """One card per issue number, with each published edition (English first) and its latest version."""
    issues = list(selectors.published_issues())
    versions = {
        (v.issue_id, v.version): v
        for v in IssueVersion.objects.filter(issue__in=issues).only("id", "issue_id", "version", "published_at")
    }
    by_number: dict[int, list] = {}
    for issue in issues:
        by_number.setdefault(issue.number, []).append((issue, versions.get((issue.pk, issue.latest_version))))
    language = translation.get_language() or ""
    rows = []
    for editions in by_number.values():
        editions.sort(key=lambda pair: selectors.language_rank(pair[0].language))
        # the card speaks the visitor's language when that edition exists
        lead = next((i for i, _v in editions if language.startswith(i.language[:2])), editions[0][0])
        rows.append({"issue": lead, "editions": editions, "bilingual": len(editions) > 1})
    return render(request, "newsletters/archive.html", {"rows": rows})


def _published_version(number: int, language: str | None = None, version: int | None = None) -> IssueVersion:
    """The latest published version of issue `number` (or the one asked for), in `language`, else English first."""
    qs = IssueVersion.objects.filter(issue__number=number).select_related("issue")
    if language:
        qs = qs.filter(issue__language=language)
    if version:
        qs = qs.filter(version=version)
    found = sorted(qs, key=lambda v: (selectors.language_rank(v.issue.language), -v.version))
    if not found:
        raise Http404
    return found[0]


def archive_issue(request, number, language=None):
    version = _published_version(number, language)
    if language:
        pdf_url = reverse("newsletters:archive_edition_pdf", args=[number, language])
    else:
        pdf_url = reverse("newsletters:archive_pdf", args=[number])
    return _web_page(
        version.html,
        media=version.images,
        media_url=lambda name: reverse("newsletters:archive_image", args=[number, name]),
        links=[(reverse("newsletters:archive"), _("← All issues")), (pdf_url, _("Download the PDF"))],
    )


def archive_pdf(request, number, language=None, version=None):
    found = _published_version(number, language, version)
    suffix = "" if found.issue.language == settings.LANGUAGE_CODE else f"-{found.issue.language}"
    return _file_response(found.pdf.name, f"score-china-newsletter-{number}{suffix}.pdf")


def archive_image(request, number, name):
    """Only the photos a published version printed, as the print copies made for it."""
    for version in IssueVersion.objects.filter(issue__number=number).only("images"):
        if name in version.images:
            return _file_response(version.images[name], name.rsplit("/", 1)[-1])
    raise Http404
