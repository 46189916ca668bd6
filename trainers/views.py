"""Trainers and their qualifications (officers only), and who delivers a round (from the round's page)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import OuterRef, Prefetch, Q
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from core.access import OfficerRequiredMixin, add_service_errors, officer_required, service_form_page
from core.confirm import Confirmation, ask_first
from core.once import once_per_submission
from core.pages import section_page
from core.queries import count_of
from enterprises.models import FactoryVisit
from programmes.models import TrainingRound
from programmes.selectors import rounds_visible_to
from programmes.views import PortalListView, _visible_round, render_round_page

from . import services
from .filters import TrainerFilter
from .forms import QualificationForm, RoundTrainerForm, TrainerForm
from .models import Qualification, RoundTrainer, Trainer
from .selectors import trainers_visible_to
from .tables import TrainerTable


class TrainerListView(OfficerRequiredMixin, PortalListView):
    table_class = TrainerTable
    filterset_class = TrainerFilter
    title = gettext_lazy("Trainers")
    create_url_name = "trainers:trainer_create"
    create_label = gettext_lazy("New trainer")
    export_name = "trainers"

    def get_queryset(self):
        return (
            trainers_visible_to(self.request.user)
            .select_related("organisation")
            .prefetch_related(Prefetch("qualifications", queryset=Qualification.objects.select_related("module")))
            .annotate(n_rounds=count_of(RoundTrainer.objects.filter(trainer=OuterRef("pk"))))
            .order_by("name")
        )


def _visible_trainer(request, pk) -> Trainer:
    return get_object_or_404(trainers_visible_to(request.user).select_related("organisation"), pk=pk)


def _trainer_page(request, trainer: Trainer, qualification_form=None, status=200):
    context = {
        "trainer": trainer,
        "qualifications": list(trainer.qualifications.select_related("module", "tot_round__module")),
        "round_trainers": section_page(
            request,
            trainer.rounds.select_related("training_round__module", "training_round__organiser").order_by(
                "-training_round__start", "pk"
            ),
            "rounds_page",
            50,
            "rounds",
        ),
        "visits": section_page(
            request,
            FactoryVisit.objects.filter(trainer=trainer)
            .select_related("enterprise", "training_round__module")
            .order_by("-visited_on", "pk"),
            "visits_page",
            50,
            "visits",
        ),
        "qualification_form": qualification_form or QualificationForm(prefix="q"),
        "open_form": qualification_form is not None,
    }
    return render(request, "trainers/trainer_detail.html", context, status=status)


@officer_required
def trainer_detail(request, pk):
    return _trainer_page(request, _visible_trainer(request, pk))


@officer_required
@once_per_submission
def trainer_create(request):
    return _trainer_form(request, None)


@officer_required
def trainer_update(request, pk):
    return _trainer_form(request, _visible_trainer(request, pk))


def _trainer_form(request, trainer: Trainer | None):
    form = TrainerForm(request.POST or None, instance=Trainer.objects.get(pk=trainer.pk) if trainer else None)
    return service_form_page(
        request,
        form,
        save=lambda data: services.trainer_save(trainer=trainer, by=request.user, **data),
        instance=trainer,
        saved_message=_("Trainer %(name)s saved."),
        new_title=_("New trainer"),
        list_url=reverse("trainers:trainer_list"),
    )


@officer_required
@require_POST
@once_per_submission
def qualification_add(request, pk):
    trainer = _visible_trainer(request, pk)
    form = QualificationForm(request.POST, prefix="q")
    if form.is_valid():
        try:
            services.qualification_add(trainer=trainer, by=request.user, **form.cleaned_data)
        except ValidationError as e:
            add_service_errors(form, e)
        else:
            messages.success(request, _("Qualification added."))
            return redirect(trainer)
    return _trainer_page(request, trainer, qualification_form=form, status=400)


def _qualification_remove_confirmation(qualification: Qualification) -> Confirmation:
    trainer = qualification.trainer
    others = trainer.qualifications.exclude(pk=qualification.pk).count()
    return Confirmation(
        question=_("Remove the qualification %(module)s of %(trainer)s?")
        % {"module": qualification.module, "trainer": trainer.name},
        consequences=[
            _("%(trainer)s can no longer be assigned to rounds of %(module)s on the strength of it.")
            % {"trainer": trainer.name, "module": qualification.module.code},
            ngettext(
                "%(count)d other qualification stays recorded.",
                "%(count)d other qualifications stay recorded.",
                others,
            )
            % {"count": others},
        ],
        refused=services.qualification_remove_check(qualification=qualification) or "",
        undo=_("It can be added again on the trainer's page (Add a qualification)."),
        button=_("Remove the qualification"),
        back_url=f"{trainer.get_absolute_url()}#qualifications",
    )


@officer_required
@require_http_methods(["GET", "POST"])
def qualification_remove(request, pk):
    qualification = get_object_or_404(
        Qualification.objects.filter(trainer__in=trainers_visible_to(request.user)).select_related("trainer", "module"),
        pk=pk,
    )
    if page := ask_first(request, lambda: _qualification_remove_confirmation(qualification)):
        return page
    try:
        services.qualification_remove(qualification=qualification, by=request.user)
    except ValidationError as e:
        for message in e.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Qualification removed. It can be added again with “Add a qualification”."))
    return redirect(qualification.trainer)


# --- From the round's page -------------------------------------------------------------------------------


@officer_required
@require_POST
@once_per_submission
def round_trainer_add(request, pk):
    training_round = _visible_round(request, pk)
    form = RoundTrainerForm(request.POST, training_round=training_round, prefix="t")
    if form.is_valid():
        try:
            rt = services.round_trainer_add(training_round=training_round, by=request.user, **form.cleaned_data)
        except ValidationError as e:
            add_service_errors(form, e)
        else:
            messages.success(request, _("%(trainer)s added to the round.") % {"trainer": rt.trainer.name})
            return redirect(f"{training_round.get_absolute_url()}#trainers")
    return render_round_page(request, training_round, trainer_form=form)


@officer_required
@require_http_methods(["GET", "POST"])
def round_trainer_remove(request, pk, rt_pk):
    training_round = _visible_round(request, pk)
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

    if page := ask_first(request, describe):
        return page
    try:
        services.round_trainer_remove(round_trainer=rt, by=request.user)
    except ValidationError as e:
        for message in e.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("%(trainer)s removed from the round. The trainer can be added again with “Add a trainer”.")
            % {"trainer": rt.trainer.name},
        )
    return redirect(f"{training_round.get_absolute_url()}#trainers")


@officer_required
def trainer_autocomplete(request):
    """Active trainers whose name or organisation contains ?q= (JSON, at most 20), for the round page."""
    q = request.GET.get("q", "").strip()
    qs = trainers_visible_to(request.user).filter(active=True).select_related("organisation")
    if q:
        qs = qs.filter(
            Q(name__icontains=q) | Q(organisation__name__icontains=q) | Q(organisation__short_name__icontains=q)
        )
    data = [{"id": t.pk, "label": RoundTrainerForm.trainer_label(t)} for t in qs.order_by("name")[:20]]
    return JsonResponse({"results": data})


@officer_required
def tot_round_autocomplete(request):
    """Rounds that train trainers whose place, module or organiser contains ?q= (JSON, at most 20, latest
    first), for a qualification's ToT round on the trainer's page."""
    q = request.GET.get("q", "").strip()
    qs = rounds_visible_to(request.user).exclude(kind=TrainingRound.Kind.TOE).select_related("module")
    if q:
        qs = qs.filter(
            Q(city__icontains=q)
            | Q(province__icontains=q)
            | Q(module__code__icontains=q)
            | Q(organiser__name__icontains=q)
            | Q(organiser__short_name__icontains=q)
        )
    data = [{"id": r.pk, "label": str(r)} for r in qs.order_by("-start", "pk")[:20]]
    return JsonResponse({"results": data})
