"""Which e-mail addresses the subscribe form and the import accept."""

from __future__ import annotations

import unicodedata

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
    """The one form of an address, stored, compared and mailed: NFKC (a full-width ``ｌｉ`` is ``li``), lower
    case, and the domain IDNA-encoded by Python's own ``encodings.idna`` (``bücher.example`` is
    ``xn--bcher-kva.example``), so one mailbox has one spelling and subscribes once (the e-mail column is
    unique). A domain IDNA cannot encode is left as typed, and ``address_problem`` refuses it."""
    address = unicodedata.normalize("NFKC", address or "").strip().lower()
    local, at, domain = address.rpartition("@")
    if not at or not domain:
        return address
    try:
        domain = domain.rstrip(".").encode("idna").decode("ascii")
    except UnicodeError:
        return address
    return f"{local}@{domain}"


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
    domain = address.rpartition("@")[2]
    if "." not in domain or not domain.isascii() or len(address) > 254 or len(address.rpartition("@")[0]) > 64:
        # no dot, a domain IDNA cannot encode, or longer than SMTP carries (RFC 5321): it cannot be delivered
        return _("“%(address)s” is not a valid e-mail address.") % {"address": address}
    if is_disposable(address):
        return _("Addresses at %(domain)s are throw-away mailboxes; please use an address you keep.") % {
            "domain": address.rpartition("@")[2]
        }
    return ""
