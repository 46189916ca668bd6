"""Reads of people: officers see everyone; no one else sees anyone (their own account is /accounts/)."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db.models import QuerySet

from core import roles

from .models import PersonChange


def people_visible_to(user) -> QuerySet[User]:
    if not roles.is_officer(user):
        return User.objects.none()
    return User.objects.select_related("partner_membership__organisation", "trainer_account__trainer").prefetch_related(
        "groups"
    )


def person_changes_visible_to(user) -> QuerySet[PersonChange]:
    return PersonChange.objects.filter(person__in=people_visible_to(user).values("pk")).select_related("by")
