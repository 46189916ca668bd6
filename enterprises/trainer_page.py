"""A trainer's page: their qualifications, the rounds they deliver and their factory visits. It reads the trainers
and enterprises apps, so it lives in the higher one (no import runs up the stack); its URLs keep their names,
``trainers:trainer_detail`` and ``trainers:qualification_add`` (score_portal/urls.py adds ``TRAINER_PAGE_URLS`` to
the trainers namespace). The qualification form posts here and the page is shown again with its errors."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.access import add_service_errors, officer_required
from core.once import once_per_submission
from core.pages import section_page
from programmes.selectors import rounds_visible_to
from trainers import services as trainer_services
from trainers.forms import QualificationForm
from trainers.models import Trainer
from trainers.selectors import visible_trainer_or_404

from .models import FactoryVisit


def _trainer_page(request, trainer: Trainer, qualification_form=None, status=200):
    context = {
        "trainer": trainer,
        "qualifications": list(trainer.qualifications.select_related("module", "tot_round__module")),
        "round_trainers": section_page(
            request,
            trainer.rounds.filter(training_round__in=rounds_visible_to(request.user))  # of the officer's countries
            .select_related("training_round__module", "training_round__organiser")
            .order_by("-training_round__start", "pk"),
            "rounds_page",
            50,
            "rounds",
        ),
        "visits": section_page(
            request,
            FactoryVisit.objects.filter(trainer=trainer, training_round__in=rounds_visible_to(request.user))
            .select_related("enterprise", "training_round__module")
            .order_by("-visited_on", "pk"),
            "visits_page",
            50,
            "visits",
        ),
        "qualification_form": qualification_form or QualificationForm(prefix="q", user=request.user),
        "open_form": qualification_form is not None,
    }
    return render(request, "enterprises/trainer_detail.html", context, status=status)


@officer_required
def trainer_detail(request, pk):
    return _trainer_page(request, visible_trainer_or_404(request.user, pk))


@officer_required
@require_POST
@once_per_submission
def qualification_add(request, pk):
    trainer = visible_trainer_or_404(request.user, pk)
    form = QualificationForm(request.POST, prefix="q", user=request.user)
    if form.is_valid():
        try:
            trainer_services.qualification_add(trainer=trainer, by=request.user, **form.cleaned_data)
        except ValidationError as e:
            add_service_errors(form, e)
        else:
            messages.success(request, _("Qualification added."))
            return redirect(trainer)
    return _trainer_page(request, trainer, qualification_form=form, status=400)
