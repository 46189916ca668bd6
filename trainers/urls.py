from django.urls import path

from . import views

app_name = "trainers"

urlpatterns = [
    path("trainers/", views.TrainerListView.as_view(), name="trainer_list"),
    path("trainers/new/", views.trainer_create, name="trainer_create"),
    path("trainers/autocomplete/", views.trainer_autocomplete, name="trainer_autocomplete"),
    path("trainers/tot-rounds/autocomplete/", views.tot_round_autocomplete, name="tot_round_autocomplete"),
    path("trainers/<int:pk>/", views.trainer_detail, name="trainer_detail"),
    path("trainers/<int:pk>/edit/", views.trainer_update, name="trainer_update"),
    path("trainers/<int:pk>/qualifications/add/", views.qualification_add, name="qualification_add"),
    path("qualifications/<int:pk>/remove/", views.qualification_remove, name="qualification_remove"),
    path("rounds/<int:pk>/trainers/add/", views.round_trainer_add, name="round_trainer_add"),
    path("rounds/<int:pk>/trainers/<int:rt_pk>/remove/", views.round_trainer_remove, name="round_trainer_remove"),
]
