from django.contrib import admin
from django.db import models

from core.admin_guards import guarded_delete_formset
from core.uploads import BoundedImageField

from . import services
from .forms import RoundTrainerAdminForm
from .models import Qualification, RoundTrainer, Trainer


class QualificationDeleteGuard:
    """A qualification a round relies on cannot be deleted, here as in the portal."""

    def has_delete_permission(self, request, obj=None):
        if isinstance(obj, Qualification) and services.qualification_remove_check(qualification=obj):
            return False
        return super().has_delete_permission(request, obj)


class QualificationInline(admin.TabularInline):
    model = Qualification
    fk_name = "trainer"
    formset = guarded_delete_formset(lambda q: services.qualification_remove_check(qualification=q))
    extra = 0
    autocomplete_fields = ["module", "tot_round"]


@admin.register(Trainer)
class TrainerAdmin(admin.ModelAdmin):
    list_display = ["name", "sex", "role", "organisation", "active"]
    list_filter = ["role", "sex", "active"]
    search_fields = ["name", "position", "organisation__name", "organisation__short_name"]
    autocomplete_fields = ["organisation"]
    formfield_overrides = {models.ImageField: {"form_class": BoundedImageField}}  # bounded like every upload
    list_select_related = ["organisation"]
    inlines = [QualificationInline]


@admin.register(Qualification)
class QualificationAdmin(QualificationDeleteGuard, admin.ModelAdmin):
    actions = None  # bulk delete would skip the guard
    list_display = ["trainer", "module", "qualified_on", "expires_on"]
    list_filter = ["module"]
    search_fields = ["trainer__name"]
    autocomplete_fields = ["trainer", "module", "tot_round"]
    list_select_related = ["trainer", "module"]


@admin.register(RoundTrainer)
class RoundTrainerAdmin(admin.ModelAdmin):
    form = RoundTrainerAdminForm  # a ToE round's trainers are qualified, as in the portal
    list_display = ["trainer", "training_round", "role"]
    list_filter = ["role"]
    search_fields = ["trainer__name", "training_round__city"]
    autocomplete_fields = ["trainer", "training_round"]
    list_select_related = ["trainer", "training_round__module"]
