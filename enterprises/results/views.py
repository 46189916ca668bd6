"""The results pages: list, search, export, entry, approval, photos, KPI catalogue and bulk import.

Every read starts from a ``*_visible_to(request.user)`` selector; anything out of scope is a 404.
Every write calls one function of ``services`` (or ``imports``, which calls them).
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DataError, transaction
from django.db.models import Exists, OuterRef, Q, Subquery
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from core import roles
from core.access import can_read_programme, officer_required, service_values
from core.confirm import Confirmation, ask_first, confirm_then, is_confirmed, render_confirmation
from core.editing import EditConflict, conflict_message, edit_conflict
from core.http import attachment
from core.once import once_per_submission
from core.pages import KeptCountPaginator
from core.translated import base_language, i18n_key, language_label, languages_used
from enterprises.figures import figures_kept
from enterprises.models import (
    KPI,
    Enterprise,
    KPILine,
    Participation,
    Photo,
    PhotoPair,
    Result,
    ResultImport,
    ResultStep,
)
from enterprises.selectors import enterprises_visible_to
from programmes.models import Module, Organisation, TrainingRound
from programmes.selectors import rounds_visible_to

from . import exports, imports, services
from .forms import (
    ImportForm,
    KPIForm,
    KPILineFormSet,
    PhotoPairForm,
    ReopenForm,
    ResultForm,
    ReturnForm,
    ReviewForm,
    kpi_choices_for,
    kpi_line_initial,
)
from .selectors import (
    photos_visible_to,
    result_imports_visible_to,
    results_awaiting_review,
    results_visible_to,
    review_rows,
)

PAGE_SIZE = 50


def _scoped_result(request, pk: int) -> Result:
    qs = results_visible_to(request.user).select_related(
        "enterprise", "module", "organisation", "author", "training_round__module"
    )
    return get_object_or_404(qs, pk=pk)


def _form_errors(form, exc: ValidationError) -> None:
    """Put a service's ValidationError next to the fields it names (or on top of the form)."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


# --- List, search, export -------------------------------------------------------------------------


def _filtered_results(request):
    qs = results_visible_to(request.user).select_related("enterprise", "module", "organisation", "author")
    q = request.GET.get("q", "").strip()
    if q:
        # each side of the OR on its own table, so PostgreSQL answers both from their trigram indexes
        named = Enterprise.objects.filter(Q(name__icontains=q) | Q(city__icontains=q)).values("pk")
        # and the title through its own subquery too: in the outer OR, UPPER(title) LIKE would be worked out for
        # every result the scope holds (a hashed subquery is a look-up per row)
        titled = Result.objects.filter(title__icontains=q).values("pk")
        qs = qs.filter(Q(enterprise__in=named) | Q(pk__in=titled))
    status = request.GET.get("status", "")
    if status in Result.Status.values:
        qs = qs.filter(status=status)
    module = request.GET.get("module", "")
    if module.isdigit():
        qs = qs.filter(module_id=int(module))
    return qs.order_by("-updated_at", "-pk"), {"q": q, "status": status, "module": module}


@login_required
def result_list(request):
    qs, filters = _filtered_results(request)
    page = KeptCountPaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))  # the count kept (core.datacache)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "results/result_list.html",
        {
            "page_obj": page,
            "results": page.object_list,
            "filters": filters,
            "statuses": Result.Status.choices,
            "modules": Module.objects.all(),
            "query": query.urlencode(),
            "can_create": services.result_can_create(user=request.user),
            "can_import": services.result_can_import(user=request.user),  # the import views' own check
        },
    )


def _export_response(results, fmt: str, name: str) -> HttpResponse:
    """The results' KPI lines as a file, written as they are read (results.exports)."""
    if fmt == "xlsx":
        return exports.export_xlsx_response(results, f"{name}.xlsx")
    return exports.export_csv_response(results, f"{name}.csv")


@login_required
def result_export(request):
    qs, _filters = _filtered_results(request)
    stamp = timezone.localdate().isoformat()
    return _export_response(qs, request.GET.get("format", "csv"), f"score-results-{stamp}")


