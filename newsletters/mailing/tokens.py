"""The signed links of the e-mail edition (django.core.signing): no login, no cookie, only the signature.

- A confirmation link carries a timestamp and expires (``MAILING_CONFIRM_MAX_AGE`` seconds).
- The preferences and unsubscribe links do not expire (an unsubscribe link in a years-old e-mail must still
  work); they carry the subscriber's random ``key``, so a new key voids every link sent before.
Each kind has its own salt, so a preferences token never passes for a confirmation.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing

CONFIRM_SALT = "mailing.confirm"
SUBSCRIBER_SALT = "mailing.subscriber"


class LinkExpired(Exception):
    """A confirmation link signed correctly, but too long ago: the subscriber may ask for a new one."""

    def __init__(self, key: str):
        super().__init__(key)
        self.key = key


class LinkInvalid(Exception):
    """Not a link the portal signed (tampered, truncated or made up)."""


class LinkStopped(Exception):
    """A confirmation link of a reader who has unsubscribed, bounced or complained since it was sent."""


def confirm_token(key: str) -> str:
    return signing.TimestampSigner(salt=CONFIRM_SALT).sign(key)


def confirm_key(token: str) -> str:
    signer = signing.TimestampSigner(salt=CONFIRM_SALT)
    try:
        return signer.unsign(token, max_age=settings.MAILING_CONFIRM_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise LinkExpired(signer.unsign(token)) from exc
    except signing.BadSignature as exc:
        raise LinkInvalid from exc


def subscriber_token(key: str) -> str:
    return signing.Signer(salt=SUBSCRIBER_SALT).sign(key)


def subscriber_key(token: str) -> str:
    try:
        return signing.Signer(salt=SUBSCRIBER_SALT).unsign(token)
    except signing.BadSignature as exc:
        raise LinkInvalid from exc
