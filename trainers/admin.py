"""The admin of trainers, their qualifications and who delivers a round: every write through trainers.services
(core/admin_guards.py)."""

from django.contrib import admin
from django.db import models

from core.admin_guards import ReadOnlyInline, ServiceModelAdmin
from core.uploads import BoundedImageField

from . import services
from .forms import RoundTrainerAdminForm
from .models import Qualification, RoundTrainer, Trainer


class QualificationInline(ReadOnlyInline, admin.TabularInline):
    """A trainer's qualifications, to read: each is added or removed on its own page (rounds rely on them)."""

    model = Qualification
    fk_name = "trainer"
    fields = ["module", "qualified_on", "expires_on", "tot_round"]
    readonly_fields = fields
    show_change_link = True


@admin.register(Trainer)
class TrainerAdmin(ServiceModelAdmin):
    """No delete: a trainer's rounds, visits and comments stay (no trainer_delete); a trainer is made inactive."""

    list_display = ["name", "sex", "role", "organisation", "active"]
    list_filter = ["countries", "role", "sex", "active"]
    search_fields = ["name", "position", "organisation__name", "organisation__short_name"]
    autocomplete_fields = ["organisation"]
    formfield_overrides = {models.ImageField: {"form_class": BoundedImageField}}  # bounded like every upload
    list_select_related = ["organisation"]
    inlines = [QualificationInline]

    def _fields(self, data):
        return {name: data[name] for name in services.TRAINER_FIELDS if name in data}

    def service_add(self, request, obj, data):
        return services.trainer_save(by=request.user, countries=data.get("countries") or (), **self._fields(data))

    def service_change(self, request, obj, data, edit_version):
        return services.trainer_save(
            trainer=obj,
            countries=data.get("countries"),
            by=request.user,
            edit_version=edit_version,
            **self._fields(data),
        )


@admin.register(Qualification)
class QualificationAdmin(ServiceModelAdmin):
    """Added and removed (no service changes a qualification): a wrong one is removed and added again."""

    list_display = ["trainer", "module", "qualified_on", "expires_on"]
    list_filter = ["module"]
    search_fields = ["trainer__name"]
    autocomplete_fields = ["trainer", "module", "tot_round"]
    list_select_related = ["trainer", "module"]

    def service_add(self, request, obj, data):
        return services.qualification_add(
            trainer=data["trainer"],
            module=data["module"],
            qualified_on=data["qualified_on"],
            expires_on=data.get("expires_on"),
            tot_round=data.get("tot_round"),
            by=request.user,
        )

    def delete_refusal(self, obj):
        return services.qualification_remove_check(qualification=obj)

    def service_delete(self, request, obj):
        services.qualification_remove(qualification=obj, by=request.user)


@admin.register(RoundTrainer)
class RoundTrainerAdmin(ServiceModelAdmin):
    """Added and removed (no service changes an assignment)."""

    form = RoundTrainerAdminForm  # a ToE round's trainers are qualified, as in the portal
    list_display = ["trainer", "training_round", "role"]
    list_filter = ["role"]
    search_fields = ["trainer__name", "training_round__city"]
    autocomplete_fields = ["trainer", "training_round"]
    list_select_related = ["trainer", "training_round__module"]

    def service_add(self, request, obj, data):
        return services.round_trainer_add(
            training_round=data["training_round"], trainer=data["trainer"], role=data["role"], by=request.user
        )

    def delete_refusal(self, obj):
        return services.round_trainer_remove_check(round_trainer=obj)

    def service_delete(self, request, obj):
        services.round_trainer_remove(round_trainer=obj, by=request.user)