@login_required
def result_export_one(request, pk: int):
    result = _scoped_result(request, pk)
    qs = results_visible_to(request.user).filter(pk=result.pk).select_related("enterprise", "module")
    return _export_response(qs, request.GET.get("format", "csv"), f"score-result-{result.pk}")


@login_required
def enterprise_autocomplete(request):
    """Enterprises in the user's scope whose name or city contains ?q= (JSON, at most 20)."""
    q = request.GET.get("q", "").strip()
    qs = enterprises_visible_to(request.user)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(city__icontains=q))
    data = [{"id": e.pk, "label": imports.enterprise_label(e)} for e in qs.order_by("name")[:20]]
    return JsonResponse({"results": data})


# --- One result -----------------------------------------------------------------------------------


@dataclass
class HistoryEntry:
    when: object
    who: object
    what: str
    action: str
    changes: list[tuple[str, str, str]] = field(default_factory=list)


TRACKED = {
    Result: [
        "title",
        "narrative",
        "status",
        "training_round_id",
        "approved_at",
        "author_id",
    ],
    KPILine: ["kpi_id", "baseline_value", "baseline_date", "followup_value", "followup_date", "note"],
    PhotoPair: ["order"],
    Photo: ["caption", "credit", "image"],
}
ACTIONS = {"+": "created", "~": "changed", "-": "deleted"}


def _shown(attname: str, value, names: dict[str, dict]) -> str:
    if value in (None, ""):
        return "–"
    if attname in names:
        return names[attname].get(value, str(value))
    if attname == "status":
        return str(Result.Status(value).label)
    if hasattr(value, "normalize"):
        return f"{value.normalize():f}"
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if attname == "image":
        return str(value).rsplit("/", 1)[-1]
    return str(value)


def _texts_changed(model, old: dict | None, new: dict | None, languages: list[str]) -> list[tuple[str, str, str]]:
    """What changed in a version's texts in other languages: (label, before, after) per field and language."""
    old, new = old or {}, new or {}
    changes = []
    for name in model._meta.get_field("i18n").fields:
        for language in languages:
            key = i18n_key(name, language)
            if language != base_language() and old.get(key, "") != new.get(key, ""):
                label = language_label(model._meta.get_field(name).verbose_name, language)
                changes.append((label, old.get(key) or "–", new.get(key) or "–"))
    return changes


