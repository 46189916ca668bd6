"""A refused photo pair says which field needs what, with and without JavaScript (issue 20 §3).

With JavaScript (static/js/uploads.js) the form is sent from the page and the server answers JSON: the errors
by field on a refusal (the page, not replaced, keeps the chosen files), where to go once added. Without it the
page comes back with the errors, and a photo that was fine but cannot be put back by the browser is named."""

from __future__ import annotations

import pytest

from enterprises.models import PhotoPair

from .conftest import draft, jpeg_bytes, upload

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json", "HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}


def before_only():
    return {"before": upload(jpeg_bytes(), "before.jpg"), "caption": "Barrels moved by cart"}


def test_the_page_says_the_after_photo_is_missing_and_the_before_photo_must_be_chosen_again(client, side_a):
    result = draft(side_a)
    client.force_login(side_a.partner)

    response = client.post(f"/results/{result.pk}/photos/add/", before_only())

    assert response.status_code == 400
    html = response.content.decode()
    after_field = html[html.index('id="div_id_after"') :][:1500]
    before_field = html[html.index('id="div_id_before"') :][:1500]
    assert "This field is required." in after_field
    assert "This photo was fine, but the page cannot keep it: choose it again." in before_field
    assert "Fields marked * are required." in html
    assert not PhotoPair.objects.exists()


def test_the_script_is_told_the_errors_by_field(client, side_a):
    result = draft(side_a)
    client.force_login(side_a.partner)

    response = client.post(f"/results/{result.pk}/photos/add/", before_only(), **JSON)

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert [e["message"] for e in errors["after"]] == ["This field is required."]
    assert "before" not in errors  # the script keeps the chosen file: nothing to say about it
    assert not PhotoPair.objects.exists()


def test_the_script_is_told_where_to_go_once_the_pair_is_added_and_the_message_waits_there(client, side_a):
    result = draft(side_a)
    client.force_login(side_a.partner)

    response = client.post(
        f"/results/{result.pk}/photos/add/",
        {**before_only(), "after": upload(jpeg_bytes(color="seagreen"), "after.jpg")},
        **JSON,
    )

    assert response.status_code == 200
    assert response.json() == {"location": f"/results/{result.pk}/#photos"}
    assert PhotoPair.objects.filter(result=result).count() == 1
    page = client.get(f"/results/{result.pk}/")
    assert "The photo pair is added." in page.content.decode()
