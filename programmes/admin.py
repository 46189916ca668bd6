from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin_guards import guarded_delete_formset

from . import services
from .forms import AgreementAdminForm, TrainingRoundAdminForm
from .models import Agreement, Module, Organisation, PartnerMembership, TrainingRound


class AgreementDeleteGuard:
    """An agreement that rounds were run under (as a licence) cannot be deleted, here as in the portal."""

    def has_delete_permission(self, request, obj=None):
        if isinstance(obj, Agreement) and services.agreement_delete_check(agreement=obj):
            return False
        return super().has_delete_permission(request, obj)


class AgreementInline(admin.TabularInline):
    model = Agreement
    form = AgreementAdminForm
    formset = guarded_delete_formset(lambda agreement: services.agreement_delete_check(agreement=agreement))
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "kind", "province", "city"]
    list_filter = ["kind", "province"]
    search_fields = ["name", "short_name", "city"]
    autocomplete_fields = ["parent"]
    inlines = [AgreementInline]


@admin.register(Agreement)
class AgreementAdmin(AgreementDeleteGuard, admin.ModelAdmin):
    form = AgreementAdminForm
    actions = None  # bulk delete would skip the guard
    list_display = ["organisation", "kind", "signed_on", "start", "end", "territory"]
    list_filter = ["kind"]
    search_fields = ["organisation__name", "organisation__short_name", "territory"]
    autocomplete_fields = ["organisation"]
    date_hierarchy = "start"
    list_select_related = ["organisation"]


@admin.register(Module)
class ModuleAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "short_name", "order"]
    search_fields = ["code", "name", "short_name"]
    ordering = ["order"]


@admin.register(TrainingRound)
class TrainingRoundAdmin(SimpleHistoryAdmin):
    form = TrainingRoundAdminForm  # the programme rules and the round's life, as in the portal
    list_display = ["__str__", "module", "kind", "organiser", "province", "city", "start", "end", "status"]
    list_filter = ["status", "kind", "module", "province"]
    search_fields = ["city", "province", "organiser__name", "organiser__short_name", "notes"]
    autocomplete_fields = ["module", "organiser", "co_organisers"]
    date_hierarchy = "start"
    list_select_related = ["module", "organiser"]


@admin.register(PartnerMembership)
class PartnerMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation"]
    search_fields = ["user__username", "user__email", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]
    list_select_related = ["user", "organisation"]
