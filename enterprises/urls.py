from django.urls import path

from . import round_page, trainer_page, views

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

# Pages that compose several apps live here, the highest app they read, and keep the names of the record they show:
# score_portal/urls.py adds these to the programmes and trainers namespaces.
ROUND_PAGE_URLS = [  # programmes:...
    path("rounds/<int:pk>/", round_page.round_detail, name="round_detail"),
    path("rounds/<int:pk>/status/", round_page.round_transition, name="round_transition"),
]
TRAINER_PAGE_URLS = [  # trainers:...
    path("trainers/<int:pk>/", trainer_page.trainer_detail, name="trainer_detail"),
    path("trainers/<int:pk>/qualifications/add/", trainer_page.qualification_add, name="qualification_add"),
    path("rounds/<int:pk>/trainers/add/", round_page.round_trainer_add, name="round_trainer_add"),
    path("rounds/<int:pk>/trainers/<int:rt_pk>/remove/", round_page.round_trainer_remove, name="round_trainer_remove"),
]
