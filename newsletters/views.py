"""Editors' pages (/newsletters/, editors only) and the public archive (/newsletter/, no login)."""

from __future__ import annotations

import functools
import mimetypes
import re

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
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_http_methods, require_POST

from core import roles, standards
from core.access import add_service_errors, service_values
from core.confirm import Confirmation, ask_first
from core.editing import EditConflict, edit_conflict
from core.http import attachment
from core.once import once_per_submission
from core.standards import language_name
from core.translated import base_language, html_lang, i18n_key, languages_offered
from enterprises.figures import PUBLISHABLE_FIGURES
from programmes.models import Country
from trainers.models import Trainer

from . import forms, pdf, selectors, services
from .models import Issue, IssueItem, IssueSection, IssueVersion, Masthead, QuotedPerson
from .templatetags import newsletter_tags

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
    issues = (
        selectors.issues_visible_to(request.user)
        .select_related("country")
        .annotate(
            n_versions=Count("versions", distinct=True),
            n_items=Count("items", filter=Q(items__included=True), distinct=True),
        )
        .order_by("country__name", "-number", "language")
    )
    return render(request, "newsletters/dashboard.html", {"issues": issues})


@editor_required
@once_per_submission
def issue_create(request):
    form = forms.IssueCreateForm(
        request.POST or None,
        user=request.user,
        initial={
            "period_start": selectors.period_of(timezone.localdate()).isoformat(),
            "publication_date": timezone.localdate(),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            issue = services.issue_create(**form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
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
    return _issue_page(request, _issue_for(request, pk))


def _issue_page(request, issue: Issue, form=None, status: int = 200):
    """The issue's page; ``form``: the title and introduction form as posted (a refused save)."""
    sections = selectors.issue_sections(issue)
    pdf_current = services.issue_pdf_is_current(issue)
    versions = list(issue.versions.order_by("-version"))
    return render(
        request,
        "newsletters/issue_detail.html",
        {
            "issue": issue,
            "sections": sections,
            "n_items": sum(len(s.items) for s in sections),
            "form": form or forms.IssueForm(instance=issue),
            "section_add_form": forms.SectionAddForm(issue=issue),
            "section_choices": selectors.section_choices(issue),
            "layout_choices": (IssueItem.ResultDisplay.choices, IssueItem.PhotoWidth.choices),
            "figure_choices": PUBLISHABLE_FIGURES,
            "pdf_current": pdf_current,
            "versions": versions,
            "other_languages": [
                (code, language_name(code), html_lang(code))
                for code in languages_offered(issue)
                if code != base_language()
            ],
            "editions": (editions := selectors.issue_editions(issue)),
            "missing_languages": [  # the country programme's languages its newsletter has no edition in yet
                (code, standards.language_name(code))
                for code in issue.country.languages
                if code not in {e.language for e in editions}
            ],
            "refresh_seconds": 3 if issue.status == Issue.Status.RENDERING and not issue.render_is_stale else None,
        },
        status=status,
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
    try:
        return _post_action(
            request,
            pk,
            lambda i: services.issue_update(issue=i, **service_values(form)) and _("The introduction was saved."),
        )
    except EditConflict as conflict:  # another editor saved it since: the page again, with this editor's text
        edit_conflict(form, conflict)
        return _issue_page(request, conflict.current, form, status=409)


@editor_required
@require_POST
@once_per_submission
def issue_edition_create(request, pk):
    issue = _issue_for(request, pk)
    language = request.POST.get("language", "")
    if language not in issue.country.languages:
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
        % {"language": edition.language_label, "issue": edition},
    )
    return redirect(edition)


def _section_of(issue: Issue, value: str) -> IssueSection:
    """A section of the issue chosen in a form: its id, or 'kind:<kind>' for a standard section it lacks yet."""
    if value.startswith("kind:"):
        kind = value.removeprefix("kind:")
        found = issue.sections.filter(kind=kind).first()
        return found or services.issue_section_add(issue=issue, kind=kind)
    try:
        return issue.sections.get(pk=int(value))
    except (ValueError, IssueSection.DoesNotExist) as exc:
        raise ValidationError(_("Choose a section of this issue.")) from exc


@editor_required
@require_POST
def issue_item_action(request, pk, item_pk):
    issue = _issue_for(request, pk)
    item = get_object_or_404(IssueItem, pk=item_pk, issue=issue)
    action = request.POST.get("action")
    anchor = f"#item-{item.pk}"

    def act(_issue):
        nonlocal anchor
        if action in ("include", "leave_out"):
            services.issue_item_set_included(item=item, included=action == "include")
        elif action in ("up", "down"):
            services.issue_item_move(item=item, offset=-1 if action == "up" else 1)
        elif action == "move_to":
            section = _section_of(issue, request.POST.get("section", ""))
            services.issue_item_move_to(item=item, section=section)
            return _("Moved to “%(section)s”.") % {"section": section.local_heading}
        elif action == "layout":
            services.issue_item_set_layout(
                item=item,
                result_display=request.POST.get("result_display", ""),
                photo_width=request.POST.get("photo_width", ""),
            )
            return _("The result's layout was saved.")
        elif action == "remove":
            services.issue_item_remove(item=item)
            anchor = f"#section-{item.section_id}"
            return _("“%(record)s” was taken out of the issue; the record itself is kept.") % {"record": item.record}
        return None

    _post_action(request, pk, act)
    return redirect(f"{issue.get_absolute_url()}{anchor}")


@editor_required
@require_POST
@once_per_submission
def issue_section_add(request, pk):
    issue = _issue_for(request, pk)
    form = forms.SectionAddForm(request.POST, issue=issue)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(issue)

    def act(i):
        section = services.issue_section_add(
            issue=i,
            kind=form.cleaned_data["kind"],
            heading=form.cleaned_data["heading"],
            translations=form.translations(),
        )
        return _("The section “%(section)s” was added at its place; add records to it below.") % {
            "section": section.local_heading
        }

    return _post_action(request, pk, act)


@editor_required
@require_POST
def issue_section_action(request, pk, section_pk):
    issue = _issue_for(request, pk)
    section = get_object_or_404(IssueSection, pk=section_pk, issue=issue)
    action = request.POST.get("action")

    def act(_issue):
        if action in ("up", "down"):
            services.issue_section_move(section=section, offset=-1 if action == "up" else 1)
        elif action == "save":
            services.issue_section_update(
                section=section,
                heading=request.POST.get("heading", ""),
                show_dates=request.POST.get("show_dates") == "on",
                # the heading in each language the issue's country writes in; any other posted is ignored
                translations={
                    language: {"heading": request.POST.get(i18n_key("heading", language), "")}
                    for language in languages_offered(issue)
                    if language != base_language()
                },
            )
            return _("The section “%(section)s” was saved.") % {"section": section.local_heading}
        elif action == "figures":
            services.issue_section_set_figures(section=section, figures=request.POST.getlist("figures"))
            return _("The figures of “%(section)s” were saved.") % {"section": section.local_heading}
        elif action == "delete":
            services.issue_section_delete(section=section)
            return _("The section “%(section)s” was removed.") % {"section": section.local_heading}
        return None

    _post_action(request, pk, act)
    return redirect(f"{issue.get_absolute_url()}#section-{section.pk}")


RECORD_KINDS = {
    "news": _lazy("News items"),
    "events": _lazy("Events"),
    "comments": _lazy("Expert comments"),
    "results": _lazy("Approved results"),
}


@editor_required
@once_per_submission
def issue_add_records(request, pk):
    """Search the records of any date (news items, events, expert comments, approved results) and place any of
    them in any section of the issue."""
    issue = _issue_for(request, pk)
    if request.method == "POST":
        kind = request.POST.get("kind", "")
        record = selectors.record_for_issue(request.user, kind, request.POST.get("record", ""))
        if record is None:
            raise Http404

        def act(i):
            section = _section_of(i, request.POST.get("section", ""))
            services.issue_item_add(issue=i, section=section, record=record)
            return _("“%(record)s” was added to “%(section)s”.") % {"record": record, "section": section.local_heading}

        _post_action(request, pk, act)
        return redirect(f"{reverse('newsletters:issue_add_records', args=[issue.pk])}?{request.POST.get('back', '')}")
    kind = request.GET.get("kind") if request.GET.get("kind") in RECORD_KINDS else "news"
    q = request.GET.get("q", "").strip()
    candidates = selectors.records_for_issue(request.user, issue, kind=kind, q=q)
    return render(
        request,
        "newsletters/issue_add_records.html",
        {
            "issue": issue,
            "kind": kind,
            "kinds": RECORD_KINDS,
            "q": q,
            "candidates": candidates,
            "section_choices": selectors.section_choices(issue),
            "default_section": selectors.default_section_value(issue, kind),
            "back": request.GET.urlencode(),
        },
    )


@editor_required
@require_POST
def issue_refresh(request, pk):
    def act(issue):
        n = services.issue_assemble(issue=issue)
        if not n:
            return _("No new records for this period.")
        return ngettext(
            "%(n)s new record of the period was added.", "%(n)s new records of the period were added.", n
        ) % {"n": n}

    return _post_action(request, pk, act)


@editor_required
@require_POST
def issue_render(request, pk):
    def act(issue):
        services.issue_render_request(issue=issue)
        return None  # the page's render state says it: one message per state

    return _post_action(request, pk, act)


@editor_required
def issue_publish(request, pk):
    """Publishing asks first: a page that says what goes public and warns of an empty issue or section."""
    issue = _issue_for(request, pk)
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        try:
            services.issue_publish(issue=issue, by=request.user)
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
        return redirect(issue)  # the page's state says it is published: one message
    sections = selectors.issue_sections(issue, included_only=True)
    return render(
        request,
        "newsletters/issue_publish.html",
        {
            "issue": issue,
            "n_items": sum(len(s.items) for s in sections),
            "empty_sections": [s.section for s in sections if not s.prints],
            "sections": [s for s in sections if s.prints],
            "can_publish": issue.status == Issue.Status.READY and services.issue_pdf_is_current(issue),
        },
    )


@editor_required
@require_http_methods(["GET", "POST"])
def issue_reopen(request, pk):
    issue = _issue_for(request, pk)

    def describe() -> Confirmation:
        latest = issue.versions.order_by("-version").first()
        consequences = [
            _("Issue No. %(number)s (%(language)s) goes back to draft, so that it can be corrected and rendered again.")
            % {"number": issue.number, "language": issue.language_label},
        ]
        if latest is not None:
            consequences.append(
                _(
                    "The archive keeps version %(version)s, published on %(date)s, until you publish again; "
                    "publishing again makes version %(next)s."
                )
                % {
                    "version": latest.version,
                    "date": date_format(timezone.localtime(latest.published_at), "DATE_FORMAT"),
                    "next": latest.version + 1,
                }
            )
        return Confirmation(
            question=_("Reopen issue No. %(number)s for a correction?") % {"number": issue.number},
            consequences=consequences,
            button=_("Reopen for a correction"),
            back_url=issue.get_absolute_url(),
        )

    if page := ask_first(request, describe):
        return page

    def act(issue):
        services.issue_reopen(issue=issue)
        return _("The issue is open for corrections; the archive keeps the published version until you publish again.")

    return _post_action(request, pk, act)


def _screen_bar(links: list[tuple]) -> str:
    """The bar above the web edition: (url, text) links, or (url, text, language) for a link to another
    edition, written in that edition's language."""
    from django.utils.html import format_html, format_html_join

    def link(url, text, language=""):
        if language:
            return format_html('<a href="{}" hreflang="{}" lang="{}">{}</a>', url, language, language, text)
        return format_html('<a href="{}">{}</a>', url, text)

    return format_html(
        '<link rel="stylesheet" href="{}"><nav class="screen-bar" aria-label="{}">{}</nav>',
        static("css/newsletter-web.css"),
        _("Newsletter"),
        format_html_join(" ", "{}", ((link(*item),) for item in links)),
    )


_STYLE_RE = re.compile(r"<style\b[^>]*>.*?</style>", re.S | re.I)
_VIEWPORT = '<meta name="viewport" content="width=device-width, initial-scale=1">'


def _web_page(html: str, *, media, media_url, links, charts=None) -> HttpResponse:
    """The newsletter's document (made for WeasyPrint) for a browser: its resources as our URLs, a viewport
    for phones, and no <style> block (its @page rules mean nothing on screen, and the Content-Security-Policy
    allows no inline style)."""
    page = pdf.html_for_web(html, media=media, media_url=media_url, static_url=static, charts=charts)
    page = _STYLE_RE.sub("", page)
    # The shipped fonts' @font-face rules (an inline <style> in the document) as a stylesheet of our own.
    fonts = f'<link rel="stylesheet" href="{reverse("newsletters:fonts_css")}">\n'
    page = page.replace('<link rel="stylesheet"', fonts + '<link rel="stylesheet"', 1)
    if 'name="viewport"' not in page:
        page = page.replace('<meta charset="utf-8">', '<meta charset="utf-8">\n' + _VIEWPORT, 1)
    return HttpResponse(page.replace("<!--screen-bar-->", _screen_bar(links), 1))


def _other_editions(version: IssueVersion) -> list[tuple[str, str, str]]:
    """Links to the issue's published editions in the other languages, each named in its own language."""
    from django.utils.translation import get_language_info

    shown = version.issue
    others = selectors.published_issues(shown.country).filter(number=shown.number).exclude(pk=shown.pk)
    links = []
    rank = selectors.language_rank()
    for issue in sorted(others, key=lambda i: rank(i.language)):
        with translation.override(issue.language):
            text = _("Read this issue in %(language)s") % {"language": get_language_info(issue.language)["name_local"]}
        url = reverse("newsletters:archive_edition", args=[shown.country, issue.number, issue.language])
        links.append((url, text, issue.language))
    return links


@cache_control(public=True, max_age=86400)
def fonts_css(request):
    """The @font-face rules of the newsletter's fonts for the web edition and the preview (the PDF's own are
    inline), naming the same WOFF files in static/fonts."""
    return HttpResponse(newsletter_tags.font_face_rules(static), content_type="text/css; charset=utf-8")


@editor_required
def issue_preview(request, pk):
    issue = _issue_for(request, pk)
    doc = services.issue_document(issue)
    return _web_page(
        doc.html,
        media=doc.media,
        charts=doc.charts,
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
    return _file_response(issue.pdf.name, f"{newsletter_file_stem(issue.country)}-{issue.number}-draft.pdf")


@editor_required
def image(request, name):
    """A photo for the editors' preview, at print size (never the master): only one an editor may see through the
    newsletter (see selectors.newsletter_photos_visible_to), a trainer's portrait or a quoted person's photo."""
    photos = selectors.newsletter_photos_visible_to(request.user)
    known = (
        photos.filter(Q(image=name) | Q(print=name) | Q(print_half=name)).exists()
        or Trainer.objects.filter(photo=name).exists()
        or QuotedPerson.objects.filter(photo=name).exists()
    )
    if not known:
        raise Http404
    try:
        copy = pdf.print_copy_name(name)
    except pdf.NewsletterRenderError as exc:
        raise Http404 from exc
    return _file_response(copy, name.rsplit("/", 1)[-1])


# --- Masthead and footer -------------------------------------------------------------------------


@editor_required
def masthead_edit(request):
    """A country's newsletter masthead and footer in each of its languages, edited by the editors (?country= the
    ISO code of one of the countries they edit; the first of them by default)."""
    countries = list(selectors.newsletter_countries_edited_by(request.user))
    if not countries:
        raise Http404
    code = (request.GET.get("country") or "").upper()
    country = next((c for c in countries if c.code == code), countries[0])
    rows = {m.language: m for m in selectors.mastheads_visible_to(request.user).filter(country=country)}
    posted = request.POST.get("language") if request.method == "POST" else None
    forms_by_language = []
    status = 200
    for code, name in ((code, standards.language_name(code)) for code in country.languages):
        instance = rows.get(code) or Masthead.default_for(country, code)
        data = request.POST if posted == code else None
        form = forms.MastheadForm(data, instance=instance, prefix=code)
        if data is not None and form.is_valid():
            try:
                services.masthead_save(masthead=form.save(commit=False), edit_version=form.edit_version)
            except EditConflict as conflict:
                edit_conflict(form, conflict)
                status = 409
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The masthead and footer in %(language)s were saved.") % {"language": name})
                return redirect(f"{reverse('newsletters:masthead')}?country={country.code.lower()}")
        forms_by_language.append((code, name, form))
    context = {"forms": forms_by_language, "country": country, "countries": countries}
    return render(request, "newsletters/masthead.html", context, status=status)


# --- News items, events, expert comments -------------------------------------------------------------

RECORDS = {
    "news": {
        "selector": selectors.news_items_visible_to,
        "form": forms.NewsItemForm,
        "save": lambda obj, version: services.news_item_save(news_item=obj, edit_version=version),
        "search": ([], ["title", "place", "body"]),
        "columns": [
            ("date", _lazy("Date")),
            ("place", _lazy("Place")),
            ("title", _lazy("Title")),
            ("get_section_display", _lazy("Section")),
        ],
        "title": _lazy("News items"),
        "add": _lazy("Add a news item"),
        "new": _lazy("New news item"),
    },
    "events": {
        "selector": selectors.events_visible_to,
        "form": forms.EventForm,
        "save": lambda obj, version: services.event_save(event=obj, edit_version=version),
        "search": ([], ["title", "place", "body"]),
        "columns": [
            ("starts_on", _lazy("Starts")),
            ("ends_on", _lazy("Ends")),
            ("place", _lazy("Place")),
            ("title", _lazy("Title")),
        ],
        "title": _lazy("Upcoming events"),
        "add": _lazy("Add an event"),
        "new": _lazy("New event"),
    },
    "comments": {
        "selector": selectors.expert_comments_visible_to,
        "form": forms.ExpertCommentForm,
        "save": lambda obj, version: services.expert_comment_save(expert_comment=obj, edit_version=version),
        "search": (["trainer__name", "person__name"], ["heading", "quote"]),
        "columns": [("given_on", _lazy("Date")), ("person_name", _lazy("Quote by")), ("heading", _lazy("Heading"))],
        "title": _lazy("Expert comments"),
        "add": _lazy("Add an expert comment"),
        "new": _lazy("New expert comment"),
    },
    "people": {
        "selector": selectors.quoted_people_visible_to,
        "form": forms.QuotedPersonForm,
        "save": lambda obj, version: services.quoted_person_save(quoted_person=obj, edit_version=version),
        "search": ([], ["name", "role", "organisation"]),
        "columns": [("name", _lazy("Name")), ("role", _lazy("Role")), ("organisation", _lazy("Organisation"))],
        "title": _lazy("People quoted"),
        "add": _lazy("Add a person quoted"),
        "new": _lazy("New person quoted"),
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
        qs = qs.filter(selectors.text_search(q, *spec["search"]))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(obj, [(attr, _value(obj, attr)) for attr, _label in spec["columns"]]) for obj in page]
    return render(
        request,
        "newsletters/record_list.html",
        {"kind": kind, "spec": spec, "page": page, "rows": rows, "q": q},
    )


@editor_required
@once_per_submission
def record_edit(request, kind, pk=None):
    spec = _spec(kind)
    instance = get_object_or_404(spec["selector"](request.user), pk=pk) if pk else None
    by_country = {"user": request.user} if issubclass(spec["form"], forms.CountryRecordMixin) else {}
    form = spec["form"](request.POST or None, request.FILES or None, instance=instance, **by_country)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            obj = spec["save"](form.save(commit=False), form.edit_version)
        except EditConflict as conflict:
            edit_conflict(form, conflict)
            status = 409
        except ValidationError as exc:
            add_service_errors(form, exc)
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
        status=status,
    )


# --- The public archive ------------------------------------------------------------------------------


def archive_index(request):
    """Each country programme's newsletter: its name, its latest issue and the way to its archive."""
    newsletters = []
    for country in selectors.newsletter_countries():
        latest = selectors.published_issues(country).first()
        masthead = Masthead.for_edition(country, translation.get_language() or settings.LANGUAGE_CODE)
        newsletters.append({"country": country, "name": masthead.newsletter_name, "latest": latest})
    return render(request, "newsletters/archive_index.html", {"newsletters": newsletters})


def archive(request, country):
    """A country's newsletter: one card per issue number, with each published edition (English first) and its
    latest version."""
    country = selectors.newsletter_country(country)
    issues = list(selectors.published_issues(country))
    versions = {
        (v.issue_id, v.version): v
        for v in IssueVersion.objects.filter(issue__in=issues).only("id", "issue_id", "version", "published_at")
    }
    by_number: dict[int, list] = {}
    for issue in issues:
        by_number.setdefault(issue.number, []).append((issue, versions.get((issue.pk, issue.latest_version))))
    language = translation.get_language() or ""
    rows = []
    rank = selectors.language_rank()
    for editions in by_number.values():
        editions.sort(key=lambda pair: rank(pair[0].language))
        # the card speaks the visitor's language when that edition exists
        lead = next((i for i, _v in editions if language.startswith(i.language[:2])), editions[0][0])
        rows.append({"issue": lead, "editions": editions, "bilingual": len(editions) > 1})
    masthead = Masthead.for_edition(country, language or settings.LANGUAGE_CODE)
    context = {"rows": rows, "country": country, "name": masthead.newsletter_name}
    return render(request, "newsletters/archive.html", context)


def archive_moved(request, rest: str):
    """An address of the time when the portal had one newsletter: the same page of the first programme's, for good
    (301), its query string kept."""
    target = reverse("newsletters:country_archive", args=[selectors.first_programme()]) + rest
    if request.META.get("QUERY_STRING"):
        target += "?" + request.META["QUERY_STRING"]
    return redirect(target, permanent=True)


def _published_version(
    country: Country, number: int, language: str | None = None, version: int | None = None
) -> IssueVersion:
    """The latest published version of the country's issue `number` (or the one asked for), in `language`, else
    English first."""
    qs = IssueVersion.objects.filter(issue__country=country, issue__number=number).select_related("issue__country")
    if language:
        qs = qs.filter(issue__language=language)
    if version:
        qs = qs.filter(version=version)
    rank = selectors.language_rank()
    found = sorted(qs, key=lambda v: (rank(v.issue.language), -v.version))
    if not found:
        raise Http404
    return found[0]


def archive_issue(request, country, number, language=None):
    country = selectors.newsletter_country(country)
    version = _published_version(country, number, language)
    if language:
        pdf_url = reverse("newsletters:archive_edition_pdf", args=[country, number, language])
    else:
        pdf_url = reverse("newsletters:archive_pdf", args=[country, number])
    response = _web_page(
        version.html,
        media=version.images,
        charts=version.charts,
        media_url=lambda name: reverse("newsletters:archive_image", args=[country, number, name]),
        links=[
            (reverse("newsletters:country_archive", args=[country]), _("← All issues")),
            *_other_editions(version),
            (pdf_url, _("Download the PDF")),
        ],
    )
    from .mailing.views import subscribe_box  # the e-mail edition's form, after the issue's own content

    box = subscribe_box(request, source="web_edition", issue=number, language=version.issue.language, country=country)
    response.content = response.content.replace(b"</main>", b"</main>\n" + box.encode(), 1)
    return response


def archive_pdf(request, country, number, language=None, version=None):
    country = selectors.newsletter_country(country)
    found = _published_version(country, number, language, version)
    suffix = "" if found.issue.language == settings.LANGUAGE_CODE else f"-{found.issue.language}"
    return _file_response(found.pdf.name, f"{newsletter_file_stem(country)}-{number}{suffix}.pdf")


def newsletter_file_stem(country: Country) -> str:
    """The start of a newsletter PDF's file name: 'score-china-newsletter', 'score-viet-nam-newsletter'."""
    return f"score-{slugify(country.name) or country.code.lower()}-newsletter"


def archive_image(request, country, number, name):
    """Only the photos a published version printed, as the print copies made for it."""
    versions = IssueVersion.objects.filter(issue__country__code=country, issue__number=number).only("images")
    for version in versions:
        if name in version.images:
            return _file_response(version.images[name], name.rsplit("/", 1)[-1])
    raise Http404