def result_history(result: Result) -> list[HistoryEntry]:
    """Every create, change and delete of the result, its KPI lines, photo pairs and photos, newest first.
    A fixed number of queries whatever the length of the history."""
    records = {
        Result: list(Result.history.filter(id=result.pk).select_related("history_user")),
        KPILine: list(KPILine.history.filter(result_id=result.pk).select_related("history_user")),
        PhotoPair: list(PhotoPair.history.filter(result_id=result.pk).select_related("history_user")),
    }
    photo_ids = {r.before_id for r in records[PhotoPair]} | {r.after_id for r in records[PhotoPair]}
    records[Photo] = list(Photo.history.filter(id__in=photo_ids).select_related("history_user"))
    kpi_names = dict(KPI.objects.filter(pk__in={r.kpi_id for r in records[KPILine]}).values_list("pk", "name"))
    names = {
        "kpi_id": kpi_names,
        "author_id": {
            u.pk: u.get_full_name() or u.username
            for u in User.objects.filter(pk__in={r.author_id for r in records[Result]})
        },
        "training_round_id": {
            r.pk: str(r)
            for r in TrainingRound.objects.filter(pk__in={r.training_round_id for r in records[Result]}).select_related(
                "module"
            )
        },
    }
    languages = languages_used()
    side = {r.before_id: _("before") for r in records[PhotoPair]} | {r.after_id: _("after") for r in records[PhotoPair]}
    entries = []
    for model, rows in records.items():
        rows.sort(key=lambda r: (r.id, r.history_date, r.history_id))
        for _id, group in itertools.groupby(rows, key=lambda r: r.id):
            previous = None
            for rec in group:
                if model is Result:
                    what = _("Result")
                elif model is KPILine:
                    what = _("KPI line: %(kpi)s") % {"kpi": kpi_names.get(rec.kpi_id, "?")}
                elif model is PhotoPair:
                    what = _("Photo pair %(n)s") % {"n": rec.order}
                else:
                    what = _("Photo (%(side)s): %(caption)s") % {"side": side.get(rec.id, ""), "caption": rec.caption}
                changes = []
                if rec.history_type != "-":
                    if previous is None:  # created: the fields it was given
                        given = {a: getattr(rec, a) for a in TRACKED[model] if getattr(rec, a) not in (None, "")}
                        changed = {a: ("", _shown(a, v, names)) for a, v in given.items()}
                    else:  # simple-history's own comparison of two versions
                        fields = [a.removesuffix("_id") for a in TRACKED[model]]
                        delta = rec.diff_against(previous, included_fields=fields)
                        changed = {
                            model._meta.get_field(c.field).attname: (
                                _shown(model._meta.get_field(c.field).attname, c.old, names),
                                _shown(model._meta.get_field(c.field).attname, c.new, names),
                            )
                            for c in delta.changes
                        }
                    for attname in TRACKED[model]:  # in the order the page lists them
                        if attname in changed:
                            label = model._meta.get_field(attname.removesuffix("_id")).verbose_name
                            changes.append((str(label), *changed[attname]))
                    if hasattr(rec, "i18n"):  # the texts in other languages (not an editable field to diff)
                        changes += _texts_changed(model, previous.i18n if previous else {}, rec.i18n, languages)
                if rec.history_type == "~" and not changes:
                    previous = rec
                    continue
                entries.append(
                    HistoryEntry(rec.history_date, rec.history_user, what, ACTIONS[rec.history_type], changes)
                )
                previous = rec
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries


def _detail_context(request, result: Result, photo_form=None) -> dict:
    lines = list(result.kpi_lines.select_related("kpi"))
    pairs = list(result.photo_pairs.select_related("before", "after"))
    steps = list(result.steps.select_related("by"))
    can_edit = services.result_can_edit(result=result, user=request.user)
    last_return = next((s for s in reversed(steps) if s.to_status == Result.Status.RETURNED), None)
    return {
        "result": result,
        "lines": lines,
        "pairs": pairs,
        "steps": steps,
        "history": result_history(result),
        "can_edit": can_edit,
        "can_delete": services.result_can_delete(result=result, user=request.user),
        "can_review": services.result_can_review(result=result, user=request.user),
        "can_reopen": services.result_can_reopen(result=result, user=request.user),
        "entered_on_behalf": services.result_entered_on_behalf(result=result),
        "last_return": last_return if result.status == Result.Status.RETURNED else None,
        "photo_form": (photo_form or PhotoPairForm(record=result)) if can_edit else None,
        "return_form": ReturnForm(),
    }


@login_required
def result_detail(request, pk: int):
    result = _scoped_result(request, pk)
    return render(request, "results/result_detail.html", _detail_context(request, result))


def _started_from(form, line: KPILine) -> int | None:
    """The version of ``line`` its form started from (None: the page sent none; -1: a token of another line)."""
    if form.edit_pk is None:
        return None
    return form.edit_version if form.edit_pk == line.pk else -1


