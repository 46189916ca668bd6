"""The admin of programme records: every write through programmes.services (core/admin_guards.py)."""

from django.contrib import admin

from core.admin_guards import ReadOnlyInline, ServiceHistoryAdmin, ServiceModelAdmin

from . import services
from .forms import AgreementAdminForm, CountryAdminForm, TrainingRoundAdminForm
from .models import Agreement, Country, Module, Organisation, PartnerMembership, Region, TrainingRound


def _fields(data: dict, names) -> dict:
    return {name: data[name] for name in names if name in data}


class AgreementInline(ReadOnlyInline, admin.TabularInline):
    """An organisation's agreements, to read: each is added, changed or deleted on its own page (licence rule)."""

    model = Agreement
    fields = ["kind", "country", "signed_on", "start", "end", "territory"]
    readonly_fields = fields
    show_change_link = True


@admin.register(Organisation)
class OrganisationAdmin(ServiceModelAdmin):
    """No delete: the services keep an organisation's rounds, results and members (no organisation_delete)."""

    list_display = ["name", "short_name", "kind", "province", "city"]
    list_filter = ["kind", "countries", "province"]
    search_fields = ["name", "short_name", "city"]
    autocomplete_fields = ["parent"]
    inlines = [AgreementInline]

    def service_add(self, request, obj, data):
        return services.organisation_save(
            by=request.user, countries=data.get("countries") or (), **_fields(data, services.ORGANISATION_FIELDS)
        )

    def service_change(self, request, obj, data, edit_version):
        return services.organisation_save(
            organisation=obj,
            countries=data.get("countries"),
            by=request.user,
            edit_version=edit_version,
            **_fields(data, services.ORGANISATION_FIELDS),
        )


@admin.register(Agreement)
class AgreementAdmin(ServiceModelAdmin):
    form = AgreementAdminForm
    list_display = ["organisation", "kind", "signed_on", "start", "end", "territory"]
    list_filter = ["kind"]
    search_fields = ["organisation__name", "organisation__short_name", "territory"]
    autocomplete_fields = ["organisation"]
    date_hierarchy = "start"
    list_select_related = ["organisation"]

    def get_readonly_fields(self, request, obj=None):
        return ["organisation"] if obj is not None else []  # an agreement stays with the organisation it is of

    def service_add(self, request, obj, data):
        return services.agreement_save(
            organisation=data["organisation"], by=request.user, **_fields(data, services.AGREEMENT_FIELDS)
        )

    def service_change(self, request, obj, data, edit_version):
        return services.agreement_save(
            organisation=obj.organisation,
            agreement=obj,
            by=request.user,
            edit_version=edit_version,
            **_fields(data, services.AGREEMENT_FIELDS),
        )

    def delete_refusal(self, obj):
        return services.agreement_delete_check(agreement=obj)

    def service_delete(self, request, obj):
        services.agreement_delete(agreement=obj, by=request.user)


@admin.register(Module)
class ModuleAdmin(ServiceModelAdmin):
    """Read-only: the modules are the programme's fixed catalogue (data migrations), with no service to change it."""

    list_display = ["code", "name", "short_name", "order"]
    search_fields = ["code", "name", "short_name"]
    ordering = ["order"]


@admin.register(TrainingRound)
class TrainingRoundAdmin(ServiceHistoryAdmin):
    """A round's status moves along its life on the round's page (round_transition); no delete (no service)."""

    form = TrainingRoundAdminForm  # the programme rules, as in the portal
    list_display = ["__str__", "country", "module", "kind", "organiser", "province", "city", "start", "end", "status"]
    list_filter = ["country", "status", "kind", "module", "province"]
    search_fields = ["city", "province", "organiser__name", "organiser__short_name", "notes"]
    autocomplete_fields = ["module", "organiser", "co_organisers"]
    date_hierarchy = "start"
    list_select_related = ["module", "organiser"]
    readonly_fields = ["status"]

    def service_add(self, request, obj, data):
        return services.round_create(
            by=request.user,
            co_organisers=data.get("co_organisers") or (),
            **_fields(data, services.ROUND_FIELDS),
        )

    def service_change(self, request, obj, data, edit_version):
        return services.round_update(
            training_round=obj,
            by=request.user,
            co_organisers=data.get("co_organisers"),
            edit_version=edit_version,
            **_fields(data, services.ROUND_FIELDS),
        )


@admin.register(PartnerMembership)
class PartnerMembershipAdmin(ServiceModelAdmin):
    """Read-only: a partner user's organisation is their role, given on the people pages (people.services)."""

    list_display = ["user", "organisation"]
    search_fields = ["user__username", "user__email", "organisation__name"]
    list_select_related = ["user", "organisation"]


class RegionInline(ReadOnlyInline, admin.TabularInline):
    """A country's regions, to read: each is added or removed on its own page (region_add, region_remove)."""

    model = Region
    fields = ["name", "kind"]
    readonly_fields = fields
    show_change_link = True


@admin.register(Country)
class CountryAdmin(ServiceHistoryAdmin):
    """No delete: the services have no country_delete (a programme's records will belong to it, issue 22)."""

    form = CountryAdminForm
    list_display = ["name", "code", "time_zone", "currency"]
    search_fields = ["name", "code"]

    def get_inlines(self, request, obj):
        return [RegionInline] if obj is not None else []  # a new country has no region yet

    def service_add(self, request, obj, data):
        return services.country_create(by=request.user, **_fields(data, services.COUNTRY_FIELDS))

    def service_change(self, request, obj, data, edit_version):
        return services.country_update(
            country=obj, by=request.user, edit_version=edit_version, **_fields(data, services.COUNTRY_FIELDS)
        )


@admin.register(Region)
class RegionAdmin(ServiceHistoryAdmin):
    """Added and removed through the services; a region is not renamed (records will name it)."""

    list_display = ["name", "kind", "country"]
    list_filter = ["country", "kind"]
    search_fields = ["name", "country__name"]
    list_select_related = ["country"]

    def service_add(self, request, obj, data):
        return services.region_add(country=data["country"], name=data["name"], kind=data["kind"], by=request.user)

    def delete_refusal(self, obj):
        return services.region_remove_check(region=obj)

    def service_delete(self, request, obj):
        services.region_remove(region=obj, by=request.user)
