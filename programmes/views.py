"""Organisations, agreements and training rounds: lists, details and forms.

Views read input, call one service, and turn a refusal into a message next to the field. Every read starts
from a ``*_visible_to(user)`` selector; what a user may not see is a 404.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import DateField, F, OuterRef, Q, Sum
from django.db.models.functions import Coalesce
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin
from django_tables2.export import ExportMixin

from core import roles
from core.access import (
    OfficerRequiredMixin,
    ReaderRequiredMixin,
    add_service_errors,
    can_record_in_rounds,
    officer_required,
    reader_required,
    service_form_page,
    service_values,
)
from core.confirm import Confirmation, ask_first
from core.editing import EditConflict, edit_conflict
from core.once import once_per_submission
from core.pages import KeptCountPaginator, section_page, url_maker
from core.queries import count_of, max_of
from core.spreadsheets import SafeTableExport
from core.tables import streamed_csv, streamed_xlsx, table_rows
from enterprises.forms import FactoryVisitForm, ParticipationForm
from enterprises.models import FactoryVisit, Participation
from enterprises.results.selectors import results_visible_to
from trainers.forms import RoundTrainerForm
from trainers.models import RoundTrainer

from . import services
from .filters import OrganisationFilter, RoundFilter
from .forms import AgreementForm, OrganisationForm, RoundForm
from .models import Agreement, Organisation, TrainingRound
from .selectors import agreements_visible_to, organisations_visible_to, rounds_visible_to
from .tables import OrganisationTable, RoundTable

EXPORT_FORMATS = ("csv", "xlsx")


# --- Lists -------------------------------------------------------------------------------------------------


class PortalListView(ExportMixin, SingleTableMixin, FilterView):
    """A filtered, searchable, sortable, paginated list that exports exactly what it shows as CSV or Excel."""

    template_name = "programmes/list.html"
    table_pagination = {"per_page": 25}  # the table paginates; the ListView must not do it a second time
    paginator_class = KeptCountPaginator  # the count kept until the data changes (core.datacache)
    title = ""
    create_url_name = ""
    create_label = ""
    export_name = "export"
    export_class = SafeTableExport  # user text leaves as text, never as a formula

    def render_to_response(self, context, **kwargs):
        export_format = self.request.GET.get(self.export_trigger_param)
        if export_format not in (None, *EXPORT_FORMATS):
            return super(ExportMixin, self).render_to_response(context, **kwargs)
        if export_format in EXPORT_FORMATS:  # every row of the list, written as it is read (core.tables)
            table = self.get_table(**self.get_table_kwargs())
            rows = table_rows(table, exclude_columns=self.exclude_columns)
            filename = self.get_export_filename(export_format)
            if export_format == "csv":
                return streamed_csv(rows, filename)
            return streamed_xlsx(rows, filename, title=str(self.title))
        return super().render_to_response(context, **kwargs)

    def get_export_filename(self, export_format):
        return f"{self.export_name}-{timezone.localdate():%Y-%m-%d}.{export_format}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        params = self.request.GET.copy()
        params.pop("page", None)
        exports = []
        for fmt, label in (("csv", "CSV"), ("xlsx", "Excel")):
            params[self.export_trigger_param] = fmt
            exports.append((label, "?" + params.urlencode()))
        context.update(
            title=self.title,
            exports=exports,
            create_url=reverse(self.create_url_name)
            if self.create_url_name and roles.is_officer(self.request.user)
            else "",
            create_label=self.create_label,
            filtered=any(v for k, v in self.request.GET.items() if k not in ("page", "sort")),
        )
        return context


class RoundListView(ReaderRequiredMixin, PortalListView):
    table_class = RoundTable
    filterset_class = RoundFilter
    title = gettext_lazy("Training rounds")
    create_url_name = "programmes:round_create"
    create_label = gettext_lazy("New round")
    export_name = "training-rounds"

    def get_queryset(self):
        # Each round's counts are kept with it (enterprises.tally): one join, also when the list is sorted by them.
        return (
            rounds_visible_to(self.request.user)
            .prefetch_related("module", "organiser")  # joined after the LIMIT, not to every round before the sort
            .order_by("-start", "city")
            .annotate(
                n_enterprises=Coalesce(F("tally__enterprises"), 0),
                n_participants=Coalesce(F("tally__participants"), 0),
            )
        )


class OrganisationListView(OfficerRequiredMixin, PortalListView):
    table_class = OrganisationTable
    filterset_class = OrganisationFilter
    title = gettext_lazy("Organisations")
    create_url_name = "programmes:organisation_create"
    create_label = gettext_lazy("New organisation")
    export_name = "organisations"

    def get_queryset(self):
        licences = Agreement.objects.filter(organisation=OuterRef("pk"), kind=Agreement.Kind.LICENCE)
        return (
            organisations_visible_to(self.request.user)
            .select_related("parent")
            .order_by("name")
            .annotate(
                n_agreements=count_of(Agreement.objects.filter(organisation=OuterRef("pk"))),
                licence_until=max_of(licences.filter(end__isnull=False), "end", DateField()),
                n_rounds=count_of(TrainingRound.objects.filter(organiser=OuterRef("pk"))),
            )
        )


# --- Training rounds ---------------------------------------------------------------------------------------


def _row_links(training_round: TrainingRound, participations, visits) -> None:
    """Each row's links, each URL reversed once for the whole section (core.pages.url_maker)."""
    enterprise = url_maker("enterprises:enterprise_detail")
    edit = url_maker("enterprises:participation_update", training_round.pk)
    remove = url_maker("enterprises:participation_remove", training_round.pk)
    for p in participations:
        p.enterprise_url, p.edit_url, p.remove_url = enterprise(p.enterprise_id), edit(p.pk), remove(p.pk)
    remove_visit = url_maker("enterprises:factory_visit_remove", training_round.pk)
    for v in visits:
        v.enterprise_url, v.remove_url = enterprise(v.enterprise_id), remove_visit(v.pk)


