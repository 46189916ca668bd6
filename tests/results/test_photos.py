"""Photo uploads with real files made in the test: checked by content, cleaned, copied once."""

import io
import os

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from enterprises.models import Photo, PhotoPair
from enterprises.results import photos
from enterprises.results import services as result_services

from .conftest import draft, jpeg_bytes, pair_add, png_bytes, upload

pytestmark = pytest.mark.django_db


def open_stored(field) -> Image.Image:
    with field.open("rb") as fh:
        image = Image.open(io.BytesIO(fh.read()))
        image.load()
    return image


def test_phone_jpeg_is_turned_upright_and_loses_its_location():
    # given a 1200x800 JPEG that a phone held sideways (EXIF orientation 6: rotate 90° clockwise) with GPS
    data = jpeg_bytes((1200, 800), orientation=6, gps=True)
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(0x8825)  # the file really carries GPS
    # when
    photo = photos.photo_create(upload=upload(data), caption="Storage area", credit="CEC")
    # then the master stands upright (portrait) and carries no EXIF at all
    master = open_stored(photo.image)
    assert master.size == (800, 1200)
    assert (photo.width, photo.height) == (800, 1200)
    assert not master.getexif()
    assert "exif" not in master.info
    # the white corner, top-left in the sensor's frame, is now top-right
    assert master.getpixel((790, 10))[0] > 240
    assert master.getpixel((10, 10))[0] < 60
    for field in (photo.web, photo.print, photo.thumbnail):
        copy = open_stored(field)
        assert copy.format == "JPEG"
        assert not copy.getexif()
        assert copy.height > copy.width


def test_copies_are_made_once_at_their_sizes():
    photo = photos.photo_create(upload=upload(jpeg_bytes((3000, 2000))), caption="Line 3")
    fields = ("image", "web", "print", "print_half", "thumbnail")
    sizes = {name: open_stored(getattr(photo, name)).size for name in fields}
    # The print copies: the size the newsletter prints a photo at, 300 dpi (full width 86 mm, half width 40.5 mm).
    assert sizes == {
        "image": (3000, 2000),
        "web": (1280, 853),
        "print": (1015, 677),
        "print_half": (478, 319),
        "thumbnail": (320, 213),
    }
    names = [getattr(photo, name).name for name in fields]
    photos.photo_derive(photo=photo)  # asking again changes nothing
    assert [getattr(photo, name).name for name in fields] == names


def test_png_with_transparency_is_accepted():
    photo = photos.photo_create(upload=upload(png_bytes(), "after.png", "image/png"), caption="After")
    assert photo.image.name.endswith(".png")
    assert open_stored(photo.image).mode == "RGBA"
    assert open_stored(photo.web).mode == "RGB"  # flattened for the JPEG copies


def test_very_large_photo_is_scaled_down_not_refused():
    photo = photos.photo_create(upload=upload(jpeg_bytes((6000, 4500))), caption="Wide shot")
    assert open_stored(photo.image).size == (4000, 3000)
    assert max(open_stored(photo.web).size) == 1280


def test_decompression_bomb_is_refused():
    # 11,000 x 10,000 pixels (110 megapixels) in a few kilobytes of PNG
    bomb = io.BytesIO()
    Image.new("1", (11_000, 10_000)).save(bomb, "PNG")
    assert len(bomb.getvalue()) < 200_000
    with pytest.raises(ValidationError, match="110 megapixels; it may be at most 16 megapixels"):
        photos.photo_create(upload=upload(bomb.getvalue(), "bomb.png", "image/png"), caption="x")
    assert not Photo.objects.exists()


def test_file_over_25_mb_is_refused():
    big = upload(jpeg_bytes() + os.urandom(26 * 1024 * 1024))
    with pytest.raises(ValidationError, match="at most 25 MB"):
        photos.photo_create(upload=big, caption="x")


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("notes.jpg", b"Moving oil barrels needed two workers.\n" * 20),
        ("page.jpg", b"<!doctype html><html><body><script>alert(1)</script></body></html>"),
        (
            "drawing.png",
            b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        ),
    ],
)
def test_renamed_text_html_and_svg_are_refused(name, data):
    with pytest.raises(ValidationError, match="not a JPEG, PNG or WebP"):
        photos.photo_create(upload=upload(data, name), caption="x")
    assert not Photo.objects.exists()


def test_gif_is_refused_even_though_pillow_reads_it():
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, "GIF")
    with pytest.raises(ValidationError, match="not a JPEG, PNG or WebP"):
        photos.photo_create(upload=upload(out.getvalue(), "x.jpg"), caption="x")


def test_bad_after_photo_saves_neither_photo(side_a):
    result = draft(side_a)
    with pytest.raises(ValidationError) as exc:
        pair_add(result, side_a.partner, after=upload(b"not a photo", "after.jpg"))
    assert "after" in exc.value.message_dict
    assert not Photo.objects.exists() and not PhotoPair.objects.exists()


