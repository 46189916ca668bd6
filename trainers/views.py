"""Trainers (officers only): the list, the forms, a qualification removed, and the autocompletes of the round's
and the trainer's pages. The trainer's page itself shows their factory visits, so it lives in enterprises
(enterprises/trainer_page.py), as does who delivers a round (enterprises/round_page.py)."""

from __future__ import annotations

from django.db.models import OuterRef, Prefetch, Q
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods

from core.access import OfficerRequiredMixin, officer_required, service_form_page
from core.confirm import Confirmation, confirm_then
from core.lists import PortalListView
from core.once import once_per_submission
from core.queries import count_of
from programmes.models import TrainingRound
from programmes.selectors import rounds_visible_to

from . import services
from .filters import TrainerFilter
from .forms import RoundTrainerForm, TrainerForm
from .models import Qualification, RoundTrainer, Trainer
from .selectors import trainers_visible_to, visible_trainer_or_404
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


@officer_required
@once_per_submission
def trainer_create(request):
    return _trainer_form(request, None)


@officer_required
def trainer_update(request, pk):
    return _trainer_form(request, visible_trainer_or_404(request.user, pk))


def _trainer_form(request, trainer: Trainer | None):
    form = TrainerForm(
        request.POST or None, instance=Trainer.objects.get(pk=trainer.pk) if trainer else None, user=request.user
    )
    return service_form_page(
        request,
        form,
        save=lambda data: services.trainer_save(trainer=trainer, by=request.user, **data),
        instance=trainer,
        saved_message=_("Trainer %(name)s saved."),
        new_title=_("New trainer"),
        list_url=reverse("trainers:trainer_list"),
    )


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
    return confirm_then(
        request,
        lambda: _qualification_remove_confirmation(qualification),
        lambda: services.qualification_remove(qualification=qualification, by=request.user),
        done=_("Qualification removed. It can be added again with “Add a qualification”."),
        back=qualification.trainer.get_absolute_url(),
    )


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
