"""HTML to PDF, with every image and stylesheet read from our own storage (never over HTTP).

The newsletter's HTML names its resources with two private schemes:

- ``score-media:<storage name>``: a photo in Django's default storage. The fetcher hands WeasyPrint a
  print-size copy (a photo's own ``print`` copy when the HTML names it, otherwise one made here from the
  master with Pillow and cached in storage under the master's content hash), so layout never decodes a
  12-megapixel master;
- ``score-static:<path>``: a file found by the staticfiles finders (the print stylesheet).

The web preview rewrites the same names into URLs (see ``html_for_web``), so both read one template.
"""

from __future__ import annotations

import hashlib
import io
import logging
import mimetypes
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageOps, UnidentifiedImageError

logger = logging.getLogger(__name__)
# WeasyPrint reports each layout step at INFO; only its warnings matter here.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

MEDIA_SCHEME = "score-media:"
STATIC_SCHEME = "score-static:"
# Print size: the layout prints a photo at most half the page wide (about 86 mm); 1200 px there is 355 dpi, more
# than print needs. JPEG quality 85 is invisible in print. (bench/newsletter.py measured 1600 and 1800 px too: larger
# copies only make WeasyPrint resample them again.)
PRINT_LONG_SIDE = 1200
PRINT_JPEG_QUALITY = 85
PRINT_CACHE_DIR = "newsletters/print-cache"
# WeasyPrint's image options, honoured only when given to HTML.write_pdf / HTML.render. `dpi` caps what is embedded
# for the size an image is printed at (a portrait printed 26 mm wide does not carry 1200 px). `optimize_images` and
# `jpeg_quality` would decode and re-encode every photo although the print copies are already optimised JPEGs:
# measured, 60 % more time for 15 % fewer bytes, so they are off.
WEASYPRINT_OPTIONS = {"optimize_images": False, "jpeg_quality": None, "dpi": 300}
PREPARE_THREADS = 4
# Bump when the print copies or the options change, so issues re-render.
PRINT_PROFILE = f"v1-{PRINT_LONG_SIDE}-{PRINT_JPEG_QUALITY}-{sorted(WEASYPRINT_OPTIONS.items())}"

_RESOURCE_RE = re.compile(r"(score-media|score-static):([^\"')\s]+)")


class NewsletterRenderError(Exception):
    """A problem with the content or the template: retrying will not help; the editor must fix it."""


def media_src(name: str) -> str:
    return f"{MEDIA_SCHEME}{name}"


def static_src(path: str) -> str:
    return f"{STATIC_SCHEME}{path}"


def resource_names(html: str, scheme: str = "score-media") -> list[str]:
    """The storage names (or static paths) an HTML document refers to, in order, without repeats."""
    return list(dict.fromkeys(name for s, name in _RESOURCE_RE.findall(html) if s == scheme))


def html_for_web(html: str, *, media_url: Callable[[str], str], static_url: Callable[[str], str]) -> str:
    """The same document for a browser: private resource names become URLs of our own views."""

    def replace(match: re.Match) -> str:
        scheme, name = match.groups()
        return media_url(name) if scheme == "score-media" else static_url(name)

    return _RESOURCE_RE.sub(replace, html)


def _master_digest(name: str) -> str:
    try:
        with default_storage.open(name, "rb") as fh:
            return hashlib.file_digest(fh, "sha256").hexdigest()
    except FileNotFoundError as exc:
        raise NewsletterRenderError(f"The photo file {name!r} is missing from storage.") from exc


def _check_readable(name: str) -> None:
    try:
        with default_storage.open(name, "rb") as fh:
            Image.open(fh).verify()
    except FileNotFoundError as exc:
        raise NewsletterRenderError(f"The photo file {name!r} is missing from storage.") from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise NewsletterRenderError(f"The photo file {name!r} is not a readable image ({exc}).") from exc