def _save_lines(request, result: Result, formset) -> None:
    """Write the lines the user changed, added or deleted, each only if nobody changed it since (EditConflict);
    a line the user left as it was is not written again from the values the page was opened with."""
    existing = {line.pk: line for line in result.kpi_lines.select_related("kpi")}
    for form in formset.forms:
        if not form.has_changed() and not form.cleaned_data.get("line_id"):
            continue
        data = form.cleaned_data
        line = existing.get(data.get("line_id"))
        if line is None and data.get("line_id") and form.edit_pk is not None:
            raise EditConflict(result)  # someone deleted the line since the page was opened
        if formset._should_delete_form(form):
            if line is not None:
                services.kpi_line_delete(line=line, by=request.user, edit_version=_started_from(form, line))
            continue
        if not data.get("kpi"):
            continue
        if line is not None and not form.user_changed():
            continue
        services.kpi_line_save(
            result=result,
            by=request.user,
            kpi=data["kpi"],
            baseline_value=data["baseline_value"],
            baseline_date=data["baseline_date"],
            followup_value=data["followup_value"],
            followup_date=data["followup_date"],
            note=data.get("note", ""),
            period=data.get("period", ""),
            line=line,
            edit_version=_started_from(form, line) if line is not None else None,
        )


def _result_conflict(form, formset, result: Result) -> None:
    """Someone saved the result or one of its lines since the page was opened: say what they changed (the
    result's fields and each line's), keep the user's input, and start it from the record as it is now."""
    current = Result.objects.get(pk=result.pk)
    lines = {line.pk: line for line in current.kpi_lines.select_related("kpi")}
    changes = form.changes_since_start(current)
    for line_form in formset.forms:
        if line_form.edit_pk is None:
            continue
        line = lines.get(line_form.edit_pk)
        if line is None:  # deleted by the other person: it stays deleted unless the user had changed it
            changes.append((_("KPI line"), _("deleted")))
            line_form.data = line_form.data.copy()
            for name in ("line_id", "edit_token"):
                line_form.data[line_form.add_prefix(name)] = ""
            if not line_form.user_changed():
                line_form.data[line_form.add_prefix("DELETE")] = "on"
            continue
        for label, value in line_form.changes_since_start(line):
            changes.append((_("%(kpi)s: %(field)s") % {"kpi": line.kpi.local_name, "field": label}, value))
        line_form.restart_from(line)
    form.add_error(None, conflict_message(changes))
    form.restart_from(current)


def _result_form_page(request, result: Result | None):
    user = request.user
    kpis = kpi_choices_for(result)
    status = 200
    if request.method == "POST":
        form = ResultForm(request.POST, user=user, result=result)
        formset = KPILineFormSet(request.POST, prefix="lines", kpis=kpis)
        if form.is_valid() and formset.is_valid():
            data = form.cleaned_data
            try:
                with transaction.atomic():
                    if result is None:
                        saved = services.result_create(
                            by=user,
                            enterprise=data["enterprise"],
                            module=data["module"],
                            training_round=data["training_round"],
                            title=data["title"],
                            narrative=data["narrative"],
                            translations=form.translations(),
                            organisation=data.get("organisation"),
                        )
                    else:
                        saved = services.result_update(
                            result=result,
                            by=user,
                            title=data["title"],
                            narrative=data["narrative"],
                            training_round=data["training_round"],
                            translations=form.translations(),
                            edit_version=form.edit_version,
                        )
                    _save_lines(request, saved, formset)
            except EditConflict:
                _result_conflict(form, formset, result)
                status = 409
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, _("The result is saved as a draft. Add photos, then submit it."))
                return redirect(saved)
    else:
        initial = {}
        if result is None:
            for name in ("enterprise", "module", "training_round", "organisation"):
                value = request.GET.get(name, "")
                if value.isdigit():
                    initial[name] = int(value)
            if "enterprise" in initial and not enterprises_visible_to(user).filter(pk=initial["enterprise"]).exists():
                raise Http404
        else:
            initial = {
                "title": result.title,
                "narrative": result.narrative,
                "training_round": result.training_round_id,
            }
        form = ResultForm(initial=initial, user=user, result=result)
        lines = list(result.kpi_lines.select_related("kpi")) if result else []
        formset = KPILineFormSet(prefix="lines", kpis=kpis, initial=kpi_line_initial(lines))
    kpi_info = {k.pk: {"unit": k.local_unit, "direction": k.get_direction_display()} for k in kpis}
    return render(
        request,
        "results/result_form.html",
        {"form": form, "formset": formset, "result": result, "kpi_info": kpi_info},
        status=status,
    )


