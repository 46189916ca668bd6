"""A training round's page: its enterprises and their attendance, its trainers, factory visits and results, and
the forms that add to them. It reads the programmes, trainers and enterprises apps, so it lives in the highest of
them (no import runs up the stack); its URL keeps the round's name, ``programmes:round_detail`` (score_portal/urls.py
adds ``ROUND_PAGE_URLS`` to the programmes namespace). The attendance and visit forms post to enterprises.views,
the trainers' forms and the round's moves (whose confirmation counts its enterprises, trainers and visits) to the
views below; each re-shows this page with its errors."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from core import roles
from core.access import add_service_errors, can_record_in_rounds, officer_required, reader_required
from core.confirm import Confirmation, ask_first, confirm_then
from core.once import once_per_submission
from core.pages import section_page, url_maker
from programmes import services as programme_services
from programmes.models import TrainingRound
from programmes.selectors import visible_round_or_404
from trainers import services as trainer_services
from trainers.forms import RoundTrainerForm
from trainers.models import RoundTrainer

from .forms import FactoryVisitForm, ParticipationForm
from .models import FactoryVisit, Participation
from .results.selectors import results_visible_to


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
        "transitions": programme_services.allowed_transitions(training_round) if is_officer else [],
        "can_cancel": is_officer
        and TrainingRound.Status.CANCELLED in dict(programme_services.allowed_transitions(training_round)),
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


@reader_required
def round_detail(request, pk):
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    training_round = visible_round_or_404(request.user, pk)
    return render(request, "enterprises/round_detail.html", round_page_context(request, training_round))


def render_round_page(request, training_round: TrainingRound, **forms):
    """Re-show the round's page with a form's errors in place (the 'add' views post here and redirect back)."""
    return render(
        request, "enterprises/round_detail.html", round_page_context(request, training_round, **forms), status=400
    )


# --- The round moves on (programmes' services) -------------------------------------------------------------


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
    training_round = visible_round_or_404(request.user, pk)
    data = request.POST if request.method == "POST" else request.GET
    to_status = data.get("to_status", "")
    allowed = dict(programme_services.allowed_transitions(training_round))
    final = to_status in programme_services.FINAL_STATUSES and to_status in allowed
    if not final and request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if final and (page := ask_first(request, lambda: _round_final_confirmation(training_round, to_status))):
        return page
    try:
        programme_services.round_transition(training_round=training_round, to_status=to_status, by=request.user)
    except ValidationError as e:
        for message in e.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("The round is now %(status)s.") % {"status": training_round.get_status_display().lower()}
        )
    return redirect(training_round)


# --- Who delivers the round (trainers' services) -----------------------------------------------------------


@officer_required
@require_POST
@once_per_submission
def round_trainer_add(request, pk):
    training_round = visible_round_or_404(request.user, pk)
    form = RoundTrainerForm(request.POST, training_round=training_round, prefix="t")
    if form.is_valid():
        try:
            rt = trainer_services.round_trainer_add(training_round=training_round, by=request.user, **form.cleaned_data)
        except ValidationError as e:
            add_service_errors(form, e)
        else:
            messages.success(request, _("%(trainer)s added to the round.") % {"trainer": rt.trainer.name})
            return redirect(f"{training_round.get_absolute_url()}#trainers")
    return render_round_page(request, training_round, trainer_form=form)


@officer_required
@require_http_methods(["GET", "POST"])
def round_trainer_remove(request, pk, rt_pk):
    training_round = visible_round_or_404(request.user, pk)
    rt = get_object_or_404(RoundTrainer.objects.select_related("trainer"), pk=rt_pk, training_round=training_round)
    rt.training_round = training_round

    def describe() -> Confirmation:
        visits = FactoryVisit.objects.filter(training_round=training_round, trainer=rt.trainer_id).count()
        return Confirmation(
            question=_("Remove %(trainer)s (%(role)s) from the round %(round)s?")
            % {"trainer": rt.trainer.name, "role": rt.get_role_display().lower(), "round": training_round},
            consequences=[
                ngettext(
                    "%(count)d factory visit by this trainer in this round stays recorded.",
                    "%(count)d factory visits by this trainer in this round stay recorded.",
                    visits,
                )
                % {"count": visits},
                _("The trainer's record and qualifications are kept."),
            ],
            undo=_("The trainer can be added again from the round's page (Add a trainer)."),
            button=_("Remove the trainer"),
            back_url=f"{training_round.get_absolute_url()}#trainers",
        )

    return confirm_then(
        request,
        describe,
        lambda: trainer_services.round_trainer_remove(round_trainer=rt, by=request.user),
        done=_("%(trainer)s removed from the round. The trainer can be added again with “Add a trainer”.")
        % {"trainer": rt.trainer.name},
        back=f"{training_round.get_absolute_url()}#trainers",
    )
