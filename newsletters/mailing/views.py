"""Readers' pages (subscribe, confirm, preferences, unsubscribe: no login, signed links) and the editors'
subscriber pages."""

from __future__ import annotations

import json
import logging

from csp.decorators import csp_update
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from core.access import add_service_errors
from core.confirm import Confirmation, is_confirmed, render_confirmation
from core.lists import PortalListView
from newsletters.selectors import issues_visible_to, newsletter_country
from newsletters.views import editor_required
from programmes.models import Country

from . import edition, services, tokens
from .filters import SubscriberFilter
from .forms import ImportForm, PreferencesForm, SubscribeForm, consent_text, newsletter_name
from .models import Mailing, Subscriber
from .selectors import subscribers_for_edition, subscribers_visible_to
from .tables import SubscriberTable

logger = logging.getLogger(__name__)


def _client(request) -> str:
    return request.META.get("REMOTE_ADDR", "")


def _note(form) -> str:
    issue = form.cleaned_data.get("issue")
    return _("Issue No. %(number)s") % {"number": issue} if issue else ""


# --- Readers -----------------------------------------------------------------------------------------------


def subscribe_box(request, *, source: str, country: Country, issue: int | None = None, language: str = "") -> str:
    """The subscribe form of ``country``'s newsletter as HTML, for its archive and each edition's web page."""
    initial = {"source": source, "issue": issue}
    if language:
        initial["language"] = language
    form = SubscribeForm(initial=initial, country=country)
    return render_to_string("mailing/_subscribe_box.html", {"form": form}, request=request)


def _subscribe_country(request) -> Country:
    """The newsletter a subscription is for: the form's (or the address's ?country=) ISO code, else the first
    programme's (the form before each country had its own newsletter)."""
    return newsletter_country(request.POST.get("country") or request.GET.get("country") or None)