@login_required
@once_per_submission
def result_create(request):
    if not services.result_can_create(user=request.user):
        raise PermissionDenied(_("Only partner users, trainers and project officers enter results."))
    return _result_form_page(request, None)


@login_required
def result_edit(request, pk: int):
    result = _scoped_result(request, pk)
    if not services.result_can_edit(result=result, user=request.user):
        messages.error(request, _("Only drafts and returned results of your organisation can be changed."))
        return redirect(result)
    return _result_form_page(request, result)


@login_required
@require_http_methods(["GET", "POST"])
def result_delete(request, pk: int):
    result = _scoped_result(request, pk)

    def describe() -> Confirmation:
        lines = result.kpi_lines.count()
        pairs = result.photo_pairs.count()
        return Confirmation(
            question=_("Delete the draft result of %(enterprise)s for %(module)s?")
            % {"enterprise": result.enterprise.name, "module": result.module},
            consequences=[
                ngettext(
                    "Its %(count)d KPI line is deleted with it.", "Its %(count)d KPI lines are deleted with it.", lines
                )
                % {"count": lines},
                ngettext(
                    "Its %(count)d photo pair (2 photos) is deleted with it.",
                    "Its %(count)d photo pairs (%(photos)s photos) are deleted with it.",
                    pairs,
                )
                % {"count": pairs, "photos": 2 * pairs},
                _("The draft cannot be restored; only its history keeps a record of it."),
            ],
            refused=""
            if services.result_can_delete(result=result, user=request.user)
            else _("Only your organisation's drafts can be deleted."),
            button=_("Delete the draft"),
            back_url=reverse("results:result_detail", args=[result.pk]),
        )

    if page := ask_first(request, describe):
        return page
    try:
        services.result_delete(result=result, by=request.user)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
        return redirect(result)
    messages.success(request, _("The draft is deleted."))
    return redirect("results:result_list")


@login_required
@require_POST
def result_step(request, pk: int, step: str):
    result = _scoped_result(request, pk)
    try:
        if step == "submit":
            services.result_submit(result=result, by=request.user)
            messages.success(request, _("Submitted. The SCORE officers have been told."))
        elif step == "approve":
            services.result_approve(result=result, by=request.user)
            messages.success(request, _("Approved. The partner has been told."))
        elif step == "return":
            form = ReturnForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Say what the partner should correct."))
                return redirect(result)
            services.result_return(result=result, by=request.user, reason=form.cleaned_data["reason"])
            messages.success(request, _("Returned to the partner for correction."))
        else:
            raise Http404
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(result)


@login_required
@require_http_methods(["GET", "POST"])
def result_reopen(request, pk: int):
    """An officer takes an approved result back for a correction: the confirmation page (core.confirm) says what
    follows and asks why; only its POST, with a reason, reaches the service; the reason goes into the trail."""
    result = _scoped_result(request, pk)
    if not roles.is_officer(request.user):
        raise PermissionDenied(_("Only SCORE project officers reopen approved results."))
    form = ReopenForm(request.POST if is_confirmed(request) else None)

    def describe() -> Confirmation:
        return Confirmation(
            question=_("Reopen the approved %(module)s result of %(name)s?")
            % {"module": result.module.code, "name": result.enterprise.name},
            consequences=[
                _(
                    "It goes back to “Returned for correction”: you, and the partner organisation that reported it, "
                    "can correct it and submit it again."
                ),
                _(
                    "It stops counting as approved: dashboards, figures and newsletters leave it out until it is "
                    "approved again."
                ),
                _("Your reason is recorded in its approval trail and e-mailed to whoever entered the result."),
                _("Another officer approves it again: you cannot approve a result you reopened."),
            ],
            refused=""
            if services.result_can_reopen(result=result, user=request.user)
            else _("Only approved results can be reopened."),
            button=_("Reopen for correction"),
            back_url=reverse("results:result_detail", args=[result.pk]),
            form=form,
        )

    if page := ask_first(request, describe):
        return page
    if not form.is_valid():
        return render_confirmation(request, describe())
    try:
        services.result_reopen(result=result, by=request.user, reason=form.cleaned_data["reason"])
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        _form_errors(form, exc)
        return render_confirmation(request, describe())
    else:
        messages.success(request, _("Reopened for correction. Another officer approves it once it is corrected."))
    return redirect(result)


