from django.urls import path

from . import views

app_name = "people"

urlpatterns = [
    path("people/", views.PersonListView.as_view(), name="person_list"),
    path("people/invite/", views.person_invite, name="person_invite"),
    path("people/<int:pk>/", views.person_detail, name="person_detail"),
    path("people/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("people/<int:pk>/resend/", views.invitation_resend, name="invitation_resend"),
    path("people/<int:pk>/deactivate/", views.person_deactivate, name="person_deactivate"),
    path("people/<int:pk>/reactivate/", views.person_reactivate, name="person_reactivate"),
    path("accounts/lockouts/", views.lockout_list, name="lockout_list"),
    path("accounts/lockouts/lift/", views.lockout_lift, name="lockout_lift"),
    path("accounts/welcome/<uidb64>/<token>/", views.InvitationAcceptView.as_view(), name="invitation_accept"),
]
