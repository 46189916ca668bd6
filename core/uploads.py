"""Every image the portal accepts is checked here, by the work it would cause, before it is decoded.

A file's bytes say little about its cost: a 300 KB PNG can hold 10,000 x 10,000 pixels, which Pillow turns
into 400 MB of memory (and every copy made of it as much again). So the picture's size is read from its
header (``Image.open`` reads no pixel) and compared with a pixel budget first; only a picture within the
budget is decoded, and a JPEG is decoded straight at the scale it is needed at (``draft``).

Decoding is strict whatever the process did before: WeasyPrint sets Pillow's process-wide
``ImageFile.LOAD_TRUNCATED_IMAGES = True`` when it is imported, which would make a truncated JPEG "valid"
(its missing part grey) in a worker that has rendered a newsletter and invalid in one that has not. Our
decodes run inside ``strict_decoding()``, which holds the flag at False while any of them runs and puts
back what it was after the last one.

What is stored carries no metadata: ``image_cleaned`` turns a picture upright (its EXIF orientation) and drops
its EXIF, GPS location, XMP and comments, for a result's photos (enterprises/results/photos.py) and for every
portrait (``BoundedImageField`` stores the cleaned picture, encoded again in its format).

A JPEG's cost also grows with its structure, not only its pixels: a progressive JPEG is decoded once per scan
(a 40-megapixel picture repeating one 83-byte scan 5,000 times took 16 s), and every metadata segment becomes a
Python object. ``jpeg_structure_check`` walks its markers (no decoding) and refuses more scans or segments than a
real photo has before Pillow opens it. A JPEG cut short and given its end marker back decodes without an error
in Pillow (libjpeg only warns, and fills the rest grey), so a JPEG is also decoded strictly by libjpeg-turbo
through simplejpeg (at 1/8 scale, greyscale: the same entropy decoding, little memory), which refuses on
libjpeg's warnings. A 16-bit picture (a greyscale PNG) is scaled to 8 bits, not clipped to white.

The spreadsheet side of the same rule (rows, columns, cells, zip bombs) is in ``core/spreadsheets.py``.
"""

from __future__ import annotations

import io
import math
import os
import re
import threading
import warnings
from collections.abc import Collection
from contextlib import contextmanager

import simplejpeg
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
MAX_IMAGE_BYTES = 25 * 1024 * 1024
MAX_STORED_IMAGE_BYTES = 100 * 1024 * 1024  # a file stored before these checks, read to print it
# A photo of a result: a JPEG up to 40 megapixels (it decodes straight at 1/2 or 1/4 scale, see image_decoded),
# a PNG or WebP up to 16 (decoded whole: 64 MB as RGBA, and about as much again cleaning and scaling it), so
# that the worst accepted upload stays within the 300 MB it may cost (bench/limits.py: a 24-megapixel RGBA
# PNG cost 320 MB). A portrait (a trainer, a quoted person) prints a few centimetres wide: 16 megapixels.
PHOTO_MAX_PIXELS = {"JPEG": 40_000_000, "PNG": 16_000_000, "WEBP": 16_000_000}
PORTRAIT_MAX_PIXELS = {"JPEG": 16_000_000, "PNG": 16_000_000, "WEBP": 16_000_000}
Budget = int | dict[str, int]
# A JPEG's structure, walked before it is opened: a baseline JPEG has 1 scan, libjpeg's progressive script 10 (6 in
# grey), other encoders' scripts up to about 20; each scan costs a pass over the whole picture's coefficients, in
# Pillow and again in the strict decode (bench/limits.py, at load 13 on two cores: 100 scans of a 40-megapixel
# picture took 16 s in each, 40 scans 11 s in all, 10 scans 7 s in all). So a picture may have 40 scans, fewer
# the larger it is (scans x pixels at most 12 scans of 40 megapixels), and never fewer than 12.
# A phone photo has a dozen segments (APPn, DQT, DHT, SOF...); Pillow keeps each APPn and COM as a Python object,
# so a file of millions of empty ones would cost gigabytes.
JPEG_MAX_SCANS = 40
JPEG_MIN_SCANS = 12
JPEG_SCAN_PIXELS = 12 * 40_000_000
JPEG_MAX_SEGMENTS = 1_000