# --- The review queue ------------------------------------------------------------------------------

REVIEW_PAGE_SIZE = 25


@officer_required
def review_queue(request):
    """The submitted results awaiting review, the longest waiting first, with bulk approve and return."""
    queue = results_awaiting_review(request.user)
    scope = results_visible_to(request.user).select_related("enterprise", "module", "author")
    form = ReviewForm(request.POST or None, results=scope)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            _review_apply(request, form.cleaned_data)
            return redirect(request.get_full_path())
        status = 400
    page = KeptCountPaginator(queue, REVIEW_PAGE_SIZE).get_page(request.GET.get("page"))
    chosen = {str(pk) for pk in request.POST.getlist("results")}
    return render(
        request,
        "results/review_queue.html",
        {
            "page_obj": page,
            "rows": review_rows(page.object_list, timezone.localdate()),
            "form": form,
            "chosen": chosen,
        },
        status=status,
    )


def _review_apply(request, data) -> None:
    approve = data["action"] == ReviewForm.APPROVE
    results = sorted(data["results"], key=lambda r: r.pk)
    outcome = services.results_review(
        results=results,
        by=request.user,
        to=Result.Status.APPROVED if approve else Result.Status.RETURNED,
        reason=data["reason"],
    )
    n = len(outcome.done)
    if n:
        if approve:
            text = ngettext("%(n)s result approved.", "%(n)s results approved.", n)
        else:
            text = ngettext("%(n)s result returned for correction.", "%(n)s results returned for correction.", n)
        messages.success(request, text % {"n": n})
    refused = _("Not approved: %(result)s. %(why)s") if approve else _("Not returned: %(result)s. %(why)s")
    for result, why in outcome.refused:
        messages.error(request, refused % {"result": result, "why": why})


# --- Photos ---------------------------------------------------------------------------------------


@login_required
@require_POST
def photo_pair_add(request, pk: int):
    result = _scoped_result(request, pk)
    if not services.result_can_edit(result=result, user=request.user):
        raise PermissionDenied
    form = PhotoPairForm(request.POST, request.FILES, record=result)
    # static/js/uploads.js sends the form itself (to show its progress and keep the chosen files on a refusal)
    # and asks for JSON: the errors by field, or where to go once added
    sent_by_script = "application/json" in request.headers.get("Accept", "")
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.photo_pair_add(
                result=result,
                by=request.user,
                before=data["before"],
                before_caption=data["before_caption"],
                after=data["after"],
                after_caption=data["after_caption"],
                credit=data["credit"],
                caption=data["caption"],
                translations=form.caption_translations(),
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("The photo pair is added."))
            location = reverse("results:result_detail", args=[result.pk]) + "#photos"
            return JsonResponse({"location": location}) if sent_by_script else redirect(location)
    if sent_by_script:
        return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
    for name in ("before", "after"):
        if name in request.FILES and name not in form.errors:  # a browser cannot put a chosen file back
            form.add_error(name, _("This photo was fine, but the page cannot keep it: choose it again."))
    return render(request, "results/result_detail.html", _detail_context(request, result, form), status=400)


