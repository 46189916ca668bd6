from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .forms import FactoryVisitAdminForm, ParticipationAdminForm
from .models import KPI, Enterprise, FactoryVisit, KPILine, Participation, Photo, PhotoPair, Result, ResultStep
from .results.selectors import photos_visible_to, results_visible_to


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ["name", "sector", "province", "city", "workers_women", "workers_men"]
    list_filter = ["sector", "province"]
    search_fields = ["name", "city", "province"]
    autocomplete_fields = ["organisations"]


@admin.register(Participation)
class ParticipationAdmin(admin.ModelAdmin):
    form = ParticipationAdminForm  # attendance and 'Module 1 first', as in the portal

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.by = request.user  # only an officer may record an exception to 'Module 1 first'
        return form

    list_display = ["enterprise", "training_round", "managers_women", "managers_men", "workers_women", "workers_men"]
    search_fields = ["enterprise__name", "training_round__city"]
    autocomplete_fields = ["enterprise", "training_round"]
    list_select_related = ["enterprise", "training_round__module"]


@admin.register(FactoryVisit)
class FactoryVisitAdmin(admin.ModelAdmin):
    form = FactoryVisitAdminForm
    list_display = ["enterprise", "training_round", "trainer", "visited_on"]
    search_fields = ["enterprise__name", "trainer__name"]
    autocomplete_fields = ["enterprise", "training_round", "trainer"]
    date_hierarchy = "visited_on"
    list_select_related = ["enterprise", "trainer", "training_round__module"]


@admin.register(KPI)
class KPIAdmin(admin.ModelAdmin):
    list_display = ["name", "unit", "direction", "active", "order"]
    list_filter = ["direction", "active"]
    search_fields = ["name", "unit"]


class KPILineInline(admin.TabularInline):
    model = KPILine
    extra = 0
    autocomplete_fields = ["kpi"]


class PhotoPairInline(admin.TabularInline):
    model = PhotoPair
    extra = 0
    autocomplete_fields = ["before", "after"]


@admin.register(Result)
class ResultAdmin(SimpleHistoryAdmin):
    list_display = ["enterprise", "module", "status", "organisation", "author", "updated_at"]
    list_filter = ["status", "module"]
    search_fields = ["enterprise__name", "title", "narrative"]
    autocomplete_fields = ["enterprise", "module", "training_round", "organisation", "author"]
    list_select_related = ["enterprise", "module", "organisation", "author"]
    inlines = [KPILineInline, PhotoPairInline]
    # approval steps go through result_services (trail, e-mails), never through a bare status edit
    readonly_fields = ["status", "author", "approved_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(pk__in=results_visible_to(request.user).values("pk"))


@admin.register(KPILine)
class KPILineAdmin(SimpleHistoryAdmin):
    list_display = ["result", "kpi", "baseline_value", "followup_value"]
    search_fields = ["result__enterprise__name", "kpi__name"]
    autocomplete_fields = ["result", "kpi"]
    list_select_related = ["result__enterprise", "result__module", "kpi"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(result__in=results_visible_to(request.user).values("pk"))


@admin.register(Photo)
class PhotoAdmin(SimpleHistoryAdmin):
    list_display = ["caption", "credit", "width", "height", "uploaded_at"]
    search_fields = ["caption", "credit"]
    readonly_fields = ["image", "web", "print", "thumbnail", "width", "height"]

    def has_add_permission(self, request):
        return False  # photos arrive through the result pages, which check and clean them (enterprises/photos.py)

    def get_queryset(self, request):
        return super().get_queryset(request).filter(pk__in=photos_visible_to(request.user).values("pk"))


@admin.register(PhotoPair)
class PhotoPairAdmin(SimpleHistoryAdmin):
    list_display = ["result", "before", "after", "order"]
    search_fields = ["result__enterprise__name", "before__caption", "after__caption"]
    autocomplete_fields = ["result", "before", "after"]
    list_select_related = ["result__enterprise", "result__module", "before", "after"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(result__in=results_visible_to(request.user).values("pk"))


@admin.register(ResultStep)
class ResultStepAdmin(admin.ModelAdmin):
    list_display = ["result", "from_status", "to_status", "by", "at"]
    list_filter = ["to_status"]
    list_select_related = ["result__enterprise", "result__module", "by"]
    readonly_fields = ["result", "from_status", "to_status", "by", "at", "reason"]

    def has_add_permission(self, request):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).filter(result__in=results_visible_to(request.user).values("pk"))
