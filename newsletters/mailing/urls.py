from django.urls import path

from . import views

app_name = "mailing"

urlpatterns = [
    # Readers (no login: the signed link is the authorisation)
    path("newsletter/subscribe/", views.subscribe, name="subscribe"),
    path("newsletter/subscribe/sent/", views.subscribe_sent, name="subscribe_sent"),
    path("newsletter/subscribe/confirm/<str:token>/", views.confirm, name="confirm"),
    path("newsletter/subscribe/confirm/<str:token>/new-link/", views.confirm_resend, name="confirm_resend"),
    path("newsletter/subscription/<str:token>/", views.preferences, name="preferences"),
    path("newsletter/subscription/<str:token>/unsubscribe/", views.unsubscribe, name="unsubscribe"),
    # Editors
    path("newsletters/subscribers/", views.SubscriberListView.as_view(), name="subscribers"),
    path("newsletters/subscribers/import/", views.subscriber_import, name="subscriber_import"),
]
