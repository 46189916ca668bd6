"""The portal pages' gatekeepers: who may open a page at all, before a selector decides what they see.

Deny by default: anonymous visitors are sent to the login page; a signed-in user without the role the
page needs gets 403. What a permitted user sees is decided by the ``*_visible_to(user)`` selectors.
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.mixins import AccessMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError

from . import roles


def can_read_programme(user) -> bool:
    """Officers and partner users may read rounds and enterprises (partners only their own)."""
    return roles.is_officer(user) or roles.is_partner(user)


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
    "can_read_programme",
    "officer_required",
    "reader_required",
]
