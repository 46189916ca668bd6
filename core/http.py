"""The Content-Disposition of every download, so a file name in Chinese (or with quotes) arrives intact.

RFC 6266 with RFC 5987's encoding: an ASCII ``filename=`` for old clients and ``filename*=UTF-8''...``
with the real name for every current browser. Django's ``content_disposition_header`` sends only the
second form for a non-ASCII name; we send both, as the RFC recommends.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

_UNSAFE_ASCII = re.compile(r"[^A-Za-z0-9 !#$&\'()+,.@\[\]^_`{}~-]")


def _ascii_fallback(filename: str) -> str:
    stem, dot, ext = filename.rpartition(".")
    if not dot:
        stem, ext = filename, ""
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode("ascii")
    ascii_stem = _UNSAFE_ASCII.sub("_", ascii_stem).strip(" ._") or "download"
    if not any(ch.isalnum() for ch in ascii_stem):
        ascii_stem = "download"
    ascii_ext = _UNSAFE_ASCII.sub("_", ext.encode("ascii", "ignore").decode("ascii"))
    return f"{ascii_stem}.{ascii_ext}" if ascii_ext else ascii_stem


def content_disposition(filename: str, *, as_attachment: bool = True) -> str:
    """The header's value for `filename` (any text; control characters are dropped)."""
    filename = "".join(ch for ch in filename if unicodedata.category(ch)[0] != "C").strip() or "download"
    kind = "attachment" if as_attachment else "inline"
    fallback = _ascii_fallback(filename)
    if fallback == filename:
        return f'{kind}; filename="{fallback}"'
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def attachment(response, filename: str, *, as_attachment: bool = True):
    """Set `response`'s Content-Disposition for `filename` and return the response."""
    response["Content-Disposition"] = content_disposition(filename, as_attachment=as_attachment)
    return response
