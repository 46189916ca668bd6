"""Every write of the e-mail edition: subscribing, confirming, preferences, unsubscribing, imports."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.spreadsheets import unescaped

from . import emails, tokens
from .addresses import address_problem, normalised
from .models import Subscriber

STOPPED = (Subscriber.Status.UNSUBSCRIBED, Subscriber.Status.BOUNCED, Subscriber.Status.COMPLAINED)


def _enqueue_confirmation(subscriber_id: int) -> None:
    from .tasks import confirmation_send

    transaction.on_commit(lambda: confirmation_send.delay(subscriber_id))


# --- Subscribing -------------------------------------------------------------------------------------------


def subscribe_allowed(*, client: str) -> bool:
    """At most MAILING_SUBSCRIBE_LIMIT subscribe requests an hour from one client address (the form is public)."""
    key = f"mailing:subscribe:{client}"
    cache.add(key, 0, timeout=3600)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=3600)
        count = 1
    return count <= settings.MAILING_SUBSCRIBE_LIMIT


def subscriber_subscribe(
    *, email: str, language: str, source: str, consent_text: str, locale: str, note: str = ""
) -> None:
    """Ask an address to confirm its subscription. Returns nothing, whatever the address's state, so the page
    after it cannot tell a stranger whether the address is subscribed.

    A confirmed subscriber is sent nothing; a pending one gets one confirmation per MAILING_CONFIRM_RESEND_AFTER
    seconds at most (two submits in a row send one e-mail); someone who had unsubscribed or bounced is asked to
    confirm again, and stays unsent until they do."""
    email = normalised(email)
    problem = address_problem(email)
    if problem:
        raise ValidationError({"email": problem})
    if language not in Subscriber.Language.values:
        raise ValidationError({"language": _("Choose a language.")})
    try:
        with transaction.atomic():
            Subscriber.objects.get_or_create(
                email=email, defaults={"language": language, "consent_source": source, "locale": locale}
            )
    except IntegrityError:  # created a moment ago by a concurrent request: the row exists, go on with it
        pass
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().get(email=email)
        if subscriber.status == Subscriber.Status.CONFIRMED:
            return
        now = timezone.now()
        recently = subscriber.confirmation_sent_at and (
            (now - subscriber.confirmation_sent_at).total_seconds() < settings.MAILING_CONFIRM_RESEND_AFTER
        )
        if subscriber.status == Subscriber.Status.PENDING and recently:
            return
        subscriber.status = Subscriber.Status.PENDING
        subscriber.language = language
        subscriber.locale = locale
        subscriber.consent_text = consent_text
        subscriber.consent_source = source
        subscriber.consent_note = note[:300]
        subscriber.consented_at = now
        subscriber.confirmation_sent_at = now
        subscriber.save()
        _enqueue_confirmation(subscriber.pk)


def confirmation_send(*, subscriber_id: int) -> int:
    """Send the confirmation e-mail (the task's work); nothing for someone no longer waiting for one."""
    subscriber = Subscriber.objects.filter(pk=subscriber_id, status=Subscriber.Status.PENDING).first()
    if subscriber is None:
        return 0
    return emails.confirmation_message(subscriber).send()


@transaction.atomic
def subscriber_confirm(*, token: str) -> Subscriber:
    """Confirm from the signed link; raises tokens.LinkExpired / LinkInvalid."""
    key = tokens.confirm_key(token)
    subscriber = Subscriber.objects.select_for_update().filter(key=key).first()
    if subscriber is None:
        raise tokens.LinkInvalid
    if subscriber.status != Subscriber.Status.CONFIRMED:
        subscriber.status = Subscriber.Status.CONFIRMED
        subscriber.confirmed_at = timezone.now()
        subscriber.stopped_reason = ""
        subscriber.save(update_fields=["status", "confirmed_at", "stopped_reason"])
    return subscriber


@transaction.atomic
def subscriber_confirmation_resend(*, token: str) -> None:
    """A new confirmation link for the owner of an expired one (sent to the address, never shown)."""
    try:
        key = tokens.confirm_key(token)
    except tokens.LinkExpired as expired:
        key = expired.key
    subscriber = Subscriber.objects.select_for_update().filter(key=key).first()
    if subscriber is None or subscriber.status != Subscriber.Status.PENDING:
        return
    subscriber.confirmation_sent_at = timezone.now()
    subscriber.save(update_fields=["confirmation_sent_at"])
    _enqueue_confirmation(subscriber.pk)


def subscriber_from_link(token: str) -> Subscriber:
    """The subscriber a preferences or unsubscribe link names; raises tokens.LinkInvalid."""
    subscriber = Subscriber.objects.filter(key=tokens.subscriber_key(token)).first()
    if subscriber is None:
        raise tokens.LinkInvalid
    return subscriber


@transaction.atomic
def subscriber_preferences_save(*, subscriber: Subscriber, language: str) -> Subscriber:
    if language not in Subscriber.Language.values:
        raise ValidationError({"language": _("Choose a language.")})
    subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
    subscriber.language = language
    if language != Subscriber.Language.BOTH:
        subscriber.locale = language
    subscriber.save(update_fields=["language", "locale"])
    return subscriber


@transaction.atomic
def subscriber_unsubscribe(*, subscriber: Subscriber) -> Subscriber:
    """Stop sending to the subscriber at once (the link's owner asked; no confirmation needed)."""
    subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
    if subscriber.status != Subscriber.Status.UNSUBSCRIBED:
        subscriber.status = Subscriber.Status.UNSUBSCRIBED
        subscriber.unsubscribed_at = timezone.now()
        subscriber.save(update_fields=["status", "unsubscribed_at"])
    return subscriber


@transaction.atomic
def subscriber_stop(*, email: str, status: str, reason: str) -> int:
    """A hard bounce or a complaint: never send to the address again (until its owner subscribes anew)."""
    return (
        Subscriber.objects.filter(email=normalised(email))
        .exclude(status=Subscriber.Status.UNSUBSCRIBED)
        .update(status=status, stopped_reason=reason[:300])
    )


# --- Import ------------------------------------------------------------------------------------------------

IMPORT_MAX_BYTES = 2 * 1024 * 1024
IMPORT_MAX_ROWS = 20_000
LANGUAGE_WORDS = {
    "": Subscriber.Language.ENGLISH,
    "en": Subscriber.Language.ENGLISH,
    "english": Subscriber.Language.ENGLISH,
    "zh": Subscriber.Language.CHINESE,
    "zh-hans": Subscriber.Language.CHINESE,
    "chinese": Subscriber.Language.CHINESE,
    "中文": Subscriber.Language.CHINESE,
    "both": Subscriber.Language.BOTH,
}


@dataclass
class ImportReport:
    added: int = 0
    duplicates: int = 0
    stopped: int = 0  # unsubscribed, bounced or complained before: never subscribed again by an import
    errors: list[str] = field(default_factory=list)


def _import_rows(data: bytes) -> list[tuple[int, dict]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError({"file": _("The file is not UTF-8 text; save it as CSV UTF-8.")}) from exc
    reader = csv.DictReader(io.StringIO(text))
    headings = {(h or "").strip().lower() for h in reader.fieldnames or []}
    if "email" not in headings and "e-mail" not in headings:
        raise ValidationError({"file": _("The file needs a column headed “email”.")})
    rows = []
    for number, raw in enumerate(reader, start=2):
        if number - 1 > IMPORT_MAX_ROWS:
            raise ValidationError({"file": _("The file has more than %(n)s rows.") % {"n": IMPORT_MAX_ROWS}})
        row = {(k or "").strip().lower(): unescaped((v or "").strip()) for k, v in raw.items() if k is not None}
        if not any(row.values()):
            continue
        rows.append((number, row))
    return rows


@transaction.atomic
def subscribers_import(*, data: bytes, filename: str, consent_note: str, by: User) -> ImportReport:
    """Add the file's addresses as confirmed subscribers (the editor vouches for how they consented).

    All or nothing: a row with a bad address or language refuses the file, each such row named. Addresses
    already in the list are skipped, whatever their state: an import never subscribes again someone who
    unsubscribed, bounced or complained."""
    if len(data) > IMPORT_MAX_BYTES:
        raise ValidationError({"file": _("The file is larger than 2 MB.")})
    if not consent_note.strip():
        raise ValidationError({"consent_note": _("Say how these people gave their consent.")})
    report = ImportReport()
    seen: set[str] = set()
    new: list[Subscriber] = []
    rows = _import_rows(data)
    existing = dict(
        Subscriber.objects.filter(
            email__in={normalised(r.get("email") or r.get("e-mail", "")) for _n, r in rows}
        ).values_list("email", "status")
    )
    now = timezone.now()
    for number, row in rows:
        email = normalised(row.get("email") or row.get("e-mail", ""))
        problem = address_problem(email)
        if problem:
            report.errors.append(_("Row %(row)s: %(problem)s") % {"row": number, "problem": problem})
            continue
        language = LANGUAGE_WORDS.get(row.get("language", "").lower())
        if language is None:
            report.errors.append(
                _("Row %(row)s: “%(language)s” is not a language (en, zh-hans or both).")
                % {"row": number, "language": row.get("language")}
            )
            continue
        if email in seen or (email in existing and existing[email] not in STOPPED):
            report.duplicates += 1
            continue
        if email in existing:
            report.stopped += 1
            continue
        seen.add(email)
        new.append(
            Subscriber(
                email=email,
                language=language,
                locale=Subscriber.Language.ENGLISH if language == Subscriber.Language.BOTH else language,
                status=Subscriber.Status.CONFIRMED,
                consent_source=Subscriber.Source.IMPORT,
                consent_note=(
                    _("%(note)s (imported by %(user)s from %(file)s, row %(row)s)")
                    % {"note": consent_note.strip(), "user": by.get_username(), "file": filename, "row": number}
                )[:300],
                consent_text=consent_note.strip(),
                consented_at=now,
                confirmed_at=now,
            )
        )
    if report.errors:
        raise ValidationError({"file": report.errors})
    Subscriber.objects.bulk_create(new, batch_size=1000)
    report.added = len(new)
    return report
