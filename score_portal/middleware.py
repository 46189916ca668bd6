"""The country's clock for each request: a user who works in one country programme (or in several that share a
zone) sees times and "today" in its time zone; the global team and visitors keep the portal's ``TIME_ZONE``.

It sits at the roof because it reads the memberships of every app (an officer's or editor's countries, a
partner's organisation's, a trainer's own)."""

from __future__ import annotations

from django.utils import timezone

from core import roles
from enterprises.figures import figures_kept
from programmes.models import Country, Organisation
from trainers.models import Trainer


def country_time_zone(user) -> str | None:
    """The time zone of the country programmes the user works in when they share one, else None."""
    if not user.is_authenticated:
        return None
    return figures_kept(user, "time-zone", (), lambda: _zone(user))


def _zone(user) -> str | None:
    countries = roles.country_ids(user)
    if countries is None:  # the global team
        return None
    if not countries:
        if (org_id := roles.partner_organisation_id(user)) is not None:
            countries = Organisation.countries.through.objects.filter(organisation_id=org_id).values("country_id")
        elif (trainer_id := roles.trainer_id(user)) is not None:
            countries = Trainer.countries.through.objects.filter(trainer_id=trainer_id).values("country_id")
        else:
            return None
    zones = list(Country.objects.filter(pk__in=countries).values_list("time_zone", flat=True).distinct()[:2])
    return zones[0] if len(zones) == 1 else None


class CountryTimeZoneMiddleware:
    """Activates the user's country's zone for the request (after AuthenticationMiddleware)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        zone = country_time_zone(request.user)
        if zone:
            timezone.activate(zone)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
