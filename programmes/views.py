"""Country programmes, organisations, agreements and training rounds: lists, details and forms.

Views read input, call one service, and turn a refusal into a message next to the field. Every read starts
from a ``*_visible_to(user)`` selector; what a user may not see is a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, DateField, F, OuterRef, Q
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods

from core import roles
from core.access import (
    OfficerRequiredMixin,
    ReaderRequiredMixin,
    add_service_errors,
    global_officer_required,
    officer_required,
    service_form_page,
    service_values,
)
from core.confirm import Confirmation, confirm_then
from core.editing import EditConflict, edit_conflict
from core.lists import PortalListView
from core.once import once_per_submission
from core.pages import section_page
from core.queries import count_of, max_of

from . import services
from .filters import CountryFilter, OrganisationFilter, RoundFilter
from .forms import AgreementForm, CountryForm, ExchangeRateForm, OrganisationForm, RegionForm, RoundForm
from .models import Agreement, Country, Organisation, Region, TrainingRound
from .selectors import (
    agreements_visible_to,
    countries_visible_to,
    exchange_rates_visible_to,
    organisations_visible_to,
    regions_visible_to,
    rounds_visible_to,
    visible_round_or_404,
)
from .tables import CountryTable, OrganisationTable, RoundTable


class RoundListView(ReaderRequiredMixin, PortalListView):
    table_class = RoundTable
    filterset_class = RoundFilter
    title = gettext_lazy("Training rounds")
    create_url_name = "programmes:round_create"
    create_label = gettext_lazy("New round")
    export_name = "training-rounds"

    def get_queryset(self):
        # Each round's counts are kept with it (enterprises.tally): one join, also when the list is sorted by them.
        return (
            rounds_visible_to(self.request.user)
            .prefetch_related("module", "organiser")  # joined after the LIMIT, not to every round before the sort
            .order_by("-start", "city")
            .annotate(
                n_enterprises=Coalesce(F("tally__enterprises"), 0),
                n_participants=Coalesce(F("tally__participants"), 0),
            )
        )


class OrganisationListView(OfficerRequiredMixin, PortalListView):
    table_class = OrganisationTable
    filterset_class = OrganisationFilter
    title = gettext_lazy("Organisations")
    create_url_name = "programmes:organisation_create"
    create_label = gettext_lazy("New organisation")
    export_name = "organisations"

    def get_queryset(self):
        licences = Agreement.objects.filter(organisation=OuterRef("pk"), kind=Agreement.Kind.LICENCE)
        return (
            organisations_visible_to(self.request.user)
            .select_related("parent")
            .order_by("name")
            .annotate(
                n_agreements=count_of(Agreement.objects.filter(organisation=OuterRef("pk"))),
                licence_until=max_of(licences.filter(end__isnull=False), "end", DateField()),
                n_rounds=count_of(TrainingRound.objects.filter(organiser=OuterRef("pk"))),
            )
        )


# --- Training rounds ---------------------------------------------------------------------------------------


def _round_form_values(form) -> dict:
    data = service_values(form)
    return {"co_organisers": data.pop("co_organisers", []), **data}


@officer_required
@once_per_submission
def round_create(request):
    form = RoundForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            training_round = services.round_create(by=request.user, **_round_form_values(form))
        except ValidationError as e:
            add_service_errors(form, e)
        else:
            messages.success(request, _("Training round %(round)s created.") % {"round": training_round})
            return redirect(training_round)
    return render(
        request,
        "core/form.html",
        {"form": form, "title": _("New training round"), "cancel_url": reverse("programmes:round_list")},
    )


@officer_required
def round_update(request, pk):
    training_round = visible_round_or_404(request.user, pk)
    form = RoundForm(request.POST or None, instance=TrainingRound.objects.get(pk=training_round.pk), user=request.user)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.round_update(training_round=training_round, by=request.user, **_round_form_values(form))
        except EditConflict as conflict:
            edit_conflict(form, conflict)
            status = 409
        except ValidationError as e:
            add_service_errors(form, e)
        else:
            messages.success(request, _("Training round saved."))
            return redirect(training_round)
    return render(
        request,
        "core/form.html",
        {
            "form": form,
            "title": _("Edit %(round)s") % {"round": training_round},
            "cancel_url": training_round.get_absolute_url(),
        },
        status=status,
    )


# --- Organisations and agreements ------------------------------------------------------------------------


def _visible_organisation(request, pk) -> Organisation:
    return get_object_or_404(organisations_visible_to(request.user).select_related("parent"), pk=pk)


@officer_required
def organisation_detail(request, pk):
    organisation = _visible_organisation(request, pk)
    rounds = (
        rounds_visible_to(request.user)
        .filter(Q(organiser=organisation) | Q(co_organisers=organisation))
        .distinct()
        .select_related("module", "organiser")
        .order_by("-start", "pk")
    )
    context = {
        "organisation": organisation,
        "agreements": list(agreements_visible_to(request.user).filter(organisation=organisation)),
        "branches": list(organisations_visible_to(request.user).filter(parent=organisation)),
        "rounds": section_page(request, rounds, "rounds_page", 25, "rounds"),
        "trainers": section_page(
            request,
            organisation.trainers.filter(countries__in=countries_visible_to(request.user))
            .distinct()
            .order_by("name", "pk"),
            "trainers_page",
            100,
            "trainers",
        ),
        "n_enterprises": organisation.enterprises.count(),
        "agreement_form": AgreementForm(organisation=organisation, user=request.user),
    }
    return render(request, "programmes/organisation_detail.html", context)


@officer_required
@once_per_submission
def organisation_create(request):
    return _organisation_form(request, None)


@officer_required
def organisation_update(request, pk):
    return _organisation_form(request, _visible_organisation(request, pk))


def _organisation_form(request, organisation: Organisation | None):
    form = OrganisationForm(
        request.POST or None,
        instance=Organisation.objects.get(pk=organisation.pk) if organisation else None,
        user=request.user,
    )
    return service_form_page(
        request,
        form,
        save=lambda data: services.organisation_save(organisation=organisation, by=request.user, **data),
        instance=organisation,
        saved_message=_("Organisation %(name)s saved."),
        new_title=_("New organisation"),
        list_url=reverse("programmes:organisation_list"),
    )


@officer_required
@once_per_submission
def agreement_create(request, pk):
    organisation = _visible_organisation(request, pk)
    return _agreement_form(request, organisation, None)


@officer_required
def agreement_update(request, pk):
    agreement = get_object_or_404(agreements_visible_to(request.user).select_related("organisation"), pk=pk)
    return _agreement_form(request, agreement.organisation, agreement)


def _agreement_form(request, organisation: Organisation, agreement: Agreement | None):
    form = AgreementForm(
        request.POST or None,
        organisation=organisation,
        user=request.user,
        instance=Agreement.objects.get(pk=agreement.pk) if agreement else None,
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.agreement_save(
                organisation=organisation, agreement=agreement, by=request.user, **service_values(form)
            )
        except EditConflict as conflict:
            edit_conflict(form, conflict)
            status = 409
        except ValidationError as e:
            add_service_errors(form, e)
        else:
            messages.success(request, _("Agreement saved."))
            return redirect(organisation)
    title = _("Edit agreement of %(org)s") if agreement else _("New agreement for %(org)s")
    return render(
        request,
        "core/form.html",
        {"form": form, "title": title % {"org": organisation.name}, "cancel_url": organisation.get_absolute_url()},
        status=status,
    )


def _agreement_delete_confirmation(agreement: Agreement) -> Confirmation:
    organisation = agreement.organisation
    others = organisation.agreements.exclude(pk=agreement.pk).count()
    return Confirmation(
        question=_("Delete the %(kind)s of %(organisation)s signed on %(date)s?")
        % {
            "kind": agreement.get_kind_display().lower(),
            "organisation": organisation.name,
            "date": date_format(agreement.signed_on, "DATE_FORMAT"),
        },
        consequences=[
            _("The agreement's dates, territory and notes are deleted; it cannot be restored."),
            ngettext(
                "%(count)d other agreement of %(organisation)s stays recorded.",
                "%(count)d other agreements of %(organisation)s stay recorded.",
                others,
            )
            % {"count": others, "organisation": organisation.name},
        ],
        refused=services.agreement_delete_check(agreement=agreement) or "",
        button=_("Delete the agreement"),
        back_url=f"{organisation.get_absolute_url()}#agreements",
    )


@officer_required
@require_http_methods(["GET", "POST"])
def agreement_delete(request, pk):
    agreement = get_object_or_404(agreements_visible_to(request.user).select_related("organisation"), pk=pk)
    return confirm_then(
        request,
        lambda: _agreement_delete_confirmation(agreement),
        lambda: services.agreement_delete(agreement=agreement, by=request.user),
        done=_("Agreement deleted."),
        back=agreement.organisation.get_absolute_url(),
    )


# --- Country programmes and their regions ----------------------------------------------------------------


class CountryListView(OfficerRequiredMixin, PortalListView):
    table_class = CountryTable
    filterset_class = CountryFilter
    title = gettext_lazy("Country programmes")
    create_url_name = "programmes:country_create"
    create_label = gettext_lazy("New country programme")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if not roles.sees_every_country(self.request.user):  # only the global team starts a country programme
            context["create_url"] = ""
        return context

    export_name = "country-programmes"

    def get_queryset(self):
        return countries_visible_to(self.request.user).order_by("name").annotate(n_regions=Count("regions"))


def _visible_country(request, pk) -> Country:
    return get_object_or_404(countries_visible_to(request.user), pk=pk)


@officer_required
def country_detail(request, pk):
    country = _visible_country(request, pk)
    context = {
        "country": country,
        "regions": list(country.regions.order_by("name")),
        "region_form": RegionForm(country=country),
        "rates": list(exchange_rates_visible_to(request.user).filter(currency=country.currency)),
        "rate_form": ExchangeRateForm(country=country),
    }
    return render(request, "programmes/country_detail.html", context)


@global_officer_required
@once_per_submission
def country_create(request):
    return _country_form(request, None)


@officer_required
def country_update(request, pk):
    return _country_form(request, _visible_country(request, pk))


def _country_form(request, country: Country | None):
    form = CountryForm(request.POST or None, instance=Country.objects.get(pk=country.pk) if country else None)

    def save(data: dict) -> Country:
        if country is None:
            return services.country_create(by=request.user, **data)
        return services.country_update(country=country, by=request.user, **data)

    return service_form_page(
        request,
        form,
        save=save,
        instance=country,
        saved_message=_("Country programme %(name)s saved."),
        new_title=_("New country programme"),
        list_url=reverse("programmes:country_list"),
    )


@officer_required
@require_http_methods(["GET", "POST"])
@once_per_submission
def region_add(request, pk):
    country = _visible_country(request, pk)
    form = RegionForm(request.POST or None, country=country)
    if request.method == "POST" and form.is_valid():
        try:
            region = services.region_add(country=country, by=request.user, **form.cleaned_data)
        except ValidationError as e:
            add_service_errors(form, e)
        else:
            messages.success(request, _("Region %(name)s added.") % {"name": region.name})
            return redirect(f"{country.get_absolute_url()}#regions")
    return render(
        request,
        "core/form.html",
        {
            "form": form,
            "title": _("New region of %(country)s") % {"country": country.name},
            "cancel_url": country.get_absolute_url(),
        },
    )


def _region_remove_confirmation(region: Region) -> Confirmation:
    country = region.country
    refused = services.region_remove_check(region=region) or ""
    return Confirmation(
        question=_("Remove the region %(region)s from %(country)s?") % {"region": region.name, "country": country.name},
        consequences=[]
        if refused
        else [
            _("The forms and filters of %(country)s no longer offer it.") % {"country": country.name},
            _("No record names it; you can add it again later."),
        ],
        refused=refused,
        button=_("Remove the region"),
        back_url=f"{country.get_absolute_url()}#regions",
    )


@officer_required
@require_http_methods(["GET", "POST"])
def region_remove(request, pk):
    region = get_object_or_404(regions_visible_to(request.user).select_related("country"), pk=pk)
    return confirm_then(
        request,
        lambda: _region_remove_confirmation(region),
        lambda: services.region_remove(region=region, by=request.user),
        done=_("Region %(name)s removed.") % {"name": region.name},
        back=f"{region.country.get_absolute_url()}#regions",
    )


# --- Exchange rates to US dollars (kept per currency and year, set from a country's page) -----------------


@officer_required
@require_http_methods(["GET", "POST"])
@once_per_submission
def exchange_rate_set(request, pk):
    country = _visible_country(request, pk)
    form = ExchangeRateForm(request.POST or None, country=country)
    if request.method == "POST" and form.is_valid():
        try:
            rate = services.exchange_rate_set(currency=country.currency, by=request.user, **form.cleaned_data)
        except ValidationError as e:
            add_service_errors(form, e)
        else:
            messages.success(
                request,
                _("Rate for %(year)s saved: %(rate)s %(currency)s for one US dollar.")
                % {"year": rate.year, "rate": rate.units_per_usd.normalize(), "currency": rate.currency},
            )
            return redirect(f"{country.get_absolute_url()}#rates")
    return render(
        request,
        "core/form.html",
        {
            "form": form,
            "title": _("Exchange rate of %(currency)s to the US dollar") % {"currency": country.currency},
            "cancel_url": f"{country.get_absolute_url()}#rates",
        },
    )


@officer_required
@require_http_methods(["GET", "POST"])
def exchange_rate_remove(request, pk, rate_pk):
    country = _visible_country(request, pk)
    rate = get_object_or_404(exchange_rates_visible_to(request.user).filter(currency=country.currency), pk=rate_pk)
    back = f"{country.get_absolute_url()}#rates"
    return confirm_then(
        request,
        lambda: Confirmation(
            question=_("Remove the %(year)s rate of %(currency)s?") % {"year": rate.year, "currency": rate.currency},
            consequences=[
                _("Figures in US dollars leave out the rounds in %(currency)s that started in %(year)s, and say so.")
                % {"year": rate.year, "currency": rate.currency},
                _("You can set the rate again at any time."),
            ],
            button=_("Remove the rate"),
            back_url=back,
        ),
        lambda: services.exchange_rate_remove(rate=rate, by=request.user),
        done=_("The %(year)s rate of %(currency)s removed.") % {"year": rate.year, "currency": rate.currency},
        back=back,
    )
