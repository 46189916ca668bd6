"""The people pages (officers only) and the page where an invitee chooses a password."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.models import User
from django.core import signing
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from core import roles
from core.access import OfficerRequiredMixin, add_service_errors, officer_required
from core.confirm import Confirmation, ask_first
from core.lists import PortalListView
from core.once import once_per_submission
from programmes.models import CountryAssignment

from . import services
from .filters import PersonFilter
from .forms import DetailsForm, InviteForm, RoleForm, ThrottledPasswordChangeForm, ThrottledPasswordResetForm
from .selectors import lockouts_visible_to, people_visible_to, person_changes_visible_to
from .tables import PersonTable


def _base_url(request) -> str:
    return request.build_absolute_uri("/")


def _person(request, pk: int) -> User:
    return get_object_or_404(people_visible_to(request.user), pk=pk)


class PersonListView(OfficerRequiredMixin, PortalListView):
    table_class = PersonTable
    filterset_class = PersonFilter
    title = gettext_lazy("People")
    create_url_name = "people:person_invite"
    create_label = gettext_lazy("Invite a person")
    export_name = "people"

    def get_queryset(self):
        return people_visible_to(self.request.user).order_by("last_name", "first_name", "username")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["extra_links"] = [(_("Login lockouts"), reverse("people:lockout_list"))]
        return context


@officer_required
@once_per_submission
def person_invite(request):
    form = InviteForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person = services.person_invite(
                by=request.user,
                email=data["email"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                role=data["role"],
                organisation=data["organisation"],
                trainer=data["trainer"],
                countries=data["countries"],
                all_countries=data["all_countries"],
                base_url=_base_url(request),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": person.email})
            return redirect("people:person_detail", pk=person.pk)
    return render(
        request,
        "people/person_form.html",
        {
            "form": form,
            "title": _("Invite a person"),
            "cancel_url": reverse_lazy("people:person_list"),
            "submit_label": _("Send the invitation"),
        },
    )


@officer_required
def person_detail(request, pk: int):
    person = _person(request, pk)
    return render(
        request,
        "people/person_detail.html",
        {
            "person": person,
            "role_label": services.person_role_label(person),
            "pending": services.invitation_pending(person),
            "changes": list(person_changes_visible_to(request.user).filter(person=person)[:100]),
            "is_self": person.pk == request.user.pk,
        },
    )


_SEEN_SALT = "people.person_edit.seen"


def _edit_forms(person: User, by: User, data=None) -> tuple[DetailsForm, RoleForm]:
    """The person edit page's two forms, started from the person as they are now (and the state they saw)."""
    membership = getattr(person, "partner_membership", None)
    account = getattr(person, "trainer_account", None)
    assignment = CountryAssignment.objects.filter(user=person).first()
    initial = {
        "role": roles.role_of(person),
        "organisation": membership.organisation if membership else None,
        "trainer": account.trainer if account else None,
        "countries": list(assignment.countries.all()) if assignment else [],
        "all_countries": bool(assignment and assignment.all_countries),
        "email": person.email,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "seen": signing.dumps(services.person_state(person), salt=_SEEN_SALT),
    }
    return (
        DetailsForm(data, initial=initial, prefix="details"),
        RoleForm(data, initial=initial, prefix="role", user=by),
    )


def _seen(token: str) -> str | None:
    try:
        return signing.loads(token, salt=_SEEN_SALT) if token else None
    except signing.BadSignature:
        return None  # refused as stale by the service, like a missing one


@officer_required
def person_edit(request, pk: int):
    person = _person(request, pk)
    details, role_form = _edit_forms(person, request.user, request.POST or None)
    status = 200
    if request.method == "POST" and details.is_valid() and role_form.is_valid():
        values = {name: value for name, value in details.cleaned_data.items() if name != "seen"}
        try:
            services.person_update(
                by=request.user,
                person=person,
                seen=_seen(details.cleaned_data["seen"]),
                **values,
                **role_form.cleaned_data,
            )
        except services.PersonChanged as exc:
            # the page starts again from the person as they are now: saving is a choice made knowing what the
            # other officer did
            person = _person(request, pk)
            details, role_form = _edit_forms(person, request.user)
            for message in exc.messages:
                messages.error(request, message)
            status = 409
        except ValidationError as exc:
            role_fields = {"role", "organisation", "trainer", "countries", "all_countries"} & set(
                getattr(exc, "error_dict", {})
            )
            add_service_errors(role_form if role_fields else details, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("people:person_detail", pk=person.pk)
    return render(
        request,
        "people/person_edit.html",
        {
            "person": person,
            "details": details,
            "role_form": role_form,
            "title": _("Edit %(name)s") % {"name": person.get_full_name() or person.username},
        },
        status=status,
    )


def _action(request, pk: int, service, done: str):
    person = _person(request, pk)
    try:
        service(by=request.user, person=person)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, done % {"name": person.get_full_name() or person.username})
    return redirect("people:person_detail", pk=person.pk)


