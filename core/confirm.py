"""Nothing irreversible in one click: a destructive or final action asks first, and works without JavaScript.

A view that deletes, cancels, completes, deactivates, reopens or sends calls ``ask_first`` before its
service. Any request that is not a POST carrying ``confirm=yes`` (a GET, or the old one-click form's POST)
gets ``core/confirm.html``: the question naming the record, what will happen with real counts, how to undo
it where it can be undone, and one form that posts the same fields again with ``confirm=yes``. Only that
POST reaches the service::

    @require_http_methods(["GET", "POST"])
    def agreement_delete(request, pk):
        agreement = ...
        if page := ask_first(request, lambda: Confirmation(question=..., button=..., back_url=...)):
            return page
        services.agreement_delete(agreement=agreement, by=request.user)

``describe`` is called only when the page is shown, so the counts are read only then. Most actions then go the
same way: call the service, say what was done (or each reason it refused) and go back to the record, which
``confirm_then`` does in one call.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

CONFIRM_FIELD = "confirm"
CONFIRM_VALUE = "yes"


@dataclass(frozen=True)
class Confirmation:
    """What the confirmation page says and posts."""

    question: str  # names the record: "Cancel the round M1 · Classroom · Deyang?"
    button: str  # the confirming button's label: "Cancel the round"
    back_url: str  # where "Keep it" leads (the record's page)
    consequences: Sequence[str] = ()  # what will happen, with counts
    undo: str = ""  # how to undo it, where it can be undone; empty when it cannot
    refused: str = ""  # why the action cannot be done now (then no button is offered)
    keep: Mapping[str, str] = field(default_factory=dict)  # fields the action needs posted again
    form: object | None = None  # what the person fills in before confirming (a reason), with its errors


def is_confirmed(request: HttpRequest) -> bool:
    """True for the POST of the confirmation page's form, never for a GET or a one-click POST."""
    return request.method == "POST" and request.POST.get(CONFIRM_FIELD) == CONFIRM_VALUE


def ask_first(request: HttpRequest, describe: Callable[[], Confirmation]) -> HttpResponse | None:
    """The confirmation page, or None when this request is the confirmed POST and the action may go ahead."""
    if is_confirmed(request):
        return None
    return render_confirmation(request, describe())


def render_confirmation(request: HttpRequest, confirmation: Confirmation) -> HttpResponse:
    """The confirmation page itself (for a view that must show it again, e.g. when the action is refused)."""
    return render(
        request,
        "core/confirm.html",
        {"confirmation": confirmation, "confirm_field": CONFIRM_FIELD, "confirm_value": CONFIRM_VALUE},
    )


def confirm_then(
    request: HttpRequest,
    describe: Callable[[], Confirmation],
    act: Callable[[], object],
    *,
    done: str,
    back: str,
    refusals: tuple[type[Exception], ...] = (ValidationError,),
) -> HttpResponse:
    """Ask first; once confirmed, ``act`` (the service call), then say ``done`` or each reason the service refused
    with (``refusals``: a ValidationError's messages, a PermissionDenied's text) and go ``back``."""
    if page := ask_first(request, describe):
        return page
    try:
        act()
    except refusals as exc:
        for message in exc.messages if isinstance(exc, ValidationError) else [str(exc)]:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect(back)
