"""HTML to PDF, with every image and stylesheet read from our own storage (never over HTTP).

The newsletter's HTML names its resources with two private schemes:

- ``score-media:<storage name>``: a photo in Django's default storage. The fetcher hands WeasyPrint a
  print-size copy (a photo's own ``print`` copy when the HTML names it, otherwise one made here from the
  master with Pillow and cached in storage under the master's content hash), so layout never decodes a
  12-megapixel master;
- ``score-static:<path>``: a file found by the staticfiles finders (the print stylesheet);
- ``score-chart:<name>``: a chart (SVG drawn by ``core.charts``) the template drew while it rendered, named by
  its content's hash; the PDF embeds it as an image, the web version as the same SVG in a ``data:`` URL, and a
  published version keeps the SVGs it printed (``IssueVersion.charts``).

Only the template makes resources: its tags (``print_src``, ``image_src``, ``static_src``) register each name they
print while the document renders (``collecting``), and the result is a ``Document``: the HTML and the names it
registered. The fetcher serves only those names, the content hash and the print copies read only those names, and
the web version turns only those names, in the template's own ``src``/``href``/``url("...")``, into URLs. A record's
text that spells ``score-media:...`` or ``score-static:...`` stays text (autoescaping keeps it out of attributes).

The web preview rewrites the same names into URLs (see ``html_for_web``), so both read one template.
"""

from __future__ import annotations

import base64
import hashlib
import io
import logging
import mimetypes
import re
from collections.abc import Callable, Collection, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageOps, UnidentifiedImageError

from core import uploads

logger = logging.getLogger(__name__)
# WeasyPrint reports each layout step at INFO; only its warnings matter here.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

MEDIA_SCHEME = "score-media:"
STATIC_SCHEME = "score-static:"
CHART_SCHEME = "score-chart:"
# Print size: a result photo has its print copies, made on upload at the size the layout prints it at, 300 dpi
# (enterprises/results/photos.py). A photo without one (a trainer's portrait, a photo stored before the copies
# existed) gets a copy made here for the box the template asks for, cached in storage. JPEG quality 85 is
# invisible in print. WeasyPrint's `dpi` then finds nothing to resample.
PRINT_LONG_SIDE = 1015
PORTRAIT_BOX = (320, 320)  # 26 mm at 300 dpi
PRINT_JPEG_QUALITY = 85
PRINT_CACHE_DIR = "newsletters/print-cache"
# WeasyPrint's image options, honoured only when given to HTML.write_pdf / HTML.render. `dpi` caps what is embedded
# for the size an image is printed at (a portrait printed 26 mm wide does not carry 1200 px). `optimize_images` and
# `jpeg_quality` would decode and re-encode every photo although the print copies are already optimised JPEGs:
# measured, 60 % more time for 15 % fewer bytes, so they are off.
# `pdf_tags` tags the PDF's structure (headings, paragraphs, figures with their alt text) for screen readers.
WEASYPRINT_OPTIONS = {"optimize_images": False, "jpeg_quality": None, "dpi": 300, "pdf_tags": True}
PREPARE_THREADS = 4
# Bump when the print copies or the options change, so issues re-render.
PRINT_PROFILE = f"v2-{PRINT_LONG_SIDE}-{PRINT_JPEG_QUALITY}-{sorted(WEASYPRINT_OPTIONS.items())}"

# A reference the template made: in a src or href attribute, or in a quoted url() of its own <style>. A record's text
# is autoescaped, so it cannot open an attribute or a quoted url(): these patterns never match inside it.
_REFERENCE_RE = re.compile(
    r"""(?P<lead>(?:src|href)="|url\((?P<q>["']))(?P<scheme>score-media|score-static|score-chart):(?P<name>[^"'\s)<>]+)"""
)
# Static paths the template may name: relative, no "..", no scheme.
_SAFE_STATIC_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_./-]*$")


class NewsletterRenderError(Exception):
    """A problem with the content or the template: retrying will not help; the editor must fix it."""


@dataclass
class Resources:
    """The photos (each with the box its print copy must fit, or None for a print copy already) and static files
    one rendering of the template named, in order."""

    media: dict[str, tuple[int, int] | None] = field(default_factory=dict)
    static: list[str] = field(default_factory=list)
    charts: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Document:
    """A rendered newsletter: its HTML and the resources its template registered."""

    html: str
    media: dict[str, tuple[int, int] | None] = field(default_factory=dict)
    static: tuple[str, ...] = ()
    charts: dict[str, str] = field(default_factory=dict)


