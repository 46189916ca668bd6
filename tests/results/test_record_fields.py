"""What partners write about a result as the programme writes it: the period a KPI line's values cover,
and one caption for a before/after pair (issue 10, part 3), entered through the partner's own pages."""

import html
import re

import pytest

from enterprises.models import Photo, PhotoPair, Result
from tests.factories import module

from .conftest import draft, jpeg_bytes, kpi, upload

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())))


def test_partner_says_what_period_a_kpi_lines_values_cover(client, side_a):
    # given a partner on the new-result form
    client.force_login(side_a.partner)
    assert 'name="lines-0-period"' in client.get("/results/new/").content.decode()
    # when they enter a line whose values are per month
    response = client.post(
        "/results/new/",
        {
            "enterprise": side_a.enterprise.pk,
            "module": module("M1").pk,
            "training_round": side_a.training_round.pk,
            "title": "Less waste",
            "narrative": "Sorting at the line.",
            "lines-TOTAL_FORMS": 1,
            "lines-INITIAL_FORMS": 0,
            "lines-0-kpi": kpi("Defect / reject rate").pk,
            "lines-0-baseline_value": "4.13",
            "lines-0-baseline_date": "2014-08-01",
            "lines-0-followup_value": "0.61",
            "lines-0-followup_date": "2014-11-30",
            "lines-0-period": "month",
        },
    )
    # then the line keeps it and the result's page prints it next to the unit
    result = Result.objects.get()
    assert response.url == f"/results/{result.pk}/"
    assert result.kpi_lines.get().period == "month"
    assert "per month" in text(client.get(response.url))
    # and the edit form starts from it
    edit = client.get(f"/results/{result.pk}/edit/").content.decode()
    assert re.search(r'<option value="month" selected>', edit)


def test_a_pair_can_have_one_caption_instead_of_one_per_photo(client, side_a):
    # given a partner's draft result
    result = draft(side_a)
    client.force_login(side_a.partner)
    files = {"before": upload(jpeg_bytes(), "before.jpg"), "after": upload(jpeg_bytes(color="teal"), "after.jpg")}
    # when they upload a pair with one caption for both photos and none per photo
    response = client.post(
        f"/results/{result.pk}/photos/add/",
        {**files, "caption": "The storage area before and after 5S", "caption_zh_hans": "5S前后的仓库"},
    )
    # then the pair is stored with its caption, and the result's page shows it
    assert response.status_code == 302
    pair = PhotoPair.objects.get(result=result)
    assert (pair.caption, pair.i18n) == ("The storage area before and after 5S", {"caption_zh_hans": "5S前后的仓库"})
    assert (pair.before.caption, pair.after.caption) == ("", "")
    assert "The storage area before and after 5S" in text(client.get(f"/results/{result.pk}/"))
    # and in the Chinese interface the page shows its Chinese caption, marked as Chinese
    client.cookies["django_language"] = "zh-hans"
    page = client.get(f"/results/{result.pk}/").content.decode()
    assert '<span lang="zh-Hans">5S前后的仓库</span>' in page and 'lang="zh-hans"' in page


def test_a_pair_without_any_caption_is_refused_next_to_the_photos_and_nothing_is_stored(client, side_a):
    result = draft(side_a)
    client.force_login(side_a.partner)
    files = {"before": upload(jpeg_bytes(), "before.jpg"), "after": upload(jpeg_bytes(color="teal"), "after.jpg")}
    response = client.post(f"/results/{result.pk}/photos/add/", {**files, "before_caption": "Before"})
    assert response.status_code == 400
    page = text(response)
    assert page.count("Give this photo a caption, or give the pair one caption.") == 1
    assert not Photo.objects.exists() and not PhotoPair.objects.exists()