def round_page_context(request, training_round: TrainingRound, **forms) -> dict:
    """Everything a round's page shows; ``forms`` carries bound forms that came back with errors."""
    user = request.user
    is_officer = roles.is_officer(user)
    attendance = Participation.objects.filter(training_round=training_round)
    participations = section_page(
        request,
        attendance.select_related("enterprise").order_by("enterprise__name", "pk"),
        "enterprises_page",
        50,
        "enterprises",
    )
    fields = ("managers_women", "managers_men", "workers_women", "workers_men")
    totals = {f: n or 0 for f, n in attendance.aggregate(**{f: Sum(f) for f in fields}).items()}  # of every page
    totals["all"] = sum(totals.values())
    totals["women"] = totals["managers_women"] + totals["workers_women"]
    totals["men"] = totals["managers_men"] + totals["workers_men"]
    context = {
        "round": training_round,
        "PROGRAMME_CURRENCY": settings.PROGRAMME_CURRENCY,
        "co_organisers": list(training_round.co_organisers.all()),
        "participations": participations,
        "totals": totals,
        "round_trainers": list(
            RoundTrainer.objects.filter(training_round=training_round)
            .select_related("trainer__organisation")
            .order_by("role", "trainer__name")
        ),
        "visits": section_page(
            request,
            FactoryVisit.objects.filter(training_round=training_round)
            .select_related("enterprise", "trainer")
            .order_by("-visited_on", "pk"),
            "visits_page",
            50,
            "visits",
        ),
        "results": section_page(
            request,
            results_visible_to(user)
            .filter(training_round=training_round)
            .select_related("enterprise", "module")
            .order_by("enterprise__name", "module__order", "pk"),
            "results_page",
            25,
            "results",
        ),
        "life": _life(training_round),
        "transitions": services.allowed_transitions(training_round) if is_officer else [],
        "can_cancel": is_officer
        and TrainingRound.Status.CANCELLED in dict(services.allowed_transitions(training_round)),
        "editable": is_officer and training_round.status != TrainingRound.Status.CANCELLED,
        # attendance and factory visits: officers, and the trainers of the round (the page is theirs only)
        "recordable": can_record_in_rounds(user) and training_round.status != TrainingRound.Status.CANCELLED,
    }
    _row_links(training_round, participations, context["visits"])
    if context["editable"]:
        context["participation_form"] = forms.get("participation_form") or ParticipationForm(
            training_round=training_round, by=user, prefix="p"
        )
        context["trainer_form"] = forms.get("trainer_form") or RoundTrainerForm(
            training_round=training_round, prefix="t"
        )
    if context["recordable"]:
        context["visit_form"] = forms.get("visit_form") or FactoryVisitForm(training_round=training_round, prefix="v")
        context["open_form"] = next((k for k, f in forms.items() if f is not None), "")
    return context


def _life(training_round: TrainingRound) -> list[tuple[str, str]]:
    """The round's life as steps: (label, 'done' | 'current' | 'todo')."""
    steps = [s for s in TrainingRound.Status if s != TrainingRound.Status.CANCELLED]
    current = training_round.status
    if current == TrainingRound.Status.CANCELLED:
        return [(s.label, "todo") for s in steps]
    index = [s.value for s in steps].index(current)
    return [(s.label, "done" if i < index else "current" if i == index else "todo") for i, s in enumerate(steps)]


