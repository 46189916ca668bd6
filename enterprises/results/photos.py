"""Photo uploads: checked by content, cleaned, and turned into the copies pages and the newsletter use.

A phone photo arrives as JPEG, PNG or WebP. We trust its bytes, never its name: Pillow must recognise it
as one of those three formats. Before storing we apply the EXIF orientation (so the picture stands the way
it was taken) and drop every metadata block (EXIF, GPS location, XMP, comments). Very large photos are
scaled down for the stored master rather than refused; a file over 25 MB or a picture over 40 megapixels
is refused from its header, before any pixel is decoded (core/uploads.py), and a truncated file is refused
however the process has set Pillow up. The web, print and thumbnail copies are made once, here, so no
page ever sends the master.

The two print copies are made at the size the newsletter prints a photo at, at 300 dpi, so WeasyPrint embeds
them as they are at every rendering (it resamples only what is finer than 300 dpi): ``print`` for a full-width
photo pair (a photo at most 86 x 62 mm), ``print_half`` for a half-width pair (at most 40.5 x 34 mm). The boxes
match the image sizes in static/css/newsletter-print.css.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import uuid
from contextlib import contextmanager
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from PIL import Image

from core import uploads
from core.translated import texts_set

from .models import Photo

MAX_BYTES = uploads.MAX_IMAGE_BYTES
MAX_PIXELS = uploads.PHOTO_MAX_PIXELS
ALLOWED_FORMATS = uploads.IMAGE_FORMATS
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
    """An upload decoded (strictly, within the pixel budget) at no more than the master's size, or
    ValidationError saying what is wrong. Only one full-size picture is ever in memory: it is scaled down in
    place before any copy is made of it."""
    image = uploads.image_decoded(upload, max_pixels=MAX_PIXELS, fit=(MASTER_LONG_SIDE, MASTER_LONG_SIDE))
    fmt = image.format
    if image.mode == "P" or image.mode == "1" or image.mode.startswith("I"):
        # Pillow resizes a palette image with "nearest"; convert first (the copies are RGB or RGBA anyway)
        keep_alpha = image.mode == "P" and "transparency" in image.info
        converted = image.convert("RGBA" if keep_alpha else "RGB")
        image.close()
        image = converted
    exif = image.info.get("exif")
    factor = max(image.size) // MASTER_LONG_SIDE
    if factor >= 2:  # a box reduction by a whole factor first: no intermediate as large as the picture
        reduced = image.reduce(factor)
        image.close()
        image = reduced
    if max(image.size) > MASTER_LONG_SIDE:
        image.thumbnail((MASTER_LONG_SIDE, MASTER_LONG_SIDE), Image.Resampling.LANCZOS)
    if exif:  # kept for the orientation, dropped by uploads.image_cleaned
        image.info["exif"] = exif
    image.format = fmt
    return image


def _scaled(image: Image.Image, long_side: int | tuple[int, int]) -> Image.Image:
    box = (long_side, long_side) if isinstance(long_side, int) else long_side
    if image.width <= box[0] and image.height <= box[1]:
        return image.copy()
    copy = image.copy()
    copy.thumbnail(box, Image.Resampling.LANCZOS)
    return copy


def photo_check(upload) -> None:
    """Raise ValidationError when the upload is not an acceptable photo by its header (format, bytes, pixels):
    what a form can tell without decoding. The decode itself (a truncated file) is checked by photo_prepare."""
    uploads.image_check(upload, max_pixels=MAX_PIXELS, decode=False)


@dataclass(frozen=True)
class PreparedPhoto:
    """A checked photo, cleaned and encoded with its copies, in memory: what photo_save stores."""

    fmt: str
    width: int
    height: int
    master: bytes
    copies: dict[str, bytes]


def photo_prepare(upload) -> PreparedPhoto:
    """Decode, clean and encode an upload and its copies, with no database and no storage: the costly part of
    an upload, done before any transaction opens. Raises ValidationError for anything that is not a photo."""
    source = _open(upload)
    fmt = source.format
    image = uploads.image_cleaned(source)  # the portraits of core/uploads.py are cleaned the same way
    source.close()
    copies = {
        copy.field: uploads.image_encoded(_scaled(image, copy.box), "JPEG", quality=copy.quality) for copy in COPIES
    }
    prepared = PreparedPhoto(fmt, image.width, image.height, uploads.image_encoded(image, fmt), copies)
    image.close()
    return prepared


def photo_derive(*, photo: Photo) -> Photo:
    """Make the web, print and thumbnail copies of a stored photo (once; existing copies are kept)."""
    missing = [copy for copy in COPIES if not getattr(photo, copy.field)]
    if not missing:
        return photo
    with photo.image.open("rb") as fh:
        image = uploads.image_cleaned(_open(fh))
    stem = uuid.uuid4().hex
    changed = []
    for copy in missing:
        data = uploads.image_encoded(_scaled(image, copy.box), "JPEG", quality=copy.quality)
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


def photo_create(*, upload, caption: str, credit: str = "", translations=None, by=None) -> Photo:
    """Check an uploaded photo, store a cleaned master and its copies, and return the saved Photo. The image
    work happens before the transaction that stores it (call it outside any transaction of your own)."""
    return photo_save(prepared=photo_prepare(upload), caption=caption, credit=credit, translations=translations, by=by)


IMAGE_FIELDS = ("image", "web", "print", "print_half", "thumbnail")


@files_discarded_on_failure()
@transaction.atomic
def photo_save(*, prepared: PreparedPhoto, caption: str, credit: str = "", translations=None, by=None) -> Photo:
    """Store a prepared photo: its files, then its row. A refusal writes nothing; a failure after the files
    were written (the row, the commit) deletes them."""
    photo = Photo(caption=caption, credit=credit, width=prepared.width, height=prepared.height)
    texts_set(photo, translations or {})  # the caption in other languages, {"zh-hans": {"caption": ...}}
    photo.clean_fields(exclude=IMAGE_FIELDS)  # before any file is written
    if by is not None:
        photo._history_user = by
    stem = uuid.uuid4().hex
    photo.image.save(f"{stem}.{ALLOWED_FORMATS[prepared.fmt]}", ContentFile(prepared.master), save=False)
    _stored(photo.image.name)
    for copy in COPIES:
        field = getattr(photo, copy.field)
        field.save(f"{stem}-{copy.field.replace('_', '-')}.jpg", ContentFile(prepared.copies[copy.field]), save=False)
        _stored(field.name)
    photo.full_clean()
    photo.save()
    return photo


def photo_files_delete(*, photo: Photo) -> None:
    """Remove a photo's stored files once the transaction that deleted its row commits."""
    names = [getattr(photo, f).name for f in IMAGE_FIELDS]
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
