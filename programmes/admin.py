from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .forms import TrainingRoundAdminForm
from .models import Agreement, Module, Organisation, PartnerMembership, TrainingRound


class AgreementInline(admin.TabularInline):
    model = Agreement
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "kind", "province", "city"]
    list_filter = ["kind", "province"]
    search_fields = ["name", "short_name", "city"]
    autocomplete_fields = ["parent"]
    inlines = [AgreementInline]


@admin.register(Agreement)
class AgreementAdmin(admin.ModelAdmin):
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