def _visible_round(request, pk) -> TrainingRound:
    return get_object_or_404(rounds_visible_to(request.user).select_related("module", "organiser"), pk=pk)


@reader_required
def round_detail(request, pk):
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    training_round = _visible_round(request, pk)
    return render(request, "programmes/round_detail.html", round_page_context(request, training_round))


def render_round_page(request, training_round: TrainingRound, **forms):
    """Re-show the round's page with a form's errors in place (the 'add' views post here and redirect back)."""
    return render(
        request, "programmes/round_detail.html", round_page_context(request, training_round, **forms), status=400
    )


def _round_form_values(form) -> dict:
    data = service_values(form)
    return {"co_organisers": data.pop("co_organisers", []), **data}


@officer_required
@once_per_submission
def round_create(request):
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            training_round = services.round_create(by=request.user, **_round_form_values(form))
        except ValidationError as e:
            add_service_errors(form, e)
        else:
            messages.success(request, _("Training round %(round)s created.") % {"round": training_round})
            return redirect(training_round)
    return render(
        request,
        "programmes/form.html",
        {"form": form, "title": _("New training round"), "cancel_url": reverse("programmes:round_list")},
    )


@officer_required
def round_update(request, pk):
    training_round = _visible_round(request, pk)
    form = RoundForm(request.POST or None, instance=TrainingRound.objects.get(pk=training_round.pk))
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.round_update(training_round=training_round, by=request.user, **_round_form_values(form))
        except EditConflict as conflict:
            edit_conflict(form, conflict)
            status = 409
        except ValidationError as e:
            add_service_errors(form, e)
        else:
            messages.success(request, _("Training round saved."))
            return redirect(training_round)
    return render(
        request,
        "programmes/form.html",
        {
            "form": form,
            "title": _("Edit %(round)s") % {"round": training_round},
            "cancel_url": training_round.get_absolute_url(),
        },
        status=status,
    )


def _round_final_confirmation(training_round: TrainingRound, to_status: str) -> Confirmation:
    """What cancelling or completing the round means, with its counts, for the confirmation page."""
    attendance = Participation.objects.filter(training_round=training_round)
    n_enterprises = attendance.count()
    n_participants = sum(
        n or 0
        for n in attendance.aggregate(
            *(Sum(f) for f in ("managers_women", "managers_men", "workers_women", "workers_men"))
        ).values()
    )
    n_trainers = RoundTrainer.objects.filter(training_round=training_round).count()
    n_visits = FactoryVisit.objects.filter(training_round=training_round).count()
    kept = [
        ngettext(
            "%(count)d enterprise keeps its attendance (%(participants)s participants in all).",
            "%(count)d enterprises keep their attendance (%(participants)s participants in all).",
            n_enterprises,
        )
        % {"count": n_enterprises, "participants": n_participants},
        ngettext(
            "%(count)d trainer and %(visits)s factory visits stay recorded.",
            "%(count)d trainers and %(visits)s factory visits stay recorded.",
            n_trainers,
        )
        % {"count": n_trainers, "visits": n_visits},
    ]
    if to_status == TrainingRound.Status.CANCELLED:
        return Confirmation(
            question=_("Cancel the round %(round)s?") % {"round": training_round},
            consequences=[
                _(
                    "A cancelled round cannot be reopened: no enterprise, trainer or factory visit can be added "
                    "to it or removed from it any more."
                ),
                *kept,
            ],
            button=_("Cancel the round"),
            back_url=training_round.get_absolute_url(),
            keep={"to_status": to_status},
        )
    return Confirmation(
        question=_("Complete the round %(round)s?") % {"round": training_round},
        consequences=[
            _("Completed is final: the round cannot move to another stage, nor be cancelled, afterwards."),
            *kept,
            _("Attendance and factory visits can still be corrected after completion."),
        ],
        button=_("Complete the round"),
        back_url=training_round.get_absolute_url(),
        keep={"to_status": to_status},
    )


@officer_required
@require_http_methods(["GET", "POST"])
def round_transition(request, pk):
    """Move the round on; the final moves (completed, cancelled) ask first (GET shows what they mean)."""
    training_round = _visible_round(request, pk)
    data = request.POST if request.method == "POST" else request.GET
    to_status = data.get("to_status", "")
    final = to_status in services.FINAL_STATUSES and to_status in dict(services.allowed_transitions(training_round))
    if not final and request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if final and (page := ask_first(request, lambda: _round_final_confirmation(training_round, to_status))):
        return page
    try:
        services.round_transition(training_round=training_round, to_status=to_status, by=request.user)
    except ValidationError as e:
        for message in e.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("The round is now %(status)s.") % {"status": training_round.get_status_display().lower()}
        )
    return redirect(training_round)