@require_POST
@officer_required
def invitation_resend(request, pk: int):
    base_url = _base_url(request)
    return _action(
        request,
        pk,
        lambda **kw: services.invitation_resend(base_url=base_url, **kw),
        _("The invitation was sent again to %(name)s."),
    )


@require_http_methods(["GET", "POST"])
@officer_required
def person_deactivate(request, pk: int):
    person = _person(request, pk)

    def describe() -> Confirmation:
        name = person.get_full_name() or person.username
        return Confirmation(
            question=_("Deactivate %(name)s?") % {"name": name},
            consequences=[
                _("%(name)s can no longer log in; a session open now ends at its next page.") % {"name": name},
                _("Their role (%(role)s) and everything they recorded are kept, with their name in every history.")
                % {"role": services.person_role_label(person)},
            ],
            undo=_("An officer can reactivate the account from this person's page (Reactivate)."),
            button=_("Deactivate"),
            back_url=reverse("people:person_detail", args=[person.pk]),
        )

    if page := ask_first(request, describe):
        return page
    return _action(
        request,
        pk,
        services.person_deactivate,
        _("%(name)s can no longer log in. “Reactivate” on this page gives the access back."),
    )


@require_POST
@officer_required
def person_reactivate(request, pk: int):
    return _action(request, pk, services.person_reactivate, _("%(name)s can log in again."))


class InvitationAcceptView(auth_views.PasswordResetConfirmView):
    """Django's reset-confirm view, as a welcome: the link's token dies once the password is set."""

    template_name = "people/invitation_accept.html"
    post_reset_login = True
    post_reset_login_backend = "django.contrib.auth.backends.ModelBackend"
    success_url = reverse_lazy("home")
    reset_url_token = "set-password"

    def get_user(self, uidb64):
        # an invitation is for an active account that has no password yet (a reset link is not an invitation)
        user = super().get_user(uidb64)
        return user if user is not None and services.invitation_pending(user) else None

    def form_valid(self, form):
        response = super().form_valid(form)
        services.invitation_accepted(person=form.user)
        messages.success(self.request, _("Welcome to the SCORE Portal. Your password is set."))
        return response


class PasswordResetView(auth_views.PasswordResetView):
    """Django's password-reset page, with at most PASSWORD_RESET_EMAILS_PER_HOUR e-mails to one account an hour,
    sent by a task (the page answers alike whether or not an account has the address)."""

    form_class = ThrottledPasswordResetForm


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password-change page; a wrong current password counts as a failed login of the account."""

    form_class = ThrottledPasswordChangeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's page for a reset link, for an active account that has a password: an invitation's link (the same
    kind of token) does not work here, nor does any link of a deactivated account. The new password is recorded
    in the person's history."""

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        return user if user is not None and user.is_active and user.has_usable_password() else None

    def form_valid(self, form):
        response = super().form_valid(form)
        services.password_reset_done(person=form.user)
        return response


@officer_required
def lockout_list(request):
    """The usernames and addresses refused at login for too many failures, each with a button to lift it."""
    return render(
        request,
        "people/lockouts.html",
        {
            "lockouts": lockouts_visible_to(request.user),
            "username_limit": settings.AXES_FAILURE_LIMIT,
            "address_limit": settings.AXES_FAILURE_LIMIT_PER_ADDRESS,
            "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        },
    )


@require_POST
@officer_required
def lockout_lift(request):
    kind, value = request.POST.get("kind", ""), request.POST.get("value", "")
    try:
        services.lockout_lift(by=request.user, kind=kind, value=value)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("The lockout of %(value)s is lifted: logins are accepted again.") % {"value": value}
        )
    return redirect("people:lockout_list")
