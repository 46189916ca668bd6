"""Answers computed from the programme's data, kept in the cache until that data changes.

The programme figures read every round, participation, result and trainer the user may see: at 100,000
enterprises a page of them is a second and a half of GROUP BYs, while the data under them changes a few
times an hour. Their answers are kept in Django's cache under a *data version*, a token that every change to
the apps named in ``WATCHED_APPS`` replaces: a save, a delete or a many-to-many change (signals), and the bulk
paths that send no signals call ``data_changed()`` themselves. An answer is never served for data it was not
computed from:

- the version is read before computing and the answer stored under it, so an answer computed while another
  transaction commits is stored under the version that commit has already replaced;
- the token is replaced when the change is made (the process's own next read sees it) and again when its
  transaction commits (a read made in between, by another process, on the data before the commit, is then
  left under the replaced token);
- the token is random, never a counter: a cache that lost it (restarted, evicted) never brings an old
  answer back.

Several server processes must share one cache for this (``CACHE_URL``, a Redis URL in production); the
deploy check ``score_portal.W001`` says so when it is left to each process's memory.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

WATCHED_APPS = frozenset({"programmes", "trainers", "enterprises"})
VERSION_KEY = "datacache:version"
TIMEOUT = 24 * 3600  # an answer nobody asks for again leaves the cache after a day


def data_version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, None)
        version = cache.get(VERSION_KEY) or "unset"
    return version


def _replace_version() -> None:
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)


def data_changed() -> None:
    """The watched data changed: every answer computed from it is dropped, now and when the change commits."""
    _replace_version()
    transaction.on_commit(_replace_version)


def cached(key: str, compute: Callable[[], object]):
    """``compute()``'s answer for ``key``, computed again only after the watched data changed. The key must
    name everything else the answer depends on (who asks, the filters, the language, the day)."""
    digest = hashlib.sha256(key.encode()).hexdigest()  # any text, in the length and characters every cache takes
    full_key = f"datacache:{data_version()}:{digest}"
    found = cache.get(full_key)
    if found is None:
        found = compute()
        cache.set(full_key, found, TIMEOUT)
    return found


def _changed(sender, **kwargs) -> None:
    if sender._meta.app_label in WATCHED_APPS:
        data_changed()


def connect() -> None:
    """Watch every model of ``WATCHED_APPS`` (their history tables included: they change together)."""
    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(_changed, dispatch_uid=f"datacache_{signal is post_save}_{signal is post_delete}")
