"""The admin of enterprises, participation, visits and results: every write through the services
(core/admin_guards.py). Results and what hangs off them (KPI lines, photos, the approval trail) are read-only
here: they are written on the result pages, which keep the approval workflow, its trail and its e-mails."""

from django.contrib import admin

from core.admin_guards import ReadOnlyInline, ServiceHistoryAdmin, ServiceModelAdmin
from core.translated import translations_in

from . import services
from .forms import FactoryVisitAdminForm, ParticipationAdminForm
from .models import KPI, Enterprise, FactoryVisit, KPILine, Participation, Photo, PhotoPair, Result, ResultStep
from .results import services as result_services
from .results.selectors import photos_visible_to, results_visible_to


def _fields(data: dict, names) -> dict:
    return {name: data[name] for name in names if name in data}


@admin.register(Enterprise)
class EnterpriseAdmin(ServiceModelAdmin):
    """No delete: an enterprise's participation, visits and results stay (no enterprise_delete)."""

    list_display = ["name", "sector", "province", "city", "workers_women", "workers_men"]
    list_filter = ["country", "sector", "province"]
    search_fields = ["name", "city", "province"]
    autocomplete_fields = ["organisations"]

    def service_add(self, request, obj, data):
        return services.enterprise_save(
            organisations=data.get("organisations"), by=request.user, **_fields(data, services.ENTERPRISE_FIELDS)
        )

    def service_change(self, request, obj, data, edit_version):
        return services.enterprise_save(
            enterprise=obj,
            organisations=data.get("organisations"),
            by=request.user,
            edit_version=edit_version,
            **_fields(data, services.ENTERPRISE_FIELDS),
        )


@admin.register(Participation)
class ParticipationAdmin(ServiceModelAdmin):
    form = ParticipationAdminForm  # attendance and 'Module 1 first', as in the portal

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.by = request.user  # only an officer may record an exception to 'Module 1 first'
        return form

    def get_readonly_fields(self, request, obj=None):
        return ["training_round", "enterprise"] if obj is not None else []  # remove and add instead

    list_display = ["enterprise", "training_round", "managers_women", "managers_men", "workers_women", "workers_men"]
    search_fields = ["enterprise__name", "training_round__city"]
    autocomplete_fields = ["enterprise", "training_round"]
    list_select_related = ["enterprise", "training_round__module"]

    def service_add(self, request, obj, data):
        return services.participation_add(
            training_round=data["training_round"],
            enterprise=data["enterprise"],
            module_order_exception=data.get("module_order_exception") or "",
            by=request.user,
            **_fields(data, services.ATTENDANCE_FIELDS),
        )

    def service_change(self, request, obj, data, edit_version):
        return services.participation_update(
            participation=obj,
            by=request.user,
            edit_version=edit_version,
            **_fields(data, (*services.ATTENDANCE_FIELDS, "module_order_exception")),
        )

    def delete_refusal(self, obj):
        return services.participation_remove_check(participation=obj)

    def service_delete(self, request, obj):
        services.participation_remove(participation=obj, by=request.user)


@admin.register(FactoryVisit)
class FactoryVisitAdmin(ServiceModelAdmin):
    """Added and removed (no service changes a visit): a wrong visit is removed and recorded again."""

    form = FactoryVisitAdminForm
    list_display = ["enterprise", "training_round", "trainer", "visited_on"]
    search_fields = ["enterprise__name", "trainer__name"]
    autocomplete_fields = ["enterprise", "training_round", "trainer"]
    date_hierarchy = "visited_on"
    list_select_related = ["enterprise", "trainer", "training_round__module"]

    def service_add(self, request, obj, data):
        return services.factory_visit_add(
            training_round=data["training_round"],
            enterprise=data["enterprise"],
            trainer=data["trainer"],
            visited_on=data["visited_on"],
            notes=data.get("notes") or "",
            by=request.user,
        )

    def delete_refusal(self, obj):
        return services.factory_visit_remove_check(visit=obj)

    def service_delete(self, request, obj):
        services.factory_visit_remove(visit=obj, by=request.user)


@admin.register(KPI)
class KPIAdmin(ServiceModelAdmin):
    """No delete: a KPI is retired (active off), which keeps the lines that use it."""

    list_display = ["name", "unit", "direction", "active", "order"]
    list_filter = ["direction", "active"]
    search_fields = ["name", "unit"]

    _KPI_FIELDS = (
        "name",
        "unit",
        "direction",
        "description",
        "active",
        "order",
        "allows_negative",
    )

    def service_add(self, request, obj, data):
        return result_services.kpi_save(
            by=request.user, translations=translations_in(KPI, data), **_fields(data, self._KPI_FIELDS)
        )

    def service_change(self, request, obj, data, edit_version):
        return result_services.kpi_save(
            by=request.user,
            kpi=obj,
            edit_version=edit_version,
            translations=translations_in(KPI, data),
            **_fields(data, self._KPI_FIELDS),
        )


class KPILineInline(ReadOnlyInline, admin.TabularInline):
    model = KPILine
    fields = ["kpi", "baseline_value", "followup_value"]
    readonly_fields = fields


class PhotoPairInline(ReadOnlyInline, admin.TabularInline):
    model = PhotoPair
    fields = ["before", "after", "order"]
    readonly_fields = fields


class _ReadOnlyResultPart(ServiceHistoryAdmin):
    """Read-only: written on the result pages (enterprises.results.services), never by hand here."""


@admin.register(Result)
class ResultAdmin(_ReadOnlyResultPart):
    list_display = ["enterprise", "module", "status", "organisation", "author", "updated_at"]
    list_filter = ["status", "module"]
    search_fields = ["enterprise__name", "title", "narrative"]
    list_select_related = ["enterprise", "module", "organisation", "author"]
    inlines = [KPILineInline, PhotoPairInline]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(pk__in=results_visible_to(request.user).values("pk"))


@admin.register(KPILine)
class KPILineAdmin(_ReadOnlyResultPart):
    list_display = ["result", "kpi", "baseline_value", "followup_value"]
    search_fields = ["result__enterprise__name", "kpi__name"]
    list_select_related = ["result__enterprise", "result__module", "kpi"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(result__in=results_visible_to(request.user).values("pk"))


@admin.register(Photo)
class PhotoAdmin(_ReadOnlyResultPart):
    """Photos arrive through the result pages, which check and clean them (enterprises/photos.py)."""

    list_display = ["caption", "credit", "width", "height", "uploaded_at"]
    search_fields = ["caption", "credit"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(pk__in=photos_visible_to(request.user).values("pk"))


@admin.register(PhotoPair)
class PhotoPairAdmin(_ReadOnlyResultPart):
    list_display = ["result", "before", "after", "order"]
    search_fields = ["result__enterprise__name", "before__caption", "after__caption"]
    list_select_related = ["result__enterprise", "result__module", "before", "after"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(result__in=results_visible_to(request.user).values("pk"))


@admin.register(ResultStep)
class ResultStepAdmin(ServiceModelAdmin):
    """A result's approval trail: append-only (written by result_transition), never added, changed or deleted."""

    list_display = ["result", "from_status", "to_status", "by", "at"]
    list_filter = ["to_status"]
    list_select_related = ["result__enterprise", "result__module", "by"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(result__in=results_visible_to(request.user).values("pk"))