def test_upload_page_shows_the_problem_next_to_the_field(client, side_a):
    result = draft(side_a)
    client.force_login(side_a.partner)
    response = client.post(
        f"/results/{result.pk}/photos/add/",
        {
            "before": upload(jpeg_bytes(), "before.jpg"),
            "before_caption": "Moving oil barrels needed two workers",
            "after": upload(b"<html><body>hi</body></html>", "after.jpg"),
            "after_caption": "A handling cart",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "This file is not a JPEG, PNG or WebP photo" in html
    assert 'id="error_1_id_after"' in html or "is-invalid" in html
    assert not Photo.objects.exists()


def test_deleting_a_pair_removes_its_files_and_leaves_history(side_a, django_capture_on_commit_callbacks):
    result = draft(side_a)
    pair = result_services.photo_pair_add(
        result=result,
        by=side_a.partner,
        before=upload(jpeg_bytes()),
        before_caption="Before",
        after=upload(png_bytes(), "a.png"),
        after_caption="After",
        credit="CEC",
    )
    storage = pair.before.image.storage
    names = [getattr(p, f).name for p in (pair.before, pair.after) for f in ("image", "web", "print", "thumbnail")]
    assert all(storage.exists(n) for n in names)
    with django_capture_on_commit_callbacks(execute=True):
        result_services.photo_pair_delete(pair=pair, by=side_a.partner)
    assert not any(storage.exists(n) for n in names)
    assert Photo.history.filter(history_type="-", history_user=side_a.partner).count() == 2
    assert PhotoPair.history.filter(history_type="-", history_user=side_a.partner).count() == 1


def stored_files(settings) -> set[str]:
    root = settings.MEDIA_ROOT
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def test_a_pair_refused_after_its_photos_were_stored_leaves_no_file(side_a, settings):
    # given a draft, and a pair whose two photos are fine but whose after caption is too long to save
    result = draft(side_a)
    # when the pair is added: the before photo is stored whole, the after photo's files too, then refused
    with pytest.raises(ValidationError) as refused:
        pair_add(result, side_a.partner, after_caption="A" * 301, credit="CEC")
    # then nothing is saved, and no file is left in storage
    assert "at most 300 characters" in str(refused.value)
    assert not Photo.objects.exists() and not PhotoPair.objects.exists()
    assert stored_files(settings) == set()


@pytest.mark.django_db(transaction=True)
def test_a_pair_whose_commit_fails_leaves_no_file(side_a, settings):
    # given a draft that another officer deletes while the partner is uploading
    from enterprises.models import Result

    result = draft(side_a)
    Result.objects.filter(pk=result.pk).delete()
    # when the pair is added: both photos and the pair row are written, and the commit finds no result
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        pair_add(result, side_a.partner)
    # then no row and no file is left
    assert not Photo.objects.exists() and not PhotoPair.objects.exists()
    assert stored_files(settings) == set()


def test_orphan_photo_files_are_deleted_once_old_enough(side_a, settings):
    import time

    from django.core.management import call_command

    # given a pair with its ten files (five per photo), and two files no row names: one a day old, one just written
    result = draft(side_a)
    pair_add(result, side_a.partner)
    kept = stored_files(settings)
    assert len(kept) == 10
    old = settings.MEDIA_ROOT / "photos" / "2014" / "11" / "left-by-a-killed-upload.jpg"
    old.parent.mkdir(parents=True, exist_ok=True)
    old.write_bytes(jpeg_bytes())
    day_ago = time.time() - 24 * 3600
    os.utime(old, (day_ago, day_ago))
    young = settings.MEDIA_ROOT / "photos" / "web" / "still-committing.jpg"
    young.write_bytes(jpeg_bytes())
    # when the dry run lists them, then the sweep runs
    out = io.StringIO()
    call_command("delete_orphan_photos", "--dry-run", stdout=out)
    assert "photos/2014/11/left-by-a-killed-upload.jpg" in out.getvalue() and old.exists()
    out = io.StringIO()
    call_command("delete_orphan_photos", stdout=out)
    # then only the old orphan is gone
    assert "1 orphan photo file(s) deleted." in out.getvalue()
    assert stored_files(settings) == kept | {"photos/web/still-committing.jpg"}


def test_the_orphan_sweep_runs_every_night(settings):
    from django_celery_beat.models import PeriodicTask

    from enterprises.tasks import photo_orphans_delete

    task = PeriodicTask.objects.get(task="enterprises.tasks.photo_orphans_delete")
    assert task.enabled and (task.crontab.hour, task.crontab.minute, task.crontab.day_of_month) == ("3", "30", "*")
    old = settings.MEDIA_ROOT / "photos" / "orphan.jpg"
    old.parent.mkdir(parents=True)
    old.write_bytes(jpeg_bytes())
    os.utime(old, (0, 0))
    assert photo_orphans_delete.delay().get() == 1 and not old.exists()