# Pillow's own guard, for every Image.open in the process (WeasyPrint's too): it warns above this and
# refuses above twice this. Our checks below refuse at the budget before Pillow's guard matters.
Image.MAX_IMAGE_PIXELS = max(PHOTO_MAX_PIXELS.values())

_BOMB_SIZE_RE = re.compile(r"\((\d+) pixels\)")

_strict_lock = threading.Lock()
_strict_depth = 0
_strict_saved = False


@contextmanager
def strict_decoding():
    """Decode with ``ImageFile.LOAD_TRUNCATED_IMAGES`` False (a truncated file raises), whatever it was set to.

    Reference-counted, so overlapping blocks in several threads all decode strictly; the last one to leave puts
    the flag back as it found it."""
    global _strict_depth, _strict_saved
    with _strict_lock:
        if _strict_depth == 0:
            _strict_saved = ImageFile.LOAD_TRUNCATED_IMAGES
        _strict_depth += 1
        ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        yield
    finally:
        with _strict_lock:
            _strict_depth -= 1
            if _strict_depth == 0:
                ImageFile.LOAD_TRUNCATED_IMAGES = _strict_saved


def _megapixels(pixels: int) -> str:
    return f"{pixels / 1_000_000:.0f}" if pixels >= 10_000_000 else f"{pixels / 1_000_000:.1f}"


def too_many_pixels(pixels: int, max_pixels: int) -> ValidationError:
    shown = _megapixels(pixels)
    if shown == _megapixels(max_pixels):  # just over: show the difference
        shown = f"{pixels / 1_000_000:.2f}"
    return ValidationError(
        _(
            "The picture is %(mp)s megapixels; it may be at most %(max)s megapixels. "
            "Send a smaller copy (a phone's normal photo size is fine)."
        )
        % {"mp": shown, "max": _megapixels(max_pixels)},
        code="too_many_pixels",
    )


def not_an_image() -> ValidationError:
    return ValidationError(
        _("This file is not a JPEG, PNG or WebP photo (whatever its name says)."), code="not_a_photo"
    )


def damaged() -> ValidationError:
    return ValidationError(
        _("The photo is damaged or cut short (its file ends before its picture does); send it again."),
        code="damaged",
    )


def too_many_scans(scans: int, most: int) -> ValidationError:
    return ValidationError(
        _(
            "The photo is a progressive JPEG stored in %(scans)s passes; a photo may have at most %(max)s. "
            "Save it again as a normal JPEG."
        )
        % {"scans": f"{scans:,}", "max": most},
        code="too_many_scans",
    )


def too_many_segments() -> ValidationError:
    return ValidationError(
        _("The photo holds more than %(max)s blocks of metadata; save it again as a normal JPEG.")
        % {"max": f"{JPEG_MAX_SEGMENTS:,}"},
        code="too_many_segments",
    )


# The next marker after a scan's entropy-coded data: 0xFF then anything but a stuffed zero, a restart marker
# (RST0-7, part of the scan) or a fill byte.
_JPEG_FRAMES = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}
_JPEG_MARKER_RE = re.compile(rb"\xff[^\x00\xd0-\xd7\xff]")


