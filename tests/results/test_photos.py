"""Photo uploads with real files made in the test: checked by content, cleaned, copied once."""

import io
import os

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from enterprises import photos, result_services
from enterprises.models import Photo, PhotoPair

from .conftest import draft, jpeg_bytes, png_bytes, upload

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
    sizes = {name: open_stored(getattr(photo, name)).size for name in ("image", "web", "print", "thumbnail")}
    assert sizes == {"image": (3000, 2000), "web": (1280, 853), "print": (2000, 1333), "thumbnail": (320, 213)}
    names = [photo.web.name, photo.print.name, photo.thumbnail.name]
    photos.photo_derive(photo=photo)  # asking again changes nothing
    assert [photo.web.name, photo.print.name, photo.thumbnail.name] == names


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
    with pytest.raises(ValidationError, match="100 megapixels"):
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
        result_services.photo_pair_add(
            result=result,
            by=side_a.partner,
            before=upload(jpeg_bytes()),
            before_caption="Before",
            after=upload(b"not a photo", "after.jpg"),
            after_caption="After",
        )
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
