"""Reads of the e-mail edition that depend on who asks."""

from __future__ import annotations

from django.db.models import QuerySet

from core import roles

from .models import Subscriber


def subscribers_visible_to(user) -> QuerySet[Subscriber]:
    """Newsletter editors (and officers) see the subscribers; nobody else, ever."""
    return Subscriber.objects.all() if roles.is_editor(user) else Subscriber.objects.none()
