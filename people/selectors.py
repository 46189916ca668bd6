"""Reads of people: officers see everyone; no one else sees anyone (their own account is /accounts/)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import Max, Q, QuerySet, Sum
from django.utils import timezone

from core import roles
from programmes.models import CountryAssignment
from programmes.selectors import organisation_ids_in_countries
from trainers.models import Trainer

from .models import PersonChange


def people_visible_to(user) -> QuerySet[User]:
    """Officers see people; a country's officer those of their countries (partner users of organisations working
    there, trainers working there, officers and editors of those countries) and themselves, the global team
    everyone."""
    if not roles.is_officer(user):
        return User.objects.none()
    people = User.objects.select_related(
        "partner_membership__organisation", "trainer_account__trainer"
    ).prefetch_related("groups")
    ids = roles.country_ids(user)
    if ids is None:
        return people
    return people.filter(
        Q(pk=user.pk)
        | Q(partner_membership__organisation__in=organisation_ids_in_countries(ids))
        | Q(
            trainer_account__trainer__in=Trainer.countries.through.objects.filter(country_id__in=ids).values(
                "trainer_id"
            )
        )
        | Q(
            pk__in=CountryAssignment.countries.through.objects.filter(country_id__in=ids).values(
                "countryassignment__user_id"
            )
        )
    )


def person_changes_visible_to(user) -> QuerySet[PersonChange]:
    return PersonChange.objects.filter(person__in=people_visible_to(user).values("pk")).select_related("by")


@dataclass(frozen=True)
class Lockout:
    """A username or an address refused at login for too many failures (django-axes' attempts)."""

    kind: str  # "username" or "address"
    value: str
    failures: int
    last_failure: dt.datetime

    @property
    def until(self) -> dt.datetime:
        return self.last_failure + settings.AXES_COOLOFF_TIME


def lockouts_visible_to(user) -> list[Lockout]:
    """The lockouts in force now (officers only): usernames at AXES_FAILURE_LIMIT failures within the cool-off
    time, addresses at AXES_FAILURE_LIMIT_PER_ADDRESS; the latest first."""
    if not roles.is_officer(user):
        return []
    from axes.models import AccessAttempt

    recent = AccessAttempt.objects.filter(attempt_time__gte=timezone.now() - settings.AXES_COOLOFF_TIME)
    found = []
    for kind, field, limit in (
        ("username", "username", settings.AXES_FAILURE_LIMIT),
        ("address", "ip_address", settings.AXES_FAILURE_LIMIT_PER_ADDRESS),
    ):
        rows = (
            recent.exclude(**{f"{field}__isnull": True})
            .values(field)
            .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
            .filter(failures__gte=limit)
        )
        found += [Lockout(kind, row[field], row["failures"], row["last"]) for row in rows]
    return sorted(found, key=lambda lockout: lockout.last_failure, reverse=True)