_collecting: ContextVar[Resources | None] = ContextVar("newsletter_resources", default=None)


@contextmanager
def collecting() -> Iterator[Resources]:
    """Register every resource the template names while the block renders it."""
    resources = Resources()
    token = _collecting.set(resources)
    try:
        yield resources
    finally:
        _collecting.reset(token)


def document(html: str, resources: Resources) -> Document:
    return Document(
        html=html, media=dict(resources.media), static=tuple(resources.static), charts=dict(resources.charts)
    )


def media_src(name: str, box: tuple[int, int] | None = None) -> str:
    """The private name of a stored photo, registered as a resource of the document being rendered; ``box``: the
    size in pixels its print copy is made for (none when ``name`` is a print copy already)."""
    resources = _collecting.get()
    if resources is not None and name:
        resources.media.setdefault(name, box)
    return f"{MEDIA_SCHEME}{name}"


def static_src(path: str) -> str:
    """The private name of a static file (stylesheet, font), registered like ``media_src``."""
    if not _SAFE_STATIC_RE.match(path) or ".." in path:
        raise NewsletterRenderError(f"The newsletter template names an invalid static path {path!r}.")
    resources = _collecting.get()
    if resources is not None and path not in resources.static:
        resources.static.append(path)
    return f"{STATIC_SCHEME}{path}"


def chart_src(svg: str) -> str:
    """The private name of a chart the template drew (SVG markup from ``core.charts``), registered like
    ``media_src``: named by its content, so the same chart is one resource and a changed one a new name."""
    name = f"{hashlib.sha256(svg.encode()).hexdigest()[:32]}.svg"
    resources = _collecting.get()
    if resources is not None:
        resources.charts.setdefault(name, svg)
    return f"{CHART_SCHEME}{name}"


