from django.urls import path

from . import views

app_name = "enterprises"

urlpatterns = [
    path("enterprises/", views.EnterpriseListView.as_view(), name="enterprise_list"),
    path("enterprises/new/", views.enterprise_create, name="enterprise_create"),
    path("enterprises/<int:pk>/", views.enterprise_detail, name="enterprise_detail"),
    path("enterprises/<int:pk>/edit/", views.enterprise_update, name="enterprise_update"),
    path("rounds/<int:pk>/enterprises/add/", views.participation_add, name="participation_add"),
    path(
        "rounds/<int:pk>/enterprises/<int:participation_pk>/edit/",
        views.participation_update,
        name="participation_update",
    ),
    path(
        "rounds/<int:pk>/enterprises/<int:participation_pk>/remove/",
        views.participation_remove,
        name="participation_remove",
    ),
    path("rounds/<int:pk>/visits/add/", views.factory_visit_add, name="factory_visit_add"),
    path("rounds/<int:pk>/visits/<int:visit_pk>/remove/", views.factory_visit_remove, name="factory_visit_remove"),
]
