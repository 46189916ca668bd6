"""An image upload is bounded by its structure as well as its pixels (issue 21 §1): a progressive JPEG of
thousands of scans is refused from its markers before it is decoded, a JPEG cut short that ends with its end
marker (which Pillow decodes with a grey part, without an error) is refused as damaged, and a 16-bit greyscale
PNG is stored as it looks (scaled to 8 bits, not clipped to white), as a result's photo and as a portrait."""

from __future__ import annotations

import io
import time

import numpy
import pytest
from PIL import Image, ImageStat

from enterprises.models import Photo, PhotoPair
from newsletters.models import QuotedPerson

from .conftest import draft, jpeg_bytes, upload
from .test_upload_limits import post_pair, stored_files

pytestmark = pytest.mark.django_db


def progressive_jpeg_of_repeated_scans(size=(2000, 1500), repeats=2_000) -> bytes:
    """A real progressive JPEG whose last scan is repeated ``repeats`` times before its end marker: each repeat
    costs the decoder a pass over the whole picture, whatever its bytes."""
    out = io.BytesIO()
    Image.new("RGB", size, "seagreen").save(out, "JPEG", progressive=True, quality=90)
    data = out.getvalue()
    last_scan = data[data.rindex(b"\xff\xda") : -2]
    return data[:-2] + last_scan * repeats + b"\xff\xd9"


def cut_short_with_its_end_marker() -> bytes:
    """A JPEG cut off two thirds of the way and given its end marker back (as some broken uploaders do)."""
    data = jpeg_bytes((1600, 1200), color="seagreen")
    return data[: len(data) * 2 // 3] + b"\xff\xd9"


def grey_16_bit_png(size=(640, 480)) -> tuple[bytes, float]:
    """A 16-bit greyscale PNG (a gradient of mid to dark greys) and its mean brightness on an 8-bit scale."""
    row = numpy.linspace(10_000, 40_000, size[0], dtype=numpy.uint16)
    pixels = numpy.tile(row, (size[1], 1))
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, "PNG")
    assert Image.open(io.BytesIO(out.getvalue())).mode == "I;16"
    return out.getvalue(), float(pixels.mean()) / 257


def brightness(field) -> float:
    with field.open("rb") as fh:
        return ImageStat.Stat(Image.open(io.BytesIO(fh.read())).convert("L")).mean[0]


def test_a_progressive_jpeg_of_thousands_of_scans_is_refused_before_decoding(client, side_a, settings):
    # given a draft and a 3-megapixel progressive JPEG whose last scan is repeated 2,000 times
    result = draft(side_a)
    data = progressive_jpeg_of_repeated_scans()
    client.force_login(side_a.partner)
    assert client.get(result.get_absolute_url()).status_code == 200
    # when it is sent as the after photo of a pair
    started = time.perf_counter()
    response = post_pair(client, result, jpeg_bytes(), data, name="photo.jpg")
    elapsed = time.perf_counter() - started
    # then it is refused at once, saying why, and nothing is saved
    assert response.status_code == 400
    html = response.content.decode()
    assert "The photo is a progressive JPEG stored in 2,010 passes; a photo may have at most 40." in html  # 3 MP
    assert elapsed < 2
    assert not Photo.objects.exists() and not PhotoPair.objects.exists()
    assert stored_files(settings) == set()


def test_a_progressive_jpeg_of_a_normal_number_of_scans_is_stored(client, side_a):
    result = draft(side_a)
    client.force_login(side_a.partner)
    response = post_pair(client, result, jpeg_bytes(), progressive_jpeg_of_repeated_scans(repeats=0), name="p.jpg")
    assert response.status_code == 302
    assert PhotoPair.objects.get().after.width == 2000


def test_a_jpeg_cut_short_but_ending_with_its_end_marker_is_refused(client, side_a, settings):
    # given a JPEG that Pillow would decode with its last third grey, without an error
    data = cut_short_with_its_end_marker()
    image = Image.open(io.BytesIO(data))
    image.load()
    assert image.getpixel((800, 1190)) == (128, 128, 128)
    result = draft(side_a)
    client.force_login(side_a.partner)
    # when it is sent as a result's photo
    response = post_pair(client, result, jpeg_bytes(), data, name="photo.jpg")
    # then it is refused as damaged, and nothing is saved
    assert response.status_code == 400
    assert "The photo is damaged or cut short" in response.content.decode()
    assert not Photo.objects.exists() and stored_files(settings) == set()


def test_a_portrait_cut_short_but_ending_with_its_end_marker_is_refused(client, editor, settings):
    client.force_login(editor)
    response = client.post(
        "/newsletters/people/new/", {"name": "Wang Li", "photo": upload(cut_short_with_its_end_marker(), "wang.jpg")}
    )
    assert response.status_code == 200
    assert "The photo is damaged or cut short" in response.content.decode()
    assert not QuotedPerson.objects.exists() and stored_files(settings) == set()


def test_a_16_bit_greyscale_png_is_stored_as_it_looks_as_a_result_photo(client, side_a):
    # given a 16-bit greyscale PNG of mid to dark greys (mean about 97 of 255)
    data, mean = grey_16_bit_png()
    result = draft(side_a)
    client.force_login(side_a.partner)
    # when it is sent as both photos of a pair
    response = post_pair(client, result, data, data)
    # then it is stored, and the master and its copies are as bright as the source, not white
    assert response.status_code == 302
    photo = PhotoPair.objects.get().before
    assert photo.image.name.endswith(".png")
    for field in (photo.image, photo.web, photo.thumbnail):
        assert brightness(field) == pytest.approx(mean, abs=2)


def test_a_16_bit_greyscale_png_is_stored_as_it_looks_as_a_portrait(client, editor):
    data, mean = grey_16_bit_png()
    client.force_login(editor)
    response = client.post("/newsletters/people/new/", {"name": "Wang Li", "photo": upload(data, "wang.png")})
    assert response.status_code == 302
    assert brightness(QuotedPerson.objects.get().photo) == pytest.approx(mean, abs=2)