def chart_data_url(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode("ascii")


def html_for_web(
    html: str,
    *,
    media: Collection[str],
    media_url: Callable[[str], str],
    static_url: Callable[[str], str],
    charts: Mapping[str, str] | None = None,
) -> str:
    """The same document for a browser: the template's own references to the photos in ``media`` and to static files
    become URLs of our own views, its charts (``charts``: name -> SVG, those it registered) the same SVG as a
    ``data:`` URL; nothing else is touched (a reference to another photo or chart is left dead)."""
    allowed = set(media)
    charts = charts or {}

    def replace(match: re.Match) -> str:
        scheme, name = match["scheme"], match["name"]
        if scheme == "score-chart":
            url = chart_data_url(charts[name]) if name in charts else ""
        elif scheme == "score-media":
            url = media_url(name) if name in allowed else ""
        else:
            url = static_url(name) if _SAFE_STATIC_RE.match(name) and ".." not in name else ""
        return f"{match['lead']}{url}"

    return _REFERENCE_RE.sub(replace, html)


def _master_digest(name: str) -> str:
    try:
        with default_storage.open(name, "rb") as fh:
            return hashlib.file_digest(fh, "sha256").hexdigest()
    except FileNotFoundError as exc:
        raise NewsletterRenderError(f"The photo file {name!r} is missing from storage.") from exc


def print_copy_name(name: str, box: tuple[int, int] | None = None) -> str:
    """The storage name of a print-size copy of the photo ``name`` (fitting ``box``), made and cached on first use."""
    if name.startswith(PRINT_CACHE_DIR + "/") or "/print/" in name:
        return name  # already a print copy: made (from a checked image) on upload, or here
    box = box or (PRINT_LONG_SIDE, PRINT_LONG_SIDE)
    cached = f"{PRINT_CACHE_DIR}/{_master_digest(name)[:32]}-{box[0]}x{box[1]}.jpg"
    if default_storage.exists(cached):
        return cached
    try:
        with default_storage.open(name, "rb") as fh:
            # Within the pixel budget and strictly decoded, whatever the process did before (core/uploads.py);
            # a JPEG straight at 1/2, 1/4 or 1/8 scale (draft mode) when the box allows it.
            image = uploads.image_decoded(
                fh, fit=box, formats=None, max_pixels=Image.MAX_IMAGE_PIXELS, max_bytes=uploads.MAX_STORED_IMAGE_BYTES
            )
            image = ImageOps.exif_transpose(image)
            image = image.convert("RGB")
            image.thumbnail(box, Image.Resampling.LANCZOS)
            out = io.BytesIO()
            image.save(out, "JPEG", quality=PRINT_JPEG_QUALITY, optimize=True, progressive=True)
    except FileNotFoundError as exc:
        raise NewsletterRenderError(f"The photo file {name!r} is missing from storage.") from exc
    except ValidationError as exc:
        raise NewsletterRenderError(
            f"The photo file {name!r} is not a readable image ({' '.join(exc.messages)})."
        ) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise NewsletterRenderError(f"The photo file {name!r} is not a readable image ({exc}).") from exc
    saved = default_storage.save(cached, ContentFile(out.getvalue()))
    if saved != cached:  # another worker made the same copy at the same time; keep one
        default_storage.delete(saved)
    return cached


def prepare_images(doc: Document) -> dict[str, str]:
    """Make sure every photo the document registered has a print copy; {storage name: print copy name}.

    Copies are made in a few threads (Pillow releases the GIL while it decodes and encodes).
    """
    names, boxes = list(doc.media), list(doc.media.values())
    if len(names) < 2:
        return {name: print_copy_name(name, box) for name, box in zip(names, boxes, strict=True)}
    with ThreadPoolExecutor(max_workers=PREPARE_THREADS) as pool:
        return dict(zip(names, pool.map(print_copy_name, names, boxes), strict=True))


def _content_type(name: str, default: str) -> str:
    if name.endswith(".woff"):
        return "font/woff"
    if name.endswith(".woff2"):
        return "font/woff2"
    return mimetypes.guess_type(name)[0] or default


@dataclass
class StorageURLFetcher:
    """Serves the resources the document registered, from storage and static files; refuses everything else
    (no HTTP, no file the template did not name)."""

    media: dict[str, tuple[int, int] | None] = field(default_factory=dict)
    static: Collection[str] = ()
    print_copies: dict[str, str] = field(default_factory=dict)
    use_print_copies: bool = True
    charts: Mapping[str, str] = field(default_factory=dict)

    def __call__(self, url: str):
        from weasyprint.urls import URLFetcherResponse

        if url.startswith(CHART_SCHEME) and url.removeprefix(CHART_SCHEME) in self.charts:
            body = self.charts[url.removeprefix(CHART_SCHEME)].encode()
            return URLFetcherResponse(url, body, {"Content-Type": "image/svg+xml"})
        if url.startswith(MEDIA_SCHEME) and url.removeprefix(MEDIA_SCHEME) in self.media:
            name = url.removeprefix(MEDIA_SCHEME)
            if self.use_print_copies:
                name = self.print_copies.get(name) or print_copy_name(name, self.media[name])
            try:
                with default_storage.open(name, "rb") as fh:
                    body = fh.read()
            except FileNotFoundError as exc:
                raise NewsletterRenderError(f"The photo file {name!r} is missing from storage.") from exc
            return URLFetcherResponse(url, body, {"Content-Type": _content_type(name, "image/jpeg")})
        if url.startswith(STATIC_SCHEME) and url.removeprefix(STATIC_SCHEME) in self.static:
            path = finders.find(url.removeprefix(STATIC_SCHEME))
            if not path:
                raise NewsletterRenderError(f"The static file {url.removeprefix(STATIC_SCHEME)!r} does not exist.")
            with open(path, "rb") as fh:
                body = fh.read()
            return URLFetcherResponse(url, body, {"Content-Type": _content_type(path, "text/css")})
        raise NewsletterRenderError(
            f"The newsletter refers to {url[:200]!r}; only the photos and static files its template names are allowed."
        )


def _weasyprint_fetcher(fetcher: StorageURLFetcher):
    from weasyprint.urls import URLFetcher

    class _Fetcher(URLFetcher):
        def fetch(self, url, headers=None):
            return fetcher(url)

    return _Fetcher(fail_on_errors=True)


def render_pdf(
    doc: Document,
    *,
    print_copies: dict[str, str] | None = None,
    use_print_copies: bool = True,
    weasyprint_options: dict | None = None,
) -> bytes:
    """Lay out the document and return the PDF. A missing or unreadable resource stops the rendering."""
    from weasyprint import HTML
    from weasyprint.urls import FatalURLFetchingError

    fetcher = StorageURLFetcher(
        media=doc.media,
        static=frozenset(doc.static),
        print_copies=print_copies or {},
        use_print_copies=use_print_copies,
        charts=doc.charts,
    )
    options = WEASYPRINT_OPTIONS if weasyprint_options is None else weasyprint_options
    try:
        return fitted_layout(
            lambda html: HTML(string=html, url_fetcher=_weasyprint_fetcher(fetcher)).render(**options), doc.html
        ).write_pdf(**options)
    except FatalURLFetchingError as exc:
        cause = exc.__cause__
        if isinstance(cause, NewsletterRenderError):
            raise cause from None
        if isinstance(cause, (UnidentifiedImageError, ValueError)):
            raise NewsletterRenderError(str(cause)) from exc
        raise


# The pages fill: every page but the last at least FILL_PAGE of its body, the last at least FILL_LAST. When the
# stylesheet's own layout misses that, the document is laid out again with the <html> element in one of the
# stylesheet's fitting variants (newsletter-print.css: "fit-tight" sets the same content denser to save a short last
# page; "fit-loose" and "fit-looser" set it more airily to carry more onto it), and the first layout that meets the
# goal, else the one that comes nearest, is printed.
FILL_PAGE = 0.8
FILL_LAST = 1 / 3
# A laid-out line reaches a little below its ink (half its leading): the layout is held to the goal with this margin,
# so the printed page meets it as pdftoppm sees it.
FILL_MARGIN = 0.02
FIT_VARIANTS = ("fit-tight", "fit-loose", "fit-looser")
LAYOUT_ERRORS = (AssertionError, IndexError, KeyError, TypeError, ValueError, ZeroDivisionError)


def page_fills(layout) -> list[float]:
    """How far down each page's body its content reaches (0 to 1), from WeasyPrint's layout: the lowest line of text,
    image or box with a background or border laid out on the page (not the margins after them), over the page's
    content area; the running header and footer, in the page's margins, are not counted."""
    from weasyprint.formatting_structure import boxes

    fills = []
    for page in layout.pages:
        page_box = page._page_box  # WeasyPrint keeps the laid-out boxes here (weasyprint==70.0, pinned)
        top, height = page_box.content_box_y(), page_box.height
        bottom = top
        for box in page_box.children[0].descendants():
            style = box.style
            inked = isinstance(box, (boxes.LineBox, boxes.ReplacedBox)) or (
                style["background_color"].alpha > 0 or any(style[f"border_{side}_width"] for side in ("top", "bottom"))
            )
            if inked and box.height:
                bottom = max(bottom, box.border_box_y() + box.border_height())
        fills.append(max(0.0, min(1.0, (bottom - top) / height)) if height else 0.0)
    return fills


def fill_shortfall(fills: list[float]) -> float:
    """How far the pages miss the goal, summed (0: every page but the last FILL_PAGE full, the last FILL_LAST)."""
    *body, last = fills
    return sum(max(0.0, FILL_PAGE + FILL_MARGIN - fill) for fill in body) + max(0.0, FILL_LAST + FILL_MARGIN - last)


def fitted_layout(lay_out, html: str):
    """``lay_out(html)`` as the stylesheet sets it, or, when its pages miss the fill goal, in the fitting variant
    that meets it (else comes nearest; fewer pages first on a tie). At most four layouts, only when needed."""
    best, best_key, failure = None, None, None
    for variant in ("", *FIT_VARIANTS):
        try:
            candidate = lay_out(html.replace("<html ", f'<html class="{variant}" ', 1) if variant else html)
        except LAYOUT_ERRORS as exc:
            # WeasyPrint's layout can trip over its own assertion on a rare arrangement; another variant may not.
            logger.warning("Newsletter layout %r failed", variant or "default", exc_info=True)
            failure = failure or exc
            continue
        key = (fill_shortfall(page_fills(candidate)), len(candidate.pages))
        if best is None or key < best_key:
            best, best_key = candidate, key
        if key[0] == 0:
            break
    if best is None:
        raise failure
    return best


def content_hash(doc: Document) -> str:
    """What the PDF depends on: the HTML (which names every photo by its storage name), the static files its
    template registered (stylesheet, fonts) and the print profile."""
    digest = hashlib.sha256(doc.html.encode())
    for path in doc.static:
        found = finders.find(path)
        if found:
            with open(found, "rb") as fh:
                digest.update(fh.read())
    digest.update(PRINT_PROFILE.encode())
    return digest.hexdigest()
