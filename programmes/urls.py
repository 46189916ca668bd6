from django.urls import path

from . import views

app_name = "programmes"

# The round's page (programmes:round_detail, rounds/<pk>/) and its moves (programmes:round_transition,
# rounds/<pk>/status/, whose confirmation counts enterprises, trainers and visits) compose several apps: they live in
# enterprises/round_page.py and score_portal/urls.py adds them to this namespace.

urlpatterns = [
    path("rounds/", views.RoundListView.as_view(), name="round_list"),
    path("rounds/new/", views.round_create, name="round_create"),
    path("rounds/<int:pk>/edit/", views.round_update, name="round_update"),
    path("organisations/", views.OrganisationListView.as_view(), name="organisation_list"),
    path("organisations/new/", views.organisation_create, name="organisation_create"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("organisations/<int:pk>/edit/", views.organisation_update, name="organisation_update"),
    path("organisations/<int:pk>/agreements/new/", views.agreement_create, name="agreement_create"),
    path("agreements/<int:pk>/edit/", views.agreement_update, name="agreement_update"),
    path("agreements/<int:pk>/delete/", views.agreement_delete, name="agreement_delete"),
    path("countries/", views.CountryListView.as_view(), name="country_list"),
    path("countries/new/", views.country_create, name="country_create"),
    path("countries/<int:pk>/", views.country_detail, name="country_detail"),
    path("countries/<int:pk>/edit/", views.country_update, name="country_update"),
    path("countries/<int:pk>/regions/add/", views.region_add, name="region_add"),
    path("regions/<int:pk>/remove/", views.region_remove, name="region_remove"),
    path("countries/<int:pk>/rates/set/", views.exchange_rate_set, name="exchange_rate_set"),
    path("countries/<int:pk>/rates/<int:rate_pk>/remove/", views.exchange_rate_remove, name="exchange_rate_remove"),
]
