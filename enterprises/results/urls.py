from django.urls import path

from . import views

app_name = "results"

urlpatterns = [
    path("", views.result_list, name="result_list"),
    path("export/", views.result_export, name="result_export"),
    path("new/", views.result_create, name="result_create"),
    path("enterprises/autocomplete/", views.enterprise_autocomplete, name="enterprise_autocomplete"),
    path("<int:pk>/", views.result_detail, name="result_detail"),
    path("<int:pk>/edit/", views.result_edit, name="result_edit"),
    path("<int:pk>/delete/", views.result_delete, name="result_delete"),
    path("<int:pk>/export/", views.result_export_one, name="result_export_one"),
    path("<int:pk>/submit/", views.result_step, {"step": "submit"}, name="result_submit"),
    path("<int:pk>/approve/", views.result_step, {"step": "approve"}, name="result_approve"),
    path("<int:pk>/return/", views.result_step, {"step": "return"}, name="result_return"),
    path("<int:pk>/reopen/", views.result_reopen, name="result_reopen"),
    path("review/", views.review_queue, name="review_queue"),
    path("<int:pk>/photos/add/", views.photo_pair_add, name="photo_pair_add"),
    path("<int:pk>/photos/<int:pair_pk>/delete/", views.photo_pair_delete, name="photo_pair_delete"),
    path("photos/<int:pk>/<str:variant>/", views.photo_file, name="photo_file"),
    path("kpis/", views.kpi_list, name="kpi_list"),
    path("kpis/new/", views.kpi_edit, name="kpi_create"),
    path("kpis/<int:pk>/edit/", views.kpi_edit, name="kpi_edit"),
    path("import/", views.import_start, name="import_start"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("import/<int:pk>/", views.import_preview, name="import_preview"),
    path("import/<int:pk>/confirm/", views.import_confirm, name="import_confirm"),
    path("import/<int:pk>/checked.xlsx", views.import_marked, name="import_marked"),
]
