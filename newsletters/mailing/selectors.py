"""Reads of the e-mail edition that depend on who asks."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from core import roles

from .models import Subscriber

STALLED_AFTER = dt.timedelta(minutes=2)


def subscribers_visible_to(user) -> QuerySet[Subscriber]:
    """Newsletter editors (and officers) see the subscribers of the newsletters of their countries; nobody else,
    ever."""
    if not roles.is_editor(user):
        return Subscriber.objects.none()
    ids = roles.country_ids(user)
    return Subscriber.objects.all() if ids is None else Subscriber.objects.filter(country_id__in=ids)


def mailing_progress(issue) -> dict:
    """The sending of an edition as its page shows it: the mailing (or None), and sent / failed / left counts."""
    from django.db.models import Count, Max, Q

    from .models import Delivery, Mailing

    mailing = Mailing.objects.filter(issue=issue).first()
    if mailing is None:
        return {"mailing": None, "audience": subscribers_for_edition(issue).count()}
    counts = mailing.deliveries.aggregate(
        sent=Count("pk", filter=Q(status=Delivery.Status.SENT)),
        failed=Count("pk", filter=Q(status=Delivery.Status.FAILED)),
        left=Count("pk", filter=Q(status=Delivery.Status.PENDING)),
        skipped=Count("pk", filter=Q(status=Delivery.Status.SKIPPED)),
        total=Count("pk"),
        last_sent=Max("sent_at"),
    )
    quiet = timezone.now() - (counts["last_sent"] or mailing.started_at)
    # sending, messages left, and none sent for a while: the worker was probably lost; the editor may resume
    stalled = mailing.status == Mailing.Status.SENDING and counts["left"] and quiet > STALLED_AFTER
    return {"mailing": mailing, "stalled": stalled, **counts}


def subscribers_for_edition(issue) -> QuerySet[Subscriber]:
    """Who receives an edition: confirmed subscribers of its country's newsletter in its language, and those who
    asked for every language."""
    return Subscriber.objects.filter(
        country_id=issue.country_id,
        status=Subscriber.Status.CONFIRMED,
        language__in=[issue.language, Subscriber.Language.BOTH],
    )