# --- Organisations and agreements ------------------------------------------------------------------------


def _visible_organisation(request, pk) -> Organisation:
    return get_object_or_404(organisations_visible_to(request.user).select_related("parent"), pk=pk)


@officer_required
def organisation_detail(request, pk):
    organisation = _visible_organisation(request, pk)
    rounds = (
        rounds_visible_to(request.user)
        .filter(Q(organiser=organisation) | Q(co_organisers=organisation))
        .distinct()
        .select_related("module", "organiser")
        .order_by("-start", "pk")
    )
    context = {
        "organisation": organisation,
        "agreements": list(agreements_visible_to(request.user).filter(organisation=organisation)),
        "branches": list(organisation.branches.all()),
        "rounds": section_page(request, rounds, "rounds_page", 25, "rounds"),
        "trainers": section_page(
            request, organisation.trainers.order_by("name", "pk"), "trainers_page", 100, "trainers"
        ),
        "n_enterprises": organisation.enterprises.count(),
        "agreement_form": AgreementForm(organisation=organisation),
    }
    return render(request, "programmes/organisation_detail.html", context)


@officer_required
@once_per_submission
def organisation_create(request):
    return _organisation_form(request, None)


@officer_required
def organisation_update(request, pk):
    return _organisation_form(request, _visible_organisation(request, pk))


def _organisation_form(request, organisation: Organisation | None):
    form = OrganisationForm(
        request.POST or None, instance=Organisation.objects.get(pk=organisation.pk) if organisation else None
    )
    return service_form_page(
        request,
        form,
        save=lambda data: services.organisation_save(organisation=organisation, by=request.user, **data),
        instance=organisation,
        saved_message=_("Organisation %(name)s saved."),
        new_title=_("New organisation"),
        list_url=reverse("programmes:organisation_list"),
    )


@officer_required
@once_per_submission
def agreement_create(request, pk):
    organisation = _visible_organisation(request, pk)
    return _agreement_form(request, organisation, None)


@officer_required
def agreement_update(request, pk):
    agreement = get_object_or_404(agreements_visible_to(request.user).select_related("organisation"), pk=pk)
    return _agreement_form(request, agreement.organisation, agreement)


def _agreement_form(request, organisation: Organisation, agreement: Agreement | None):
    form = AgreementForm(
        request.POST or None,
        organisation=organisation,
        instance=Agreement.objects.get(pk=agreement.pk) if agreement else None,
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.agreement_save(
                organisation=organisation, agreement=agreement, by=request.user, **service_values(form)
            )
        except EditConflict as conflict:
            edit_conflict(form, conflict)
            status = 409
        except ValidationError as e:
            add_service_errors(form, e)
        else:
            messages.success(request, _("Agreement saved."))
            return redirect(organisation)
    title = _("Edit agreement of %(org)s") if agreement else _("New agreement for %(org)s")
    return render(
        request,
        "programmes/form.html",
        {"form": form, "title": title % {"org": organisation.name}, "cancel_url": organisation.get_absolute_url()},
        status=status,
    )


def _agreement_delete_confirmation(agreement: Agreement) -> Confirmation:
    organisation = agreement.organisation
    others = organisation.agreements.exclude(pk=agreement.pk).count()
    return Confirmation(
        question=_("Delete the %(kind)s of %(organisation)s signed on %(date)s?")
        % {
            "kind": agreement.get_kind_display().lower(),
            "organisation": organisation.name,
            "date": date_format(agreement.signed_on, "DATE_FORMAT"),
        },
        consequences=[
            _("The agreement's dates, territory and notes are deleted; it cannot be restored."),
            ngettext(
                "%(count)d other agreement of %(organisation)s stays recorded.",
                "%(count)d other agreements of %(organisation)s stay recorded.",
                others,
            )
            % {"count": others, "organisation": organisation.name},
        ],
        refused=services.agreement_delete_check(agreement=agreement) or "",
        button=_("Delete the agreement"),
        back_url=f"{organisation.get_absolute_url()}#agreements",
    )


@officer_required
@require_http_methods(["GET", "POST"])
def agreement_delete(request, pk):
    agreement = get_object_or_404(agreements_visible_to(request.user).select_related("organisation"), pk=pk)
    if page := ask_first(request, lambda: _agreement_delete_confirmation(agreement)):
        return page
    try:
        services.agreement_delete(agreement=agreement, by=request.user)
    except ValidationError as e:
        for message in e.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Agreement deleted."))
    return redirect(agreement.organisation)