@login_required
@require_http_methods(["GET", "POST"])
def photo_pair_delete(request, pk: int, pair_pk: int):
    result = _scoped_result(request, pk)
    pair = get_object_or_404(result.photo_pairs.select_related("before", "after", "result"), pk=pair_pk)

    def describe() -> Confirmation:
        caption = pair.caption or pair.before.caption or pair.after.caption
        return Confirmation(
            question=_("Delete the photo pair “%(caption)s”?") % {"caption": caption}
            if caption
            else _("Delete this photo pair of %(enterprise)s?") % {"enterprise": result.enterprise.name},
            consequences=[
                _("Both photos, before and after, are deleted with their files; they cannot be restored."),
                _("The result and its KPI lines are kept."),
            ],
            undo=_("The photos can be uploaded again on the result's page, while it is a draft or returned."),
            button=_("Delete the photo pair"),
            back_url=reverse("results:result_detail", args=[result.pk]) + "#photos",
        )

    return confirm_then(
        request,
        describe,
        lambda: services.photo_pair_delete(pair=pair, by=request.user),
        done=_("The photo pair is deleted."),
        back=reverse("results:result_detail", args=[result.pk]) + "#photos",
        refusals=(PermissionDenied,),
    )


PHOTO_VARIANTS = {"web": "web", "print": "print", "thumb": "thumbnail"}


@login_required
def photo_file(request, pk: int, variant: str):
    """A photo's web, print or thumbnail copy, for users who may see its result. The master is never sent."""
    field_name = PHOTO_VARIANTS.get(variant)
    if field_name is None:
        raise Http404
    photo = get_object_or_404(photos_visible_to(request.user), pk=pk)
    file = getattr(photo, field_name)
    if not file:
        raise Http404
    try:
        handle = file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- KPI catalogue --------------------------------------------------------------------------------


@login_required
def kpi_list(request):
    if not can_read_programme(request.user):
        raise PermissionDenied
    kpis = KPI.objects.all()
    return render(request, "results/kpi_list.html", {"kpis": kpis, "can_manage": roles.is_officer(request.user)})


@login_required
@once_per_submission
def kpi_edit(request, pk: int | None = None):
    if not roles.is_officer(request.user):
        raise Http404
    kpi = get_object_or_404(KPI, pk=pk) if pk else None
    form = KPIForm(request.POST or None, instance=kpi)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.kpi_save(by=request.user, kpi=kpi, **service_values(form))
        except EditConflict as conflict:
            edit_conflict(form, conflict)
            status = 409
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("The KPI catalogue is saved."))
            return redirect("results:kpi_list")
    return render(request, "results/kpi_form.html", {"form": form, "kpi": kpi}, status=status)


# --- Bulk import ------------------------------------------------------------------------------------


def _require_partner(request) -> None:
    if not services.result_can_import(user=request.user):  # the result list shows its button with the same check
        raise PermissionDenied(_("Only partner users import results."))