def print_copy_name(name: str) -> str:
    """The storage name of a print-size copy of the photo ``name``, made and cached on first use."""
    if name.startswith(PRINT_CACHE_DIR + "/") or "/print/" in name:
        _check_readable(name)  # already a print copy, made on upload
        return name
    cached = f"{PRINT_CACHE_DIR}/{_master_digest(name)[:32]}-{PRINT_LONG_SIDE}.jpg"
    if default_storage.exists(cached):
        return cached
    try:
        with default_storage.open(name, "rb") as fh:
            image = Image.open(fh)
            # JPEG draft mode decodes at 1/2, 1/4 or 1/8 scale directly: a 12-megapixel master in a fraction
            # of the time a full decode takes. Ask for the box the long side fits, or it cannot reduce.
            width, height = image.size
            scale = PRINT_LONG_SIDE / max(width, height, 1)
            image.draft("RGB", (max(1, int(width * scale)), max(1, int(height * scale))))
            image = ImageOps.exif_transpose(image)
            image = image.convert("RGB")
            image.thumbnail((PRINT_LONG_SIDE, PRINT_LONG_SIDE), Image.Resampling.LANCZOS)
            out = io.BytesIO()
            image.save(out, "JPEG", quality=PRINT_JPEG_QUALITY, optimize=True, progressive=True)
    except FileNotFoundError as exc:
        raise NewsletterRenderError(f"The photo file {name!r} is missing from storage.") from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise NewsletterRenderError(f"The photo file {name!r} is not a readable image ({exc}).") from exc
    saved = default_storage.save(cached, ContentFile(out.getvalue()))
    if saved != cached:  # another worker made the same copy at the same time; keep one
        default_storage.delete(saved)
    return cached


def prepare_images(html: str) -> dict[str, str]:
    """Make sure every photo the HTML names has a print copy; {storage name: print copy name}.

    Copies are made in a few threads (Pillow releases the GIL while it decodes and encodes).
    """
    names = resource_names(html)
    if len(names) < 2:
        return {name: print_copy_name(name) for name in names}
    with ThreadPoolExecutor(max_workers=PREPARE_THREADS) as pool:
        return dict(zip(names, pool.map(print_copy_name, names), strict=True))


@dataclass
class StorageURLFetcher:
    """Resolves our two schemes from storage and static files; refuses everything else (no HTTP)."""

    print_copies: dict[str, str] = field(default_factory=dict)
    use_print_copies: bool = True

    def __call__(self, url: str):
        from weasyprint.urls import URLFetcherResponse

        if url.startswith(MEDIA_SCHEME):
            name = url.removeprefix(MEDIA_SCHEME)
            if self.use_print_copies:
                name = self.print_copies.get(name) or print_copy_name(name)
            try:
                with default_storage.open(name, "rb") as fh:
                    body = fh.read()
            except FileNotFoundError as exc:
                raise NewsletterRenderError(f"The photo file {name!r} is missing from storage.") from exc
            return URLFetcherResponse(url, body, {"Content-Type": mimetypes.guess_type(name)[0] or "image/jpeg"})
        if url.startswith(STATIC_SCHEME):
            path = finders.find(url.removeprefix(STATIC_SCHEME))
            if not path:
                raise NewsletterRenderError(f"The static file {url.removeprefix(STATIC_SCHEME)!r} does not exist.")
            with open(path, "rb") as fh:
                body = fh.read()
            return URLFetcherResponse(url, body, {"Content-Type": mimetypes.guess_type(path)[0] or "text/css"})
        raise NewsletterRenderError(
            f"The newsletter refers to {url!r}; only stored photos and static files are allowed."
        )


def _weasyprint_fetcher(fetcher: StorageURLFetcher):
    from weasyprint.urls import URLFetcher

    class _Fetcher(URLFetcher):
        def fetch(self, url, headers=None):
            return fetcher(url)

    return _Fetcher(fail_on_errors=True)


def render_pdf(
    html: str,
    *,
    print_copies: dict[str, str] | None = None,
    use_print_copies: bool = True,
    weasyprint_options: dict | None = None,
) -> bytes:
    """Lay out the HTML and return the PDF. A missing or unreadable resource stops the rendering."""
    from weasyprint import HTML
    from weasyprint.urls import FatalURLFetchingError

    fetcher = StorageURLFetcher(print_copies=print_copies or {}, use_print_copies=use_print_copies)
    options = WEASYPRINT_OPTIONS if use_print_copies else (weasyprint_options or {})
    try:
        return HTML(string=html, url_fetcher=_weasyprint_fetcher(fetcher)).write_pdf(**options)
    except FatalURLFetchingError as exc:
        cause = exc.__cause__
        if isinstance(cause, NewsletterRenderError):
            raise cause from None
        if isinstance(cause, (UnidentifiedImageError, ValueError)):
            raise NewsletterRenderError(str(cause)) from exc
        raise


def content_hash(html: str) -> str:
    """What the PDF depends on: the HTML (which names every photo by its storage name), the stylesheets it
    links and the print profile."""
    digest = hashlib.sha256(html.encode())
    for path in resource_names(html, "score-static"):
        found = finders.find(path)
        if found:
            with open(found, "rb") as fh:
                digest.update(fh.read())
    digest.update(PRINT_PROFILE.encode())
    return digest.hexdigest()
