from django.urls import path

from . import views

app_name = "trainers"

# The trainer's page and the round page's trainer forms read enterprises too: they live in enterprises/trainer_page.py
# and enterprises/round_page.py, and score_portal/urls.py adds them to this namespace under these names:
# trainer_detail, qualification_add, round_trainer_add, round_trainer_remove.

urlpatterns = [
    path("trainers/", views.TrainerListView.as_view(), name="trainer_list"),
    path("trainers/new/", views.trainer_create, name="trainer_create"),
    path("trainers/autocomplete/", views.trainer_autocomplete, name="trainer_autocomplete"),
    path("trainers/tot-rounds/autocomplete/", views.tot_round_autocomplete, name="tot_round_autocomplete"),
    path("trainers/<int:pk>/edit/", views.trainer_update, name="trainer_update"),
    path("qualifications/<int:pk>/remove/", views.qualification_remove, name="qualification_remove"),
]