def jpeg_structure_check(data: bytes) -> None:
    """Refuse a JPEG with more scans or segments than a photo has, by walking its markers (nothing decoded).
    A file that stops making sense is left to the decoder, which refuses it."""
    pos, scans, segments, end = 2, 0, 0, len(data)
    most = JPEG_MAX_SCANS
    while pos + 4 <= end and data[pos] == 0xFF:
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte before a marker
            pos += 1
            continue
        if marker == 0xD9:  # EOI
            return
        if marker == 0x01 or 0xD0 <= marker <= 0xD7:  # standalone markers
            pos += 2
            continue
        if marker in _JPEG_FRAMES and pos + 9 <= end:  # SOFn: the picture's height and width
            pixels = int.from_bytes(data[pos + 5 : pos + 7], "big") * int.from_bytes(data[pos + 7 : pos + 9], "big")
            most = max(JPEG_MIN_SCANS, min(JPEG_MAX_SCANS, JPEG_SCAN_PIXELS // max(pixels, 1)))
        pos += 2 + int.from_bytes(data[pos + 2 : pos + 4], "big")
        if marker == 0xDA:  # SOS: its entropy-coded data runs to the next marker
            scans += 1
            if scans > most:
                raise too_many_scans(scans + data.count(b"\xff\xda", pos), most)
            found = _JPEG_MARKER_RE.search(data, pos)
            if found is None:
                return
            pos = found.start()
        else:
            segments += 1
            if segments > JPEG_MAX_SEGMENTS:
                raise too_many_segments()


def _jpeg_strictly_decodable(data: bytes, mode: str) -> bool:
    """Whether libjpeg-turbo decodes the JPEG without a warning: a file cut short (with or without its end marker)
    or with corrupt data warns, where Pillow fills the missing part grey without a word. Decoded at 1/8 scale in
    grey (CMYK as itself): every coefficient is still read, the pixels cost 1/64 of the picture."""
    try:
        simplejpeg.decode_jpeg(
            data, colorspace="CMYK" if mode == "CMYK" else "GRAY", fastdct=True, min_height=1, min_width=1, min_factor=8
        )
    except ValueError:
        return False
    return True


def image_8_bit(image: Image.Image) -> Image.Image:
    """The picture in a mode of 8 bits a channel: a 16-bit greyscale one (a PNG opens as "I;16") scaled down to
    "L", where Pillow's ``convert`` would clip every value over 255 to white. Others are returned as they are."""
    if image.mode.startswith("I;16") or image.mode == "I":
        scaled = image.point(lambda v: v / 257)  # 65,535 -> 255: the look kept, every shade in proportion
        converted = scaled.convert("L")
        scaled.close()
        converted.format, converted.info = image.format, dict(image.info)
        image.close()
        return converted
    return image


def _size_of(upload) -> int:
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, io.SEEK_END)
        size = upload.tell()
    return size


def image_opened(
    upload,
    *,
    max_pixels: Budget = PHOTO_MAX_PIXELS,
    max_bytes: int = MAX_IMAGE_BYTES,
    formats: Collection[str] | None = IMAGE_FORMATS,
) -> Image.Image:
    """The upload opened as an image (header read, no pixel decoded) once its bytes, format and pixel count are
    within bounds; else ValidationError saying which bound. The caller's upload is left unread. ``formats=None``
    takes any format Pillow reads (for files stored before, never for an upload)."""
    size = _size_of(upload)
    if size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    if size > max_bytes:
        raise ValidationError(
            _("The file is %(size)s MB; photos may be at most %(max)s MB.")
            % {"size": f"{size / 1024 / 1024:.1f}", "max": max_bytes // (1024 * 1024)},
            code="too_large",
        )
    upload.seek(0)
    # Pillow reads from its own in-memory copy (at most max_bytes), so the caller's upload stays open and unread.
    data = io.BytesIO(upload.read())
    upload.seek(0)
    if data.getvalue()[:3] == b"\xff\xd8\xff":
        jpeg_structure_check(data.getvalue())
    try:
        with warnings.catch_warnings():
            # Between Pillow's limit and twice it Pillow only warns; our own budget below decides.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(data)
    except Image.DecompressionBombError as exc:
        found = _BOMB_SIZE_RE.search(str(exc))
        pixels = int(found[1]) if found else 2 * Image.MAX_IMAGE_PIXELS + 1
        head = data.getvalue()[:12]
        fmt = "PNG" if head.startswith(b"\x89PNG") else "WEBP" if head[8:12] == b"WEBP" else "JPEG"
        budget = max_pixels.get(fmt, min(max_pixels.values())) if isinstance(max_pixels, dict) else max_pixels
        raise too_many_pixels(pixels, budget) from exc
    except (UnidentifiedImageError, SyntaxError, OSError, ValueError) as exc:
        raise not_an_image() from exc
    if formats is not None and image.format not in formats:
        image.close()
        raise not_an_image()
    width, height = image.size
    budget = max_pixels.get(image.format, min(max_pixels.values())) if isinstance(max_pixels, dict) else max_pixels
    if width * height > budget:
        image.close()
        raise too_many_pixels(width * height, budget)
    return image


def image_decoded(
    upload,
    *,
    max_pixels: Budget = PHOTO_MAX_PIXELS,
    max_bytes: int = MAX_IMAGE_BYTES,
    fit: tuple[int, int] | None = None,
    formats: Collection[str] | None = IMAGE_FORMATS,
) -> Image.Image:
    """The upload decoded strictly (a truncated or corrupt file is refused), within the budgets of
    ``image_opened``. With ``fit``, a JPEG is decoded at the smallest scale (1/2, 1/4, 1/8) still covering that
    box, so a big phone photo costs a fraction of its full size. ``format`` stays that of the file."""
    image = image_opened(upload, max_pixels=max_pixels, max_bytes=max_bytes, formats=formats)
    fmt = image.format
    if fmt == "JPEG" and not _jpeg_strictly_decodable(image.fp.getvalue(), image.mode):  # image_opened's BytesIO
        image.close()
        raise damaged()
    try:
        with strict_decoding():
            if fit is not None and fmt == "JPEG":
                # the long side at least the box's longest, so a photo that EXIF turns a quarter still covers it
                scale = max(fit) / max(image.size)
                if scale < 1:
                    image.draft(image.mode, (math.ceil(image.width * scale), math.ceil(image.height * scale)))
            image.load()
    except (UnidentifiedImageError, SyntaxError, OSError, ValueError, Image.DecompressionBombError) as exc:
        image.close()
        raise damaged() from exc
    image = image_8_bit(image)
    image.format = fmt
    return image


def image_cleaned(image: Image.Image) -> Image.Image:
    """A new picture: ``image`` upright (its EXIF orientation applied), without metadata (EXIF, GPS location, XMP,
    comments, colour profile), in RGB or RGBA so every format can store it. ``image`` is left as it was."""
    upright = ImageOps.exif_transpose(image)
    keep_alpha = upright.mode in ("RGBA", "LA") or (upright.mode == "P" and "transparency" in upright.info)
    clean = upright.convert("RGBA" if keep_alpha else "RGB")  # a new image: nothing cached from the file's EXIF
    upright.close()
    clean.info = {}  # no EXIF, GPS, XMP or comments travel to the stored files
    return clean


def _flattened(image: Image.Image) -> Image.Image:
    if image.mode == "RGB":
        return image
    background = Image.new("RGB", image.size, (255, 255, 255))
    background.paste(image, mask=image.getchannel("A"))
    return background


def image_encoded(image: Image.Image, fmt: str, quality: int = 90) -> bytes:
    """A cleaned picture (``image_cleaned``) as a file of ``fmt`` ("JPEG", "PNG" or "WEBP"), with no metadata."""
    out = io.BytesIO()
    if fmt == "JPEG":
        _flattened(image).save(out, "JPEG", quality=quality, optimize=True, progressive=True)
    elif fmt == "PNG":
        image.save(out, "PNG", compress_level=6)  # optimize=True tries every filter: seconds on a 4,000 px picture
    else:
        image.save(out, "WEBP", quality=quality)
    return out.getvalue()


def image_check(upload, *, max_pixels: Budget = PHOTO_MAX_PIXELS, decode: bool = True) -> None:
    """Raise ValidationError when the upload is not an acceptable image; ``decode=False`` reads the header only."""
    if decode:
        image_decoded(upload, max_pixels=max_pixels).close()
    else:
        image_opened(upload, max_pixels=max_pixels).close()
    upload.seek(0)


class BoundedImageField(forms.ImageField):
    """An image upload field for every form of the portal (and the admin): the checks above instead of Django's
    own (which opens the file with Pillow's defaults), with the reason next to the field."""

    default_validators = []  # the format is checked by content, not by the name's extension

    def __init__(self, *args, max_pixels: Budget = PORTRAIT_MAX_PIXELS, **kwargs):
        self.max_pixels = max_pixels
        kwargs.setdefault("widget", forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))
        super().__init__(*args, **kwargs)

    def to_python(self, data):
        """The upload checked and decoded, then stored as a new file of the same format: upright, without its
        metadata (a phone photo's EXIF carries where it was taken), named by its format."""
        f = forms.FileField.to_python(self, data)
        if f is None:
            return None
        image = image_decoded(f, max_pixels=self.max_pixels)
        fmt = image.format
        try:
            clean = image_cleaned(image)
        finally:
            image.close()
        try:
            content = image_encoded(clean, fmt)
        finally:
            clean.close()
        stem = os.path.splitext(os.path.basename(f.name or ""))[0] or "photo"
        cleaned = SimpleUploadedFile(f"{stem}.{IMAGE_FORMATS[fmt]}", content, content_type=Image.MIME.get(fmt))
        cleaned.image = Image.open(io.BytesIO(content))  # its header, as Django's own ImageField leaves it
        return cleaned
