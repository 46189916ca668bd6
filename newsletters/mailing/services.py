"""Every write of the e-mail edition: subscribing, confirming, preferences, unsubscribing, imports."""

from __future__ import annotations

import smtplib
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import get_connection
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.integrity import unique_refused
from core.spreadsheets import ReadLimits, csv_records, unescaped
from newsletters.models import Issue
from programmes.models import Country

from . import emails, tokens
from .addresses import address_problem, normalised
from .models import Delivery, Mailing, Subscriber, subscriber_language_choices
from .selectors import subscribers_for_edition

STOPPED = (Subscriber.Status.UNSUBSCRIBED, Subscriber.Status.BOUNCED, Subscriber.Status.COMPLAINED)
# Nothing is sent to these from the public form: confirmed (nothing to ask), bounced, complained.
NEVER_ASKED_AGAIN = (Subscriber.Status.CONFIRMED, Subscriber.Status.BOUNCED, Subscriber.Status.COMPLAINED)


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


def _language_check(country: Country, language: str) -> None:
    if language not in dict(subscriber_language_choices(country)):
        raise ValidationError({"language": _("Choose a language.")})


def _locale_of(language: str, fallback: str = settings.LANGUAGE_CODE) -> str:
    """The language of the portal's own e-mails to a subscriber of ``language``: that one where the interface speaks
    it, else ``fallback``."""
    return language if language in dict(settings.LANGUAGES) else fallback