@login_required
def import_start(request):
    _require_partner(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        upload.seek(0)
        record = ResultImport(
            filename=upload.name[:255],
            uploaded_by=request.user,
            organisation_id=roles.partner_organisation_id(request.user),
        )
        record.file.save(f"{timezone.now():%Y%m%d%H%M%S}-{request.user.pk}.upload", upload, save=False)
        record.save()
        return redirect("results:import_preview", pk=record.pk)
    recent = result_imports_visible_to(request.user)[:5]
    return render(request, "results/import_start.html", {"form": form, "recent": recent})


@login_required
def import_template(request):
    _require_partner(request)
    response = HttpResponse(imports.template_workbook(request.user), content_type=imports.CONTENT_TYPE_XLSX)
    return attachment(response, "score-results-template.xlsx")


def _import_and_preview(request, pk: int):
    record = get_object_or_404(result_imports_visible_to(request.user), pk=pk)
    with record.file.open("rb") as fh:
        data = fh.read()
    try:
        preview = imports.upload_preview(request.user, data)
    except ValidationError as exc:
        preview = imports.Preview(imports.Table("csv", [], []), [], exc.messages)
    return record, data, preview


@login_required
def import_preview(request, pk: int):
    _require_partner(request)
    record, _data, preview = _import_and_preview(request, pk)
    return render(request, "results/import_preview.html", {"record": record, "preview": preview})


@login_required
@require_POST
def import_confirm(request, pk: int):
    _require_partner(request)
    record, _data, preview = _import_and_preview(request, pk)
    if record.status == ResultImport.Status.IMPORTED:
        messages.info(request, _("This file has already been imported."))
        return redirect("results:result_list")
    try:
        with transaction.atomic():
            count = imports.import_rows(request.user, preview)
            record.status, record.rows_imported, record.imported_at = (
                ResultImport.Status.IMPORTED,
                count,
                timezone.now(),
            )
            record.save(update_fields=["status", "rows_imported", "imported_at"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("results:import_preview", pk=record.pk)
    except (DataError, ValueError):
        # a value the database refuses that the preview let through (psycopg2 raises ValueError for a NUL): the
        # transaction is rolled back and the partner is told, rather than a server error at every try
        messages.error(
            request,
            _(
                "The file holds a value that cannot be stored; nothing was imported. "
                "Correct the file and upload it again."
            ),
        )
        return redirect("results:import_preview", pk=record.pk)
    messages.success(request, _("%(count)s KPI lines imported as drafts. Check them, then submit.") % {"count": count})
    return redirect(reverse("results:result_list") + "?status=draft")


@login_required
def import_marked(request, pk: int):
    _require_partner(request)
    record, data, preview = _import_and_preview(request, pk)
    if not preview.table.headers:
        raise Http404
    response = HttpResponse(imports.marked_workbook(data, preview), content_type=imports.CONTENT_TYPE_XLSX)
    stem = record.filename.rsplit(".", 1)[0] or "results"
    return attachment(response, f"{stem}-checked.xlsx")


# --- Partner home ---------------------------------------------------------------------------------

HOME_LIMIT = 20


def partner_home_context(user) -> dict:
    """The partner's rounds, the completed modules still missing a result, and results returned to them; kept
    for the partner's organisation until the data changes (core.datacache: the completed modules without a
    result are an anti-join over every participation of the organisation's rounds)."""
    return figures_kept(user, "partner-home", (), lambda: _partner_home_context(user))


def _partner_home_context(user) -> dict:
    org_id = roles.partner_organisation_id(user)
    rounds = rounds_visible_to(user)
    missing = (
        Participation.objects.filter(  # an enterprise in the partner's rounds is the partner's (enterprises_visible_to)
            training_round__in=rounds,
            training_round__status=TrainingRound.Status.COMPLETED,
            training_round__kind__in=[TrainingRound.Kind.TOE, TrainingRound.Kind.BOTH],
        )
        .exclude(
            Exists(
                Result.objects.filter(
                    enterprise_id=OuterRef("enterprise_id"), module_id=OuterRef("training_round__module_id")
                )
            )
        )
        .select_related("enterprise", "training_round__module")
        .order_by("-training_round__end", "enterprise__name")
    )
    missing_list = list(missing[: HOME_LIMIT + 1])
    last_reason = ResultStep.objects.filter(result=OuterRef("pk"), to_status=Result.Status.RETURNED).order_by("-at")
    own = results_visible_to(user).filter(organisation_id=org_id).select_related("enterprise", "module")
    returned = own.filter(status=Result.Status.RETURNED).order_by("-updated_at", "-pk")
    returned_list = list(returned.annotate(return_reason=Subquery(last_reason.values("reason")[:1]))[: HOME_LIMIT + 1])
    returned_count = returned.count() if len(returned_list) > HOME_LIMIT else len(returned_list)
    return {
        "organisation": Organisation.objects.filter(pk=org_id).first(),
        "rounds": list(rounds.select_related("module").order_by("-start")[:HOME_LIMIT]),
        "missing": missing_list[:HOME_LIMIT],
        "missing_more": missing.count() - HOME_LIMIT if len(missing_list) > HOME_LIMIT else 0,
        # the latest returned results, with how many there are in all (the page stays small as they grow)
        "returned": returned_list[:HOME_LIMIT],
        "returned_count": returned_count,
        "returned_more": returned_count - HOME_LIMIT if returned_count > HOME_LIMIT else 0,
        "drafts": list(own.filter(status=Result.Status.DRAFT).order_by("-updated_at")[:HOME_LIMIT]),
    }