def subscribe(request):
    """The form's own page: where a submission lands, with any message next to its field."""
    country = _subscribe_country(request)
    form = SubscribeForm(request.POST or None, country=country)
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["website"]:  # the hidden field: a bot; it is told what a person is told
            return redirect("mailing:subscribe_sent")
        if not services.subscribe_allowed(client=_client(request)):
            form.add_error(None, _("Too many subscriptions from your network in the last hour; try again later."))
        else:
            try:
                services.subscriber_subscribe(
                    country=country,
                    email=form.cleaned_data["email"],
                    language=form.cleaned_data["language"],
                    source=form.cleaned_data["source"],
                    consent_text=consent_text(country),
                    locale=translation.get_language() or "en",
                    note=_note(form),
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                return redirect("mailing:subscribe_sent")
    context = {"form": form, "country": country, "name": newsletter_name(country)}
    return render(request, "mailing/subscribe.html", context, status=400 if form.errors else 200)


def subscribe_sent(request):
    """The same page whatever the address's state: nothing tells a stranger whether it is subscribed."""
    return render(request, "mailing/message.html", {"title": _("Check your inbox"), "kind": "sent"})


def confirm(request, token):
    try:
        key = tokens.confirm_key(token)
    except tokens.LinkExpired:
        return render(request, "mailing/confirm.html", {"state": "expired", "token": token}, status=410)
    except tokens.LinkInvalid:
        return render(request, "mailing/confirm.html", {"state": "invalid"}, status=404)
    subscriber = Subscriber.objects.filter(key=key).first()
    if subscriber is None:
        return render(request, "mailing/confirm.html", {"state": "invalid"}, status=404)
    if subscriber.status in services.STOPPED:
        return render(request, "mailing/confirm.html", {"state": "stopped"}, status=410)
    if request.method == "POST":
        try:
            subscriber = services.subscriber_confirm(token=token)
        except tokens.LinkStopped:
            return render(request, "mailing/confirm.html", {"state": "stopped"}, status=410)
        return render(
            request,
            "mailing/confirm.html",
            {"state": "confirmed", "subscriber": subscriber, "token": tokens.subscriber_token(subscriber.key)},
        )
    # A link scanner that opens every link must not confirm for the person: the confirmation is a POST.
    context = {"state": "ask", "token": token, "newsletter": newsletter_name(subscriber.country)}
    return render(request, "mailing/confirm.html", context)


@require_POST
def confirm_resend(request, token):
    """A new link for an expired one; any other token (forged, cut short) gets the same answer and no e-mail."""
    services.subscriber_confirmation_resend(token=token)
    return redirect("mailing:subscribe_sent")


def _subscriber(token: str) -> Subscriber:
    try:
        return services.subscriber_from_link(token)
    except tokens.LinkInvalid:
        raise Http404 from None


def preferences(request, token):
    subscriber = _subscriber(token)
    form = PreferencesForm(request.POST or None, initial={"language": subscriber.language}, country=subscriber.country)
    if request.method == "POST" and form.is_valid():
        subscriber = services.subscriber_preferences_save(subscriber=subscriber, language=form.cleaned_data["language"])
        messages.success(request, _("Your preferences are saved."))
        return redirect("mailing:preferences", token)
    context = {"subscriber": subscriber, "form": form, "token": token, "name": newsletter_name(subscriber.country)}
    return render(request, "mailing/preferences.html", context)


@csrf_exempt  # RFC 8058: a mail client POSTs here with no cookie and no CSRF token; the signed link authorises
def unsubscribe(request, token):
    """One-click unsubscribe (the List-Unsubscribe address): a POST unsubscribes at once; a GET (a person who
    opened the link) asks first, so a link scanner cannot unsubscribe anyone."""
    subscriber = _subscriber(token)
    if request.method == "POST":
        services.subscriber_unsubscribe(subscriber=subscriber)
        return render(request, "mailing/unsubscribe.html", {"done": True, "token": token})
    if request.method not in ("GET", "HEAD"):
        return HttpResponse(status=405)
    context = {"done": False, "token": token, "newsletter": newsletter_name(subscriber.country)}
    return render(request, "mailing/unsubscribe.html", context)


# --- Editors -----------------------------------------------------------------------------------------------


class SubscriberListView(PortalListView):
    table_class = SubscriberTable
    filterset_class = SubscriberFilter
    template_name = "mailing/subscriber_list.html"
    title = gettext_lazy("Subscribers")
    export_name = "newsletter-subscribers"

    def dispatch(self, request, *args, **kwargs):
        return editor_required(super().dispatch)(request, *args, **kwargs)

    def get_queryset(self):
        return subscribers_visible_to(self.request.user).select_related("country").order_by("email")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["counts"] = {
            status: subscribers_visible_to(self.request.user).filter(status=status).count()
            for status in (Subscriber.Status.CONFIRMED, Subscriber.Status.PENDING)
        }
        return context


@editor_required
def subscriber_import(request):
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = services.subscribers_import(
                country=form.cleaned_data["country"],
                data=upload.read(services.IMPORT_MAX_BYTES + 1),
                filename=upload.name,
                consent_note=form.cleaned_data["consent_note"],
                by=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                " ".join(
                    [
                        ngettext("%(n)s subscriber added.", "%(n)s subscribers added.", report.added)
                        % {"n": report.added},
                        ngettext(
                            "%(n)s address already in the list, skipped.",
                            "%(n)s addresses already in the list, skipped.",
                            report.duplicates,
                        )
                        % {"n": report.duplicates},
                        ngettext(
                            "%(n)s address had unsubscribed or bounced, not subscribed again.",
                            "%(n)s addresses had unsubscribed or bounced, not subscribed again.",
                            report.stopped,
                        )
                        % {"n": report.stopped},
                    ]
                ),
            )
            return redirect("mailing:subscribers")
    return render(request, "mailing/subscriber_import.html", {"form": form}, status=400 if form.errors else 200)


# --- The e-mail of an issue ----------------------------------------------------------------------------------


def image(request, country, number, name):
    """A photo of an e-mail, small: only one a published version of the country's issue `number` printed (as
    archive_image)."""
    from newsletters.models import IssueVersion

    for version in IssueVersion.objects.filter(issue__country__code=country, issue__number=number).only("images"):
        if name in version.images:
            try:
                copy = edition.mail_copy_name(version.images[name])
            except OSError:
                raise Http404 from None
            response = FileResponse(default_storage.open(copy, "rb"), content_type="image/jpeg")
            response["Cache-Control"] = "public, max-age=604800"
            return response
    raise Http404


@editor_required
@csp_update({"style-src": ["'unsafe-inline'"], "img-src": ["*"]})  # an e-mail's HTML is all inline style
def issue_email_preview(request, pk):
    issue = get_object_or_404(issues_visible_to(request.user), pk=pk)
    mail = edition.edition_email(issue, image_url=lambda name: reverse("newsletters:image", args=[name]))
    html = mail.html.replace(edition.PREFERENCES, "#").replace(edition.UNSUBSCRIBE, "#")
    return HttpResponse(html)


@editor_required
@require_POST
def issue_email_test(request, pk):
    issue = get_object_or_404(issues_visible_to(request.user), pk=pk)
    if not request.user.email:
        messages.error(request, _("Your account has no e-mail address to send the test to."))
    else:
        services.issue_email_test_send(issue=issue, to=request.user.email)
        messages.success(request, _("A test e-mail was sent to %(email)s.") % {"email": request.user.email})
    return redirect(issue)


def _mailing_action(request, pk, action, done: str):
    issue = get_object_or_404(issues_visible_to(request.user), pk=pk)
    try:
        action(issue=issue)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except Mailing.DoesNotExist:
        raise Http404 from None
    else:
        messages.success(request, done)
    return redirect(issue.get_absolute_url() + "#email-edition")


def _mailing_start_confirmation(issue) -> Confirmation:
    audience = subscribers_for_edition(issue).count()
    refused = ""
    if issue.status != issue.Status.PUBLISHED:
        refused = _("Publish the edition before sending it to subscribers.")
    elif not audience:
        refused = _("No confirmed subscriber reads the %(language)s edition: there is nobody to send it to.") % {
            "language": issue.language_label
        }
    return Confirmation(
        question=ngettext(
            "Send issue No. %(number)s (%(language)s) to %(count)d subscriber?",
            "Send issue No. %(number)s (%(language)s) to %(count)d subscribers?",
            audience,
        )
        % {"number": issue.number, "language": issue.language_label, "count": audience},
        consequences=[
            _("Each confirmed subscriber of this language gets the e-mail edition once."),
            _("A sent e-mail cannot be recalled: sending can be paused, not undone."),
        ],
        refused=refused,
        button=ngettext("Send to %(count)d subscriber", "Send to %(count)d subscribers", audience)
        % {"count": audience},
        back_url=issue.get_absolute_url() + "#email-edition",
    )


@editor_required
@require_http_methods(["GET", "POST"])
def mailing_start(request, pk):
    """Sending asks first, with the number of readers; an edition nobody would receive is not sent."""
    issue = get_object_or_404(issues_visible_to(request.user), pk=pk)
    nobody = (
        issue.status == issue.Status.PUBLISHED
        and not Mailing.objects.filter(issue=issue).exists()
        and not subscribers_for_edition(issue).exists()
    )
    if nobody or not is_confirmed(request):
        return render_confirmation(request, _mailing_start_confirmation(issue))
    return _mailing_action(
        request, pk, lambda issue: services.mailing_start(issue=issue, by=request.user), _("Sending has started.")
    )


@editor_required
@require_POST
def mailing_pause(request, pk):
    return _mailing_action(request, pk, services.mailing_pause, _("Sending is paused."))


@editor_required
@require_POST
def mailing_resume(request, pk):
    return _mailing_action(request, pk, services.mailing_resume, _("Sending goes on where it stopped."))


@csrf_exempt  # the provider posts here; HTTP basic auth with ANYMAIL["WEBHOOK_SECRET"] authorises it
def postmark_tracking(request):
    """Bounces and complaints from Postmark, through django-anymail (absent without a webhook secret)."""
    from anymail.webhooks.postmark import PostmarkTrackingWebhookView

    if not settings.ANYMAIL.get("WEBHOOK_SECRET"):
        raise Http404
    # anymail reads the body as a JSON object with Postmark's fields and answers 500 to anything else: whatever
    # is not one is refused here as a bad request (400, which Postmark does not retry on forever)
    try:
        payload = json.loads(request.body)
    except (ValueError, RecursionError):
        return HttpResponseBadRequest("The body is not JSON.")
    if not isinstance(payload, dict) or not isinstance(payload.get("RecordType"), str):
        return HttpResponseBadRequest("The body is not a Postmark event.")
    try:
        return PostmarkTrackingWebhookView.as_view()(request)
    except (KeyError, TypeError, ValueError):
        logger.warning("Postmark webhook: an event anymail cannot read", exc_info=True)
        return HttpResponseBadRequest("The body is not a Postmark event.")