def subscriber_subscribe(
    *, country: Country, email: str, language: str, source: str, consent_text: str, locale: str, note: str = ""
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
    _language_check(country, language)
    try:
        with transaction.atomic():
            Subscriber.objects.get_or_create(
                country=country,
                email=email,
                defaults={"language": language, "consent_source": source, "locale": locale},
            )
    except IntegrityError:  # created a moment ago by a concurrent request: the row exists, go on with it
        pass
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().get(country=country, email=email)
        if subscriber.status in NEVER_ASKED_AGAIN:
            # the mailbox bounced or its owner marked us as spam: a stranger's form must not mail it again
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
    """Confirm from the signed link; raises tokens.LinkExpired / LinkInvalid, and LinkStopped for a reader who
    unsubscribed, bounced or complained since: a link still young enough never subscribes them again."""
    key = tokens.confirm_key(token)
    subscriber = Subscriber.objects.select_for_update().filter(key=key).first()
    if subscriber is None:
        raise tokens.LinkInvalid
    if subscriber.status in STOPPED:
        raise tokens.LinkStopped
    if subscriber.status == Subscriber.Status.PENDING:
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
    except tokens.LinkInvalid:
        return  # not a link the portal signed: nothing to send, and the same answer as for any other
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
    """A subscriber's choice among their newsletter's languages."""
    _language_check(subscriber.country, language)
    subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
    subscriber.language = language
    if language != Subscriber.Language.BOTH:
        subscriber.locale = _locale_of(language, subscriber.locale)
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


# --- The e-mail of an issue ---------------------------------------------------------------------------------


def issue_email_test_send(*, issue: Issue, to: str) -> int:
    """One copy of the issue's e-mail to an editor, marked as a test; its links lead to the archive."""
    from .edition import edition_email

    mail = edition_email(issue)
    mail.subject = _("[Test] %(subject)s") % {"subject": mail.subject}
    archive = emails.absolute(reverse("newsletters:country_archive", args=[issue.country]))
    return mail.message(to=to, preferences_url=archive, unsubscribe_url=archive).send()


# --- Import ------------------------------------------------------------------------------------------------

IMPORT_MAX_BYTES = 2 * 1024 * 1024
IMPORT_MAX_ROWS = 20_000
IMPORT_LIMITS = ReadLimits(rows=IMPORT_MAX_ROWS + 1, columns=20, cell_chars=1_000)
LANGUAGE_WORDS = {
    "": Subscriber.Language.ENGLISH,
    "en": Subscriber.Language.ENGLISH,
    "english": Subscriber.Language.ENGLISH,
    "zh": Subscriber.Language.CHINESE,
    "zh-hans": Subscriber.Language.CHINESE,
    "chinese": Subscriber.Language.CHINESE,
    "中文": Subscriber.Language.CHINESE,
    "both": Subscriber.Language.BOTH,
    "all": Subscriber.Language.BOTH,
}


def _import_language(country: Country, word: str) -> str | None:
    """A CSV file's language cell, for ``country``'s newsletter: a word above, a language tag, or empty for its main
    language; None when the newsletter has no such language."""
    word = word.strip().lower()
    language = country.main_language if not word else LANGUAGE_WORDS.get(word, word)
    return language if language in dict(subscriber_language_choices(country)) else None


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
    headings = None
    rows = []
    try:
        # rows, columns and cell length bounded as the file is read (core/spreadsheets.py)
        for number, values in csv_records(text, IMPORT_LIMITS):
            if headings is None:
                if not any(v.strip() for v in values):
                    continue
                headings = [v.strip().lower() for v in values]
                if "email" not in headings and "e-mail" not in headings:
                    raise ValidationError({"file": _("The file needs a column headed “email”.")})
                continue
            if len(rows) >= IMPORT_MAX_ROWS:
                raise ValidationError({"file": _("The file has more than %(n)s rows.") % {"n": IMPORT_MAX_ROWS}})
            row = dict.fromkeys((h for h in headings if h), "")
            row.update({h: unescaped(v.strip()) for h, v in zip(headings, values, strict=False) if h})
            if not any(row.values()):
                continue
            rows.append((number, row))
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            raise
        raise ValidationError({"file": exc.messages}) from exc
    if headings is None:
        raise ValidationError({"file": _("The file needs a column headed “email”.")})
    return rows


@unique_refused()  # two imports of the same addresses at once: the second is told, not a 500
@transaction.atomic
def subscribers_import(*, country: Country, data: bytes, filename: str, consent_note: str, by: User) -> ImportReport:
    """Add the file's addresses as confirmed subscribers of ``country``'s newsletter (the editor vouches for how
    they consented).

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
            country=country, email__in={normalised(r.get("email") or r.get("e-mail", "")) for _n, r in rows}
        ).values_list("email", "status")
    )
    now = timezone.now()
    for number, row in rows:
        email = normalised(row.get("email") or row.get("e-mail", ""))
        problem = address_problem(email)
        if problem:
            report.errors.append(_("Row %(row)s: %(problem)s") % {"row": number, "problem": problem})
            continue
        language = _import_language(country, row.get("language", ""))
        if language is None:
            report.errors.append(
                _("Row %(row)s: “%(language)s” is not a language of this newsletter (%(languages)s).")
                % {
                    "row": number,
                    "language": row.get("language"),
                    "languages": ", ".join([*country.languages, Subscriber.Language.BOTH]),
                }
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
                country=country,
                email=email,
                language=language,
                locale=_locale_of(language),
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


# --- Sending an edition ------------------------------------------------------------------------------------
# One Delivery per subscriber and edition (unique), made when the sending starts. A sender takes one pending
# delivery at a time with SELECT ... FOR UPDATE SKIP LOCKED and keeps the row locked while the SMTP server takes
# the message, then marks it sent in the same transaction. Two senders never take the same row; a sender killed
# mid-message leaves its row pending (its transaction dies with its connection), so the next sender sends it:
# nobody is skipped, and nobody who was marked sent is sent again. The one message that can go twice is the one
# in flight at the instant of the kill, between the server's "250 OK" and the commit; it carries the same
# Message-ID both times, by which mail systems drop the copy.

PAUSE_CHECK_EVERY = 20  # messages between two looks at the mailing's status (an editor's pause)
TRANSIENT_SMTP = (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, ConnectionError, TimeoutError)


def _enqueue_send(mailing_id: int) -> None:
    """MAILING_SENDERS tasks at once (on as many workers): SKIP LOCKED shares the deliveries out among them."""
    from .tasks import mailing_send as mailing_send_task

    for _n in range(max(1, settings.MAILING_SENDERS)):
        transaction.on_commit(lambda: mailing_send_task.delay(mailing_id))


def _deliveries_make(mailing: Mailing) -> int:
    """A pending delivery for each subscriber of the edition who has none yet (memory flat: ids in chunks)."""
    ids = subscribers_for_edition(mailing.issue).values_list("pk", flat=True).order_by("pk")
    made, chunk = 0, []
    for subscriber_id in ids.iterator(chunk_size=2000):
        chunk.append(Delivery(mailing=mailing, issue_id=mailing.issue_id, subscriber_id=subscriber_id))
        if len(chunk) == 2000:
            made += len(Delivery.objects.bulk_create(chunk, ignore_conflicts=True))
            chunk = []
    if chunk:
        made += len(Delivery.objects.bulk_create(chunk, ignore_conflicts=True))
    return made


@transaction.atomic
def mailing_start(*, issue: Issue, by: User | None = None, enqueue: bool = True) -> Mailing:
    """Send a published edition to its confirmed subscribers. Starting again (after new subscribers confirmed)
    sends only to those who have not had it: a delivery per subscriber and edition, never two."""
    issue = Issue.objects.select_for_update().get(pk=issue.pk)
    if issue.status != Issue.Status.PUBLISHED:
        raise ValidationError(_("Publish the edition before sending it to subscribers."))
    mailing, _created = Mailing.objects.get_or_create(issue=issue, defaults={"started_by": by})
    _deliveries_make(mailing)
    if mailing.status != Mailing.Status.SENDING:
        mailing.status = Mailing.Status.SENDING
        mailing.finished_at = None
        mailing.save(update_fields=["status", "finished_at"])
    if enqueue:
        _enqueue_send(mailing.pk)
    return mailing


@transaction.atomic
def mailing_pause(*, issue: Issue) -> Mailing:
    mailing = Mailing.objects.select_for_update().get(issue=issue)
    if mailing.status == Mailing.Status.SENDING:
        mailing.status = Mailing.Status.PAUSED
        mailing.save(update_fields=["status"])
    return mailing


@transaction.atomic
def mailing_resume(*, issue: Issue) -> Mailing:
    """Go on from where the sending stopped (paused, or a worker lost): only the pending deliveries are sent."""
    mailing = Mailing.objects.select_for_update().get(issue=issue)
    if mailing.status != Mailing.Status.DONE:  # (also when "sending" with its worker lost: a second sender is safe)
        mailing.status = Mailing.Status.SENDING
        mailing.save(update_fields=["status"])
        _enqueue_send(mailing.pk)
    return mailing


def _message_id(delivery: Delivery) -> str:
    domain = settings.PORTAL_URL.split("//")[-1].split("/")[0].split(":")[0] or "localhost"
    return f"<newsletter-{delivery.issue_id}-{delivery.subscriber_id}@{domain}>"


def _receives(subscriber: Subscriber, issue: Issue) -> bool:
    return subscriber.status == Subscriber.Status.CONFIRMED and issue.language in subscriber.languages


def _send_one(mailing: Mailing, mail, connection) -> bool | None:
    """Take one pending delivery and send it. None when none is left for this sender."""
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("subscriber")
            .filter(mailing=mailing, status=Delivery.Status.PENDING)
            .order_by("pk")
            .first()
        )
        if delivery is None:
            return None
        subscriber = delivery.subscriber
        if not _receives(subscriber, mailing.issue):
            delivery.status = Delivery.Status.SKIPPED
            delivery.save(update_fields=["status"])
            return False
        message = mail.message(
            to=subscriber.email,
            preferences_url=emails.preferences_url(subscriber),
            unsubscribe_url=emails.unsubscribe_url(subscriber),
            message_id=_message_id(delivery),
        )
        message.connection = connection
        delivery.attempts += 1
        delivery.message_id = message.extra_headers["Message-ID"]
        try:
            message.send()
        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as exc:
            # refused by the server for this message: recorded, not retried (a transient error raises)
            delivery.status = Delivery.Status.FAILED
            delivery.error = str(exc)[:1000]
        else:
            delivery.status = Delivery.Status.SENT
            delivery.sent_at = timezone.now()
        delivery.save(update_fields=["status", "attempts", "message_id", "error", "sent_at"])
        return delivery.status == Delivery.Status.SENT


def _still_sending(mailing: Mailing) -> bool:
    return Mailing.objects.filter(pk=mailing.pk, status=Mailing.Status.SENDING).exists()


def mailing_send(*, mailing_id: int, max_messages: int | None = None, rate: float | None = None) -> bool:
    """Send pending deliveries of a mailing, at most ``max_messages`` at ``rate`` messages a second (by default
    this sender's share of MAILING_RATE; 0 for as fast as the server takes them). True when some are left (the
    task goes on).

    An error that is not transient (a template or data error: anything but an OSError, which the task retries)
    pauses the sending before it is raised: the editor sees "Paused" and resumes once the edition is fixed,
    instead of a mailing left "sending" with no sender behind it."""
    try:
        return _mailing_send(mailing_id=mailing_id, max_messages=max_messages, rate=rate)
    except OSError:
        raise
    except Exception:
        Mailing.objects.filter(pk=mailing_id, status=Mailing.Status.SENDING).update(status=Mailing.Status.PAUSED)
        raise


def _mailing_send(*, mailing_id: int, max_messages: int | None, rate: float | None) -> bool:
    mailing = Mailing.objects.select_related("issue").get(pk=mailing_id)
    if mailing.status != Mailing.Status.SENDING:
        return False
    from .edition import edition_email

    mail = edition_email(mailing.issue)
    rate = settings.MAILING_RATE / max(1, settings.MAILING_SENDERS) if rate is None else rate  # per sender
    interval = 1.0 / rate if rate and rate > 0 else 0.0
    connection = get_connection()
    connection.open()
    started, done = time.monotonic(), 0
    try:
        while max_messages is None or done < max_messages:
            paused = done and done % PAUSE_CHECK_EVERY == 0 and not _still_sending(mailing)
            if paused:
                return False
            try:
                outcome = _send_one(mailing, mail, connection)
            except TRANSIENT_SMTP:
                connection.close()  # the delivery rolled back to pending; one new connection, then the task retries
                connection.open()
                outcome = _send_one(mailing, mail, connection)
            if outcome is None:
                break
            done += 1
            if interval and outcome:
                wait = started + done * interval - time.monotonic()
                if wait > 0:
                    time.sleep(wait)
    finally:
        connection.close()
    left = Delivery.objects.filter(mailing=mailing, status=Delivery.Status.PENDING).exists()
    if left and not done:
        # what is left is locked by another sender, which goes on with it (or, if it was lost, releases it when
        # its connection closes, and the task's redelivery or the editor's "Resume" takes it)
        return False
    if not left:
        Mailing.objects.filter(pk=mailing.pk, status=Mailing.Status.SENDING).update(
            status=Mailing.Status.DONE, finished_at=timezone.now()
        )
    return left


def mailing_send_now(*, issue: Issue, rate: float | None = None) -> Mailing:
    """The operators' command: start (or go on with) the sending of an edition and send it all, here."""
    mailing = mailing_start(issue=issue, enqueue=False)
    while mailing_send(mailing_id=mailing.pk, rate=rate):
        pass
    mailing.refresh_from_db()
    return mailing


# --- Bounces and complaints (django-anymail's tracking webhooks) ----------------------------------------------


def tracking_event_record(*, event_type: str, recipient: str, description: str = "") -> int:
    """A hard bounce or a complaint stops all sending to the address; other events change nothing."""
    status = {"bounced": Subscriber.Status.BOUNCED, "complained": Subscriber.Status.COMPLAINED}.get(event_type)
    if status is None or not recipient:
        return 0
    return subscriber_stop(email=recipient, status=status, reason=description or event_type)
