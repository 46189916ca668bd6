"""Every image upload is bounded by the work it causes: refused from its header when it has too many pixels,
refused when it is cut short whatever the process did before, with the reason next to the field, and with
nothing saved, neither rows nor files."""

from __future__ import annotations

import io
import time

import pytest
from PIL import Image, ImageFile

from enterprises.models import Photo, PhotoPair
from newsletters.models import QuotedPerson
from tests.factories import china
from tests.tokens import page_token
from trainers.models import Trainer

from .conftest import draft, jpeg_bytes, upload

pytestmark = pytest.mark.django_db


def huge_png(size=(10_000, 10_000)) -> bytes:
    """A PNG of 100 megapixels in a few hundred kilobytes (one colour compresses to almost nothing)."""
    out = io.BytesIO()
    Image.new("1", size).save(out, "PNG")
    return out.getvalue()


def truncated_jpeg() -> bytes:
    data = jpeg_bytes((1600, 1200), color="seagreen")
    return data[: len(data) * 2 // 3]  # a phone upload cut off on a bad network


def stored_files(settings) -> set[str]:
    root = settings.MEDIA_ROOT
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def post_pair(client, result, before: bytes, after: bytes, name: str = "photo.png"):
    return client.post(
        f"/results/{result.pk}/photos/add/",
        {
            "before": upload(before, name, "image/png"),
            "before_caption": "Moving oil barrels needed two workers",
            "after": upload(after, name, "image/png"),
            "after_caption": "A handling cart",
        },
    )


def test_a_100_megapixel_png_pair_is_refused_from_its_header_and_nothing_is_saved(client, side_a, settings):
    # given a draft and a 10,000 x 10,000 PNG of a few hundred kilobytes, sent as both photos of a pair
    result = draft(side_a)
    data = huge_png()
    assert len(data) < 400_000
    client.force_login(side_a.partner)
    files_before = stored_files(settings)
    assert client.get(result.get_absolute_url()).status_code == 200  # the page is warm: what is timed is the upload
    # when
    started = time.perf_counter()
    response = post_pair(client, result, data, data)
    elapsed = time.perf_counter() - started
    # then the page says why, next to each field, at once (no pixel was decoded), and nothing is saved
    assert response.status_code == 400
    html = response.content.decode()
    assert html.count("The picture is 100 megapixels; it may be at most 16 megapixels.") == 2
    assert "is-invalid" in html
    assert elapsed < 5
    assert not Photo.objects.exists() and not PhotoPair.objects.exists()
    assert stored_files(settings) == files_before


def test_a_truncated_jpeg_is_refused_even_after_weasyprint_was_imported(client, side_a, settings):
    # given a process in which WeasyPrint has been imported (it sets LOAD_TRUNCATED_IMAGES = True)
    import weasyprint  # noqa: F401

    ImageFile.LOAD_TRUNCATED_IMAGES = True  # as WeasyPrint's import leaves it, whichever test ran before
    result = draft(side_a)
    client.force_login(side_a.partner)
    # when a pair is sent whose after photo is a JPEG cut off two thirds of the way
    response = post_pair(client, result, jpeg_bytes(), truncated_jpeg(), name="photo.jpg")
    # then it is refused, next to the after field, and nothing is saved
    assert response.status_code == 400
    assert "The photo is damaged or cut short" in response.content.decode()
    assert not Photo.objects.exists() and not PhotoPair.objects.exists()
    assert stored_files(settings) == set()
    # and the process is left as it was found
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True


def test_a_truncated_jpeg_is_refused_in_a_fresh_process_too(side_a):
    from django.core.exceptions import ValidationError

    from enterprises.results import services as result_services

    ImageFile.LOAD_TRUNCATED_IMAGES = False
    result = draft(side_a)
    with pytest.raises(ValidationError) as refused:
        result_services.photo_pair_add(
            result=result,
            by=side_a.partner,
            before=upload(truncated_jpeg()),
            before_caption="Before",
            after=upload(jpeg_bytes()),
            after_caption="After",
        )
    assert "The photo is damaged or cut short" in " ".join(refused.value.message_dict["before"])
    assert not Photo.objects.exists()


def test_a_big_phone_photo_within_the_budget_is_accepted_and_scaled(client, side_a):
    # 7,000 x 5,000 (35 megapixels): within the budget, so stored, with its master at 4,000 px
    result = draft(side_a)
    client.force_login(side_a.partner)
    response = post_pair(client, result, jpeg_bytes((7000, 5000)), jpeg_bytes(), name="photo.jpg")
    assert response.status_code == 302
    pair = PhotoPair.objects.get()
    assert (pair.before.width, pair.before.height) == (4000, 2857)


def test_a_quoted_persons_photo_is_bounded_too(client, editor, settings):
    # given an editor adding a person quoted in the newsletter with a 100-megapixel PNG as their photo
    client.force_login(editor)
    response = client.post(
        "/newsletters/people/new/",
        {"name": "Wang Li", "role": "SCORE Module Expert", "photo": upload(huge_png(), "wang.png", "image/png")},
    )
    # then the form says why next to the photo, and no person and no file is saved
    assert response.status_code == 200
    assert "The picture is 100 megapixels; it may be at most 16 megapixels." in response.content.decode()
    assert not QuotedPerson.objects.exists()
    assert stored_files(settings) == set()
    # and a truncated one is refused as well
    response = client.post(
        "/newsletters/people/new/",
        {"name": "Wang Li", "photo": upload(truncated_jpeg(), "wang.jpg")},
    )
    assert "The photo is damaged or cut short" in response.content.decode()
    assert not QuotedPerson.objects.exists()
    # while a good photo is saved
    response = client.post("/newsletters/people/new/", {"name": "Wang Li", "photo": upload(jpeg_bytes(), "wang.jpg")})
    assert response.status_code == 302
    assert QuotedPerson.objects.get().photo.name.startswith("newsletters/people/")


def test_a_trainers_photo_in_the_admin_is_bounded_too(rf, admin_user):
    from django.contrib import admin

    trainer_admin = admin.site._registry[Trainer]
    request = rf.post("/admin/trainers/trainer/add/")
    request.user = admin_user
    form_class = trainer_admin.get_form(request)
    form = form_class(data={"name": "Li Ming"}, files={"photo": upload(huge_png(), "li.png", "image/png")})
    assert not form.is_valid()
    assert "The picture is 100 megapixels; it may be at most 16 megapixels." in " ".join(form.errors["photo"])


def test_a_quoted_persons_photo_is_stored_upright_without_its_metadata(client, editor, settings):
    from .conftest import png_bytes

    # given a phone photo held sideways (EXIF orientation 6), with the place it was taken (GPS) in its EXIF
    data = jpeg_bytes((1200, 800), orientation=6, gps=True)
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(0x8825)
    client.force_login(editor)

    # when an editor adds the person quoted with it, on the editors' page
    response = client.post("/newsletters/people/new/", {"name": "Wang Li", "photo": upload(data, "wang.jpeg")})

    # then the stored file stands upright and carries no EXIF at all (no GPS, no camera, no orientation)
    assert response.status_code == 302
    person = QuotedPerson.objects.get()
    assert person.photo.name.startswith("newsletters/people/wang") and person.photo.name.endswith(".jpg")
    with person.photo.open("rb") as fh:
        stored = Image.open(io.BytesIO(fh.read()))
        stored.load()
    assert stored.format == "JPEG" and stored.size == (800, 1200)
    assert not stored.getexif() and "exif" not in stored.info
    assert stored.getpixel((790, 10))[0] > 240 and stored.getpixel((10, 10))[0] < 60  # the white corner, turned
    assert (person.photo.width, person.photo.height) == (800, 1200)
    assert stored_files(settings) == {person.photo.name}

    # and a refused photo on the same person changes nothing: the form says why, the stored photo stays
    edit = f"/newsletters/people/{person.pk}/"
    response = client.post(
        edit, {"name": "Wang Li", "photo": upload(truncated_jpeg(), "wang2.jpg"), **page_token(client, edit)}
    )
    assert response.status_code == 200 and "The photo is damaged or cut short" in response.content.decode()
    assert QuotedPerson.objects.get().photo.name == person.photo.name
    assert stored_files(settings) == {person.photo.name}

    # a PNG with an eXIf chunk, under a .jpg name, is stored as the PNG it is, without the chunk
    image = Image.open(io.BytesIO(png_bytes()))
    out = io.BytesIO()
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (31.0, 14.0, 0.0)}
    image.save(out, "PNG", exif=exif)
    response = client.post(
        edit, {"name": "Wang Li", "photo": upload(out.getvalue(), "wang.jpg"), **page_token(client, edit)}
    )
    assert response.status_code == 302
    photo = QuotedPerson.objects.get().photo
    assert photo.name.endswith(".png")
    with photo.open("rb") as fh:
        stored = Image.open(io.BytesIO(fh.read()))
    assert stored.format == "PNG" and stored.mode == "RGBA" and not stored.getexif() and "exif" not in stored.info


def test_a_trainers_photo_in_the_admin_loses_its_metadata_too(rf, admin_user):
    from django.contrib import admin

    request = rf.post("/admin/trainers/trainer/add/")
    request.user = admin_user
    form_class = admin.site._registry[Trainer].get_form(request)
    data = jpeg_bytes(orientation=6, gps=True)
    form = form_class(
        data={"name": "Li Ming", "role": Trainer.Role.TRAINER, "countries": [china().pk]},
        files={"photo": upload(data, "li.jpg")},
    )
    assert form.is_valid(), form.errors
    photo = form.cleaned_data["photo"]
    stored = Image.open(io.BytesIO(photo.read()))
    assert stored.size == (800, 1200) and not stored.getexif()
