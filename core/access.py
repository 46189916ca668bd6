"""The portal pages' gatekeepers: who may open a page at all, before a selector decides what they see.

Deny by default: anonymous visitors are sent to the login page; a signed-in user without the role the
page needs gets 403. What a permitted user sees is decided by the ``*_visible_to(user)`` selectors.
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.mixins import AccessMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from . import roles
from .editing import EditConflict, edit_conflict


def can_read_programme(user) -> bool:
    """Officers, partner users and trainers may read rounds and enterprises (partners and trainers only theirs)."""
    return roles.is_officer(user) or roles.is_partner(user) or roles.is_trainer(user)


def can_record_in_rounds(user) -> bool:
    """Officers, and trainers for the rounds they deliver, record attendance and factory visits."""
    return roles.is_officer(user) or roles.is_trainer(user)


def _gate(request, allowed) -> None | object:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not allowed(request.user):
        raise PermissionDenied
    return None


def officer_required(view):
    """Function views that write, or that only officers may read."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        refused = _gate(request, roles.is_officer)
        return refused or view(request, *args, **kwargs)

    return wrapped


def global_officer_required(view):
    """Function views of the global team only (a new country programme): a country's officer gets 403."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        refused = _gate(request, roles.sees_every_country)
        return refused or view(request, *args, **kwargs)

    return wrapped


def round_recorder_required(view):
    """Function views that record what happened in a round (attendance, factory visits): officers and trainers;
    the view's round lookup (``rounds_visible_to``) keeps a trainer to their own rounds."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        refused = _gate(request, can_record_in_rounds)
        return refused or view(request, *args, **kwargs)

    return wrapped


def reader_required(view):
    """Function views that officers and partners may read (GET); writes stay with officers."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        allowed = can_read_programme if request.method in ("GET", "HEAD") else roles.is_officer
        refused = _gate(request, allowed)
        return refused or view(request, *args, **kwargs)

    return wrapped


class OfficerRequiredMixin(AccessMixin):
    def dispatch(self, request, *args, **kwargs):
        refused = _gate(request, roles.is_officer)
        return refused or super().dispatch(request, *args, **kwargs)


class ReaderRequiredMixin(AccessMixin):
    """Read-only pages for officers and partners; any other method is refused to non-officers."""

    def dispatch(self, request, *args, **kwargs):
        allowed = can_read_programme if request.method in ("GET", "HEAD") else roles.is_officer
        refused = _gate(request, allowed)
        return refused or super().dispatch(request, *args, **kwargs)


def add_service_errors(form, error: ValidationError) -> None:
    """Show a service's refusal next to the field it concerns (or above the form when it has none there)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            target = field if field in form.fields else None
            for e in errors:
                form.add_error(target, e)
    else:
        form.add_error(None, error)


__all__ = [
    "NON_FIELD_ERRORS",
    "OfficerRequiredMixin",
    "ReaderRequiredMixin",
    "add_service_errors",
    "service_values",
    "can_read_programme",
    "global_officer_required",
    "officer_required",
    "reader_required",
    "round_recorder_required",
]


def service_form_page(
    request,
    form,
    *,
    save,
    instance,
    saved_message: str,
    new_title: str,
    list_url: str,
    follow_next: bool = False,
):
    """The create/edit page of one record: validate the form, save through a service, show its refusals
    next to the fields; on success say so and go to the record (or to a local ?next= page)."""
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(service_values(form))
        except EditConflict as conflict:  # someone else saved it since the page was opened
            edit_conflict(form, conflict)
            status = 409
        except ValidationError as e:
            add_service_errors(form, e)
        else:
            messages.success(request, saved_message % {"name": saved.name})
            next_url = request.GET.get("next", "") if follow_next else ""
            if next_url and url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
                return redirect(next_url)
            return redirect(saved)
    title = _("Edit %(name)s") % {"name": instance.name} if instance else new_title
    cancel = instance.get_absolute_url() if instance else list_url
    return render(request, "core/form.html", {"form": form, "title": title, "cancel_url": cancel}, status=status)


def service_values(form) -> dict:
    """A valid form's values for its service: the cleaned data, and for an edit form the version the user
    started from (``edit_version``, see core/editing.py)."""
    data = dict(form.cleaned_data)
    if hasattr(form, "language_field_names"):  # core.forms.TranslationsMixin: the texts in other languages, as one
        for name in form.language_field_names:
            data.pop(name, None)
        data["translations"] = form.translations()
    if getattr(form, "edit_record", None) is not None:
        data["edit_version"] = form.edit_version
    return data
