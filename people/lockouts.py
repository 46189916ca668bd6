"""Login throttling with django-axes: one limit per username and another per address.

Axes counts failed logins per (username, address, browser) row (``axes.models.AccessAttempt``) and locks out
when the failures it counts reach ``AXES_FAILURE_LIMIT``. It has one limit for every parameter; the portal wants
10 for a username (someone guessing one person's password) and 30 for an address (someone trying many usernames,
or an office behind one address). This handler counts both within the cool-off time and reports the username's
count, or the limit itself once the address has reached its own (settings: AXES_FAILURE_LIMIT,
AXES_FAILURE_LIMIT_PER_ADDRESS; docs/lockouts.md).
"""

from __future__ import annotations

import ipaddress

from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from django.conf import settings
from django.db.models import Sum
from django.http import HttpResponse
from django.shortcuts import render


def client_address(request) -> str | None:
    """The client's address as the outermost of AXES_IPWARE_PROXY_COUNT proxies saw it (AXES_CLIENT_IP_CALLABLE).

    Each proxy appends the address it got the request from to X-Forwarded-For, so what a client writes there itself
    stays on the left: the entry AXES_IPWARE_PROXY_COUNT from the right is the one to believe. Without proxies, or
    with a header shorter than that or not an address, REMOTE_ADDR.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    count = settings.AXES_IPWARE_PROXY_COUNT
    if not count:
        return remote
    chain = [entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if entry.strip()]
    if len(chain) < count:
        return remote
    try:
        return str(ipaddress.ip_address(chain[-count]))
    except ValueError:
        return remote


def _failures(attempts) -> int:
    return attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0


class PortalLockoutHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials: dict | None = None) -> int:
        # AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]: the attempts of this username, of this address
        by_username, by_address = (_failures(a) for a in self.get_user_attempts(request, credentials))
        if by_address >= settings.AXES_FAILURE_LIMIT_PER_ADDRESS:
            return max(by_username, get_failure_limit(request, credentials))
        return by_username


def lockout_response(request, original_response=None, credentials=None) -> HttpResponse:
    """The page a refused login gets (AXES_LOCKOUT_CALLABLE): 429, in the portal's shell, saying for how long."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "registration/locked_out.html", {"minutes": minutes}, status=429)


class LockoutBackend(AxesStandaloneBackend):
    """Axes' backend (refuses a locked-out login before the password is checked), for logins over HTTP: an
    `authenticate()` without a request (a shell, a script, the test client's `login()`) has no address to count
    and is left to the next backend instead of being refused."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
