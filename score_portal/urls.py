from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from enterprises.urls import ROUND_PAGE_URLS, TRAINER_PAGE_URLS
from people import views as people_views
from programmes.urls import urlpatterns as programmes_urls
from trainers.urls import urlpatterns as trainers_urls

from . import figures, views

admin.site.site_header = _("SCORE Portal administration")
admin.site.site_title = _("SCORE Portal")

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", views.PortalLoginView.as_view(), name="login"),
    path("figures/", figures.figures_page, name="figures"),
    path("figures/export.xlsx", figures.figures_export, name="figures_export"),
    # before Django's own: the same page, with at most a few e-mails to one address an hour
    path("accounts/password_reset/", people_views.PasswordResetView.as_view(), name="password_reset"),
    path("accounts/password_change/", people_views.PasswordChangeView.as_view(), name="password_change"),
    path(  # before Django's own: only an active account with a password, recorded in the person's history
        "accounts/reset/<uidb64>/<token>/",
        people_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    # a round's and a trainer's pages live in enterprises (they read it) under the names of their own apps
    path("", include(([*programmes_urls, *ROUND_PAGE_URLS], "programmes"))),
    path("", include(([*trainers_urls, *TRAINER_PAGE_URLS], "trainers"))),
    path("", include("enterprises.urls")),
    path("results/", include("enterprises.results.urls")),
    path("", include("newsletters.mailing.urls")),  # before newsletters: /newsletters/<kind>/ would take its paths
    path("", include("newsletters.urls")),
    path("", include("people.urls")),
]

# MEDIA_ROOT is never served as such, not even in development: photos and uploads are private, and go
# out through views that check who may see them (e.g. results:photo_file).
