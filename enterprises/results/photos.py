"""Photo uploads: checked by content, cleaned, and turned into the copies pages and the newsletter use.

A phone photo arrives as JPEG, PNG or WebP. We trust its bytes, never its name: Pillow must recognise it
as one of those three formats. Before storing we apply the EXIF orientation (so the picture stands the way
it was taken) and drop every metadata block (EXIF, GPS location, XMP, comments). Very large photos are
scaled down for the stored master rather than refused; only a decompression bomb, a file over 25 MB or a
picture over 100 megapixels is refused. The web, print and thumbnail copies are made once, here, so no
page ever sends the master.

The two print copies are made at the size the newsletter prints a photo at, at 300 dpi, so WeasyPrint embeds
them as they are at every rendering (it resamples only what is finer than 300 dpi): ``print`` for a full-width
photo pair (a photo at most 86 x 62 mm), ``print_half`` for a half-width pair (at most 40.5 x 34 mm). The boxes
match the image sizes in static/css/newsletter-print.css.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import io
import uuid
import warnings
from contextlib import contextmanager
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

from .models import Photo

MAX_BYTES = 25 * 1024 * 1024
MAX_PIXELS = 100_000_000
# Pillow warns above MAX_IMAGE_PIXELS and raises above twice that. We refuse anything above our own
# limit ourselves (see _open), and turn Pillow's warning into an error, so it must not be lower than ours.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS

ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
MASTER_LONG_SIDE = 4000
WEB_LONG_SIDE = 1280
THUMB_LONG_SIDE = 320
PRINT_DPI = 300
MM_PER_INCH = 25.4


def _box(width_mm: float, height_mm: float) -> tuple[int, int]:
    # Rounded down: a copy one pixel finer than 300 dpi would be resampled by WeasyPrint at every rendering.
    return int(width_mm / MM_PER_INCH * PRINT_DPI), int(height_mm / MM_PER_INCH * PRINT_DPI)


# The largest a photo prints at (width, height in mm), as in newsletter-print.css.
PRINT_FULL_MM = (86, 62)
PRINT_HALF_MM = (40.5, 34)
PRINT_BOX = _box(*PRINT_FULL_MM)  # 1015 x 732 px
PRINT_HALF_BOX = _box(*PRINT_HALF_MM)  # 478 x 401 px


@dataclass(frozen=True)
class _Copy:
    field: str
    box: tuple[int, int]
    quality: int


COPIES = (
    _Copy("web", (WEB_LONG_SIDE, WEB_LONG_SIDE), 82),
    _Copy("print", PRINT_BOX, 85),
    _Copy("print_half", PRINT_HALF_BOX, 85),
    _Copy("thumbnail", (THUMB_LONG_SIDE, THUMB_LONG_SIDE), 78),
)


def _open(upload) -> Image.Image:
    """Open an upload as a fully decoded image, or raise ValidationError saying what is wrong."""
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, io.SEEK_END)
        size = upload.tell()
    if size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    if size > MAX_BYTES:
        raise ValidationError(
            _("The file is %(size)s MB; photos may be at most 25 MB.") % {"size": f"{size / 1024 / 1024:.1f}"},
            code="too_large",
        )
    upload.seek(0)
    # Pillow reads from its own in-memory copy (at most 25 MB), so the caller's upload stays open and unread.
    data = io.BytesIO(upload.read())
    upload.seek(0)
    not_a_photo = ValidationError(
        _("This file is not a JPEG, PNG or WebP photo (whatever its name says)."), code="not_a_photo"
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(data)
            if image.format not in ALLOWED_FORMATS:
                raise not_a_photo
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise ValidationError(
                    _("The picture is %(mp)s megapixels; photos may be at most 100 megapixels.")
                    % {"mp": f"{width * height / 1_000_000:.0f}"},
                    code="too_many_pixels",
                )
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ValidationError(
            _("The picture is too large to open safely (more than 100 megapixels)."), code="bomb"
        ) from exc
    except (UnidentifiedImageError, SyntaxError, OSError, ValueError) as exc:
        raise not_a_photo from exc
    return image


def _cleaned(image: Image.Image) -> Image.Image:
    """The picture upright, without metadata, in a mode every format can store."""
    upright = ImageOps.exif_transpose(image) or image
    keep_alpha = upright.mode in ("RGBA", "LA") or (upright.mode == "P" and "transparency" in upright.info)
    clean = upright.convert("RGBA" if keep_alpha else "RGB")
    clean.info = {}  # no EXIF, GPS, XMP or comments travel to the stored files
    return clean


def _scaled(image: Image.Image, long_side: int | tuple[int, int]) -> Image.Image:
    box = (long_side, long_side) if isinstance(long_side, int) else long_side
    if image.width <= box[0] and image.height <= box[1]:
        return image.copy()
    copy = image.copy()
    copy.thumbnail(box, Image.Resampling.LANCZOS)
    return copy


def _flattened(image: Image.Image) -> Image.Image:
    if image.mode == "RGB":
        return image
    background = Image.new("RGB", image.size, (255, 255, 255))
    background.paste(image, mask=image.getchannel("A"))
    return background


def _encode(image: Image.Image, fmt: str, quality: int = 90) -> bytes:
    out = io.BytesIO()
    if fmt == "JPEG":
        _flattened(image).save(out, "JPEG", quality=quality, optimize=True, progressive=True)
    elif fmt == "PNG":
        image.save(out, "PNG", optimize=True)
    else:
        image.save(out, "WEBP", quality=quality)
    return out.getvalue()


def photo_check(upload) -> None:
    """Raise ValidationError when the upload is not an acceptable photo (used by forms before saving)."""
    _open(upload).close()
    upload.seek(0)


def photo_derive(*, photo: Photo, image: Image.Image | None = None) -> Photo:
    """Make the web, print and thumbnail copies of a stored photo (once; existing copies are kept)."""
    missing = [copy for copy in COPIES if not getattr(photo, copy.field)]
    if not missing:
        return photo
    if image is None:
        with photo.image.open("rb") as fh:
            image = _cleaned(_open(fh))
    stem = uuid.uuid4().hex
    changed = []
    for copy in COPIES:
        if getattr(photo, copy.field):
            continue
        data = _encode(_scaled(image, copy.box), "JPEG", quality=copy.quality)
        getattr(photo, copy.field).save(f"{stem}-{copy.field.replace('_', '-')}.jpg", ContentFile(data), save=False)
        _stored(getattr(photo, copy.field).name)
        changed.append(copy.field)
    if changed and photo.pk:
        photo.save(update_fields=changed)
    return photo


# The names of the files stored inside the innermost `files_discarded_on_failure` block.
_stored_files: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar("stored_photo_files", default=None)


@contextmanager
def files_discarded_on_failure():
    """Delete the photo files stored inside the block if the block raises (storage has no rollback).

    Wrap it around the outermost transaction of a service that stores photos, so a failure anywhere,
    the commit included, leaves no file without its row. (Files a caller's own outer transaction rolls
    back later, or a killed process leaves, are removed by `photo_orphans_delete`.)
    """
    outer, names = _stored_files.get(), []
    token = _stored_files.set(names)
    try:
        yield
    except BaseException:
        for name in names:
            default_storage.delete(name)
        raise
    finally:
        _stored_files.reset(token)
    if outer is not None:  # a block that succeeded hands its files to the one around it
        outer.extend(names)


def _stored(name: str) -> None:
    names = _stored_files.get()
    if names is not None:
        names.append(name)


@files_discarded_on_failure()
@transaction.atomic
def photo_create(*, upload, caption: str, credit: str = "", caption_zh: str = "", by=None) -> Photo:
    """Check an uploaded photo, store a cleaned master and its copies, and return the saved Photo."""
    source = _open(upload)
    fmt = source.format
    image = _scaled(_cleaned(source), MASTER_LONG_SIDE)
    source.close()
    photo = Photo(caption=caption, caption_zh=caption_zh, credit=credit, width=image.width, height=image.height)
    if by is not None:
        photo._history_user = by
    stem = uuid.uuid4().hex
    photo.image.save(f"{stem}.{ALLOWED_FORMATS[fmt]}", ContentFile(_encode(image, fmt)), save=False)
    _stored(photo.image.name)
    photo_derive(photo=photo, image=image)
    photo.full_clean()
    photo.save()
    return photo


def photo_files_delete(*, photo: Photo) -> None:
    """Remove a photo's stored files once the transaction that deleted its row commits."""
    names = [getattr(photo, f).name for f in ("image", "web", "print", "print_half", "thumbnail")]
    storage = photo.image.storage

    def delete():
        for name in names:
            if name:
                storage.delete(name)

    transaction.on_commit(delete)


PHOTO_FOLDER = "photos"


def photo_orphans_delete(*, older_than: dt.timedelta = dt.timedelta(hours=6), dry_run: bool = False) -> list[str]:
    """Delete stored photo files that no Photo row names and that are older than `older_than`.

    They are what a rolled-back outer transaction or a process killed mid-upload leaves behind. Younger
    files are kept: their upload may still be on its way to the commit. Returns the names deleted.
    """
    storage = default_storage
    known = set()
    for row in Photo.objects.values_list("image", "web", "print", "print_half", "thumbnail").iterator():
        known.update(name for name in row if name)
    cutoff = timezone.now() - older_than
    orphans = []
    for name in _walk(storage, PHOTO_FOLDER):
        if name not in known and storage.get_modified_time(name) < cutoff:
            orphans.append(name)
    if not dry_run:
        for name in orphans:
            storage.delete(name)
    return orphans


def _walk(storage, folder: str):
    if not storage.exists(folder):
        return
    folders, files = storage.listdir(folder)
    for name in files:
        yield f"{folder}/{name}"
    for sub in folders:
        yield from _walk(storage, f"{folder}/{sub}")
