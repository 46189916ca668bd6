"""Enterprises (officers write; partners read their own), their participation in rounds and factory visits."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import F, Prefetch, Value
from django.db.models.functions import Coalesce
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from core.access import (
    ReaderRequiredMixin,
    add_service_errors,
    officer_required,
    reader_required,
    round_recorder_required,
    service_form_page,
    service_values,
)
from core.confirm import Confirmation, confirm_then
from core.editing import EditConflict, edit_conflict
from core.lists import PortalListView
from core.once import once_per_submission
from programmes.models import TrainingRound
from programmes.selectors import rounds_visible_to, visible_round_or_404

from . import services
from .filters import EnterpriseFilter
from .forms import EnterpriseForm, FactoryVisitForm, ParticipationEditForm, ParticipationForm
from .models import Enterprise, FactoryVisit, Participation
from .results.selectors import results_visible_to
from .round_page import render_round_page
from .selectors import enterprises_visible_to, modules_taken_visible_to
from .tables import EnterpriseTable


class EnterpriseListView(ReaderRequiredMixin, PortalListView):
    table_class = EnterpriseTable
    filterset_class = EnterpriseFilter
    title = gettext_lazy("Enterprises")
    create_url_name = "enterprises:enterprise_create"
    create_label = gettext_lazy("New enterprise")
    export_name = "enterprises"

    def get_queryset(self):
        taken = modules_taken_visible_to(self.request.user)
        return (
            enterprises_visible_to(self.request.user)
            .order_by("name")
            .annotate(workforce_total=Coalesce(F("workers_women"), Value(0)) + Coalesce(F("workers_men"), Value(0)))
            .prefetch_related(
                Prefetch("participations", queryset=taken.select_related("training_round__module")),
                "organisations",
            )
        )


def _visible_enterprise(request, pk) -> Enterprise:
    return get_object_or_404(enterprises_visible_to(request.user), pk=pk)


@reader_required
def enterprise_detail(request, pk):
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    enterprise = _visible_enterprise(request, pk)
    visible_rounds = rounds_visible_to(request.user)
    participations = list(
        enterprise.participations.filter(training_round__in=visible_rounds)
        .select_related("training_round__module", "training_round__organiser")
        .order_by("training_round__start")
    )
    modules: dict = {}
    for p in participations:
        r = p.training_round
        if r.status == TrainingRound.Status.CANCELLED:
            continue
        entry = modules.setdefault(r.module.pk, {"module": r.module, "completed": False, "rounds": []})
        entry["rounds"].append(r)
        entry["completed"] = entry["completed"] or r.status == TrainingRound.Status.COMPLETED
    context = {
        "enterprise": enterprise,
        "organisations": list(enterprise.organisations.all()),
        "participations": participations,
        "modules": sorted(modules.values(), key=lambda m: (m["module"].order, m["module"].code)),
        "visits": list(
            enterprise.factory_visits.filter(training_round__in=visible_rounds).select_related(
                "trainer", "training_round__module"
            )
        ),
        "results": list(
            results_visible_to(request.user).filter(enterprise=enterprise).select_related("enterprise", "module")
        ),
    }
    return render(request, "enterprises/enterprise_detail.html", context)


@officer_required
@once_per_submission
def enterprise_create(request):
    return _enterprise_form(request, None)


@officer_required
def enterprise_update(request, pk):
    return _enterprise_form(request, _visible_enterprise(request, pk))


def _enterprise_form(request, enterprise: Enterprise | None):
    form = EnterpriseForm(
        request.POST or None,
        instance=Enterprise.objects.get(pk=enterprise.pk) if enterprise else None,
        user=request.user,
    )

    def save(data):
        organisations = data.pop("organisations")
        return services.enterprise_save(enterprise=enterprise, organisations=organisations, by=request.user, **data)

    return service_form_page(
        request,
        form,
        save=save,
        instance=enterprise,
        saved_message=_("Enterprise %(name)s saved."),
        new_title=_("New enterprise"),
        list_url=reverse("enterprises:enterprise_list"),
        follow_next=True,
    )


# --- From the round's page -------------------------------------------------------------------------------


@officer_required
@require_POST
@once_per_submission
def participation_add(request, pk):
    training_round = visible_round_or_404(request.user, pk)
    form = ParticipationForm(request.POST, training_round=training_round, by=request.user, prefix="p")
    if form.is_valid():
        try:
            p = services.participation_add(training_round=training_round, by=request.user, **form.cleaned_data)
        except ValidationError as e:
            add_service_errors(form, e)
        else:
            messages.success(request, _("%(enterprise)s added to the round.") % {"enterprise": p.enterprise.name})
            return redirect(f"{training_round.get_absolute_url()}#enterprises")
    return render_round_page(request, training_round, participation_form=form)


def _round_participation(request, pk, participation_pk) -> Participation:
    training_round = visible_round_or_404(request.user, pk)
    participation = get_object_or_404(
        Participation.objects.select_related("enterprise"), pk=participation_pk, training_round=training_round
    )
    participation.training_round = training_round
    return participation


@round_recorder_required
def participation_update(request, pk, participation_pk):
    participation = _round_participation(request, pk, participation_pk)
    training_round = participation.training_round
    form = ParticipationEditForm(
        request.POST or None, instance=participation, training_round=training_round, by=request.user
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.participation_update(participation=participation, by=request.user, **service_values(form))
        except EditConflict as conflict:
            edit_conflict(form, conflict)
            status = 409
        except ValidationError as e:
            add_service_errors(form, e)
        else:
            messages.success(request, _("Attendance saved."))
            return redirect(f"{training_round.get_absolute_url()}#enterprises")
    title = _("%(enterprise)s in %(round)s") % {"enterprise": participation.enterprise.name, "round": training_round}
    return render(
        request,
        "core/form.html",
        {"form": form, "title": title, "cancel_url": training_round.get_absolute_url()},
        status=status,
    )


def _participation_remove_confirmation(participation: Participation) -> Confirmation:
    training_round = participation.training_round
    women = participation.managers_women + participation.workers_women
    return Confirmation(
        question=_("Remove %(enterprise)s from the round %(round)s?")
        % {"enterprise": participation.enterprise.name, "round": training_round},
        consequences=[
            ngettext(
                "Its attendance is deleted: %(count)d participant, %(women)s of them women.",
                "Its attendance is deleted: %(count)d participants, %(women)s of them women.",
                participation.participants,
            )
            % {"count": participation.participants, "women": women},
            _("The enterprise itself and its other rounds are kept."),
        ],
        undo=_("It can be added again from the round's page (Add an enterprise), with its attendance typed again."),
        refused=services.participation_remove_check(participation=participation) or "",
        button=_("Remove the enterprise"),
        back_url=f"{training_round.get_absolute_url()}#enterprises",
    )


@officer_required
@require_http_methods(["GET", "POST"])
def participation_remove(request, pk, participation_pk):
    participation = _round_participation(request, pk, participation_pk)
    return confirm_then(
        request,
        lambda: _participation_remove_confirmation(participation),
        lambda: services.participation_remove(participation=participation, by=request.user),
        done=_("%(enterprise)s removed from the round. It can be added again with “Add an enterprise”.")
        % {"enterprise": participation.enterprise.name},
        back=f"{participation.training_round.get_absolute_url()}#enterprises",
    )


@round_recorder_required
@require_POST
@once_per_submission
def factory_visit_add(request, pk):
    training_round = visible_round_or_404(request.user, pk)
    form = FactoryVisitForm(request.POST, training_round=training_round, prefix="v")
    if form.is_valid():
        try:
            services.factory_visit_add(training_round=training_round, by=request.user, **form.cleaned_data)
        except ValidationError as e:
            add_service_errors(form, e)
        else:
            messages.success(request, _("Factory visit recorded."))
            return redirect(f"{training_round.get_absolute_url()}#visits")
    return render_round_page(request, training_round, visit_form=form)


@round_recorder_required
@require_http_methods(["GET", "POST"])
def factory_visit_remove(request, pk, visit_pk):
    training_round = visible_round_or_404(request.user, pk)
    visit = get_object_or_404(
        FactoryVisit.objects.select_related("enterprise", "trainer"), pk=visit_pk, training_round=training_round
    )
    visit.training_round = training_round

    def describe() -> Confirmation:
        return Confirmation(
            question=_("Remove the factory visit to %(enterprise)s on %(date)s?")
            % {"enterprise": visit.enterprise.name, "date": date_format(visit.visited_on, "DATE_FORMAT")},
            consequences=[
                _("The visit by %(trainer)s is deleted with its notes.") % {"trainer": visit.trainer.name},
            ],
            undo=_("It can be recorded again from the round's page (Record a factory visit)."),
            button=_("Remove the visit"),
            back_url=f"{training_round.get_absolute_url()}#visits",
        )

    return confirm_then(
        request,
        describe,
        lambda: services.factory_visit_remove(visit=visit, by=request.user),
        done=_("Factory visit removed. It can be recorded again with “Record a factory visit”."),
        back=f"{training_round.get_absolute_url()}#visits",
    )
