"""Which e-mail addresses the subscribe form and the import accept."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

# Throw-away mailbox services: an address there cannot give lasting consent, and bounces soon. A short list of
# the common ones (and their subdomains), not a blocklist service.
DISPOSABLE_DOMAINS = frozenset(
    {
        "10minutemail.com",
        "discard.email",
        "dispostable.com",
        "emailondeck.com",
        "fakeinbox.com",
        "getnada.com",
        "guerrillamail.com",
        "guerrillamail.net",
        "mailinator.com",
        "maildrop.cc",
        "mailnesia.com",
        "mintemail.com",
        "mohmal.com",
        "sharklasers.com",
        "temp-mail.org",
        "tempmail.com",
        "tempmailo.com",
        "throwawaymail.com",
        "trashmail.com",
        "yopmail.com",
    }
)


def normalised(address: str) -> str:
    return (address or "").strip().lower()


def is_disposable(address: str) -> bool:
    domain = address.rpartition("@")[2]
    parts = domain.split(".")
    return any(".".join(parts[i:]) in DISPOSABLE_DOMAINS for i in range(len(parts) - 1))


def address_problem(address: str) -> str:
    """Why an address cannot subscribe, or "" when it can (``address`` already normalised)."""
    if not address:
        return _("Enter your e-mail address.")
    try:
        validate_email(address)
    except ValidationError:
        return _("“%(address)s” is not a valid e-mail address.") % {"address": address}
    if "." not in address.rpartition("@")[2]:
        return _("“%(address)s” is not a valid e-mail address.") % {"address": address}
    if is_disposable(address):
        return _("Addresses at %(domain)s are throw-away mailboxes; please use an address you keep.") % {
            "domain": address.rpartition("@")[2]
        }
    return ""
