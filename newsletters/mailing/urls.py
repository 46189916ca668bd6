from django.urls import path

from newsletters import urls as _newsletter_urls  # noqa: F401 (registers the <cc:...> converter)

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
    path("newsletter/<cc:country>/<int:number>/mail-images/<path:name>", views.image, name="image"),
    path("newsletter/webhooks/postmark/", views.postmark_tracking, name="postmark_tracking"),
    # Editors
    path("newsletters/issues/<int:pk>/email/send/", views.mailing_start, name="mailing_start"),
    path("newsletters/issues/<int:pk>/email/pause/", views.mailing_pause, name="mailing_pause"),
    path("newsletters/issues/<int:pk>/email/resume/", views.mailing_resume, name="mailing_resume"),
    path("newsletters/issues/<int:pk>/email/", views.issue_email_preview, name="issue_email_preview"),
    path("newsletters/issues/<int:pk>/email/test/", views.issue_email_test, name="issue_email_test"),
    path("newsletters/subscribers/", views.SubscriberListView.as_view(), name="subscribers"),
    path("newsletters/subscribers/import/", views.subscriber_import, name="subscriber_import"),
]
