"""Out of scope is a 404, everywhere: every results URL that takes an object id, exports, search,
autocomplete and photo files, as a partner user of another organisation."""

import pytest
from django.urls import URLPattern

from enterprises.models import ResultImport
from enterprises.results import imports
from enterprises.results import services as result_services
from enterprises.results import urls as results_urls

from .conftest import draft, jpeg_bytes, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def b_objects(side_b, django_capture_on_commit_callbacks):
    """Side B's result (with a photo pair) and upload: what side A's partner must never reach."""
    result = draft(side_b)
    pair = result_services.photo_pair_add(
        result=result,
        by=side_b.partner,
        before=upload(jpeg_bytes()),
        before_caption="Oil barrels carried by two workers",
        after=upload(jpeg_bytes(color="green")),
        after_caption="A handling cart",
    )
    record = ResultImport.objects.create(
        filename="bsci.xlsx", uploaded_by=side_b.partner, organisation=side_b.organisation, file="imports/x.xlsx"
    )
    return {"result": result, "pair": pair, "photo": pair.before, "import": record}


def object_urls(objs) -> list[str]:
    """Every results URL with an object id, filled with side B's objects. A new URL must be added here."""
    ids = {
        "result_detail": [objs["result"].pk],
        "result_edit": [objs["result"].pk],
        "result_delete": [objs["result"].pk],
        "result_export_one": [objs["result"].pk],
        "result_submit": [objs["result"].pk],
        "result_approve": [objs["result"].pk],
        "result_return": [objs["result"].pk],
        "result_reopen": [objs["result"].pk],
        "photo_pair_add": [objs["result"].pk],
        "photo_pair_delete": [objs["result"].pk, objs["pair"].pk],
        "import_preview": [objs["import"].pk],
        "import_confirm": [objs["import"].pk],
        "import_marked": [objs["import"].pk],
        "kpi_edit": [1],
    }
    urls = []
    with_ids = [p for p in results_urls.urlpatterns if isinstance(p, URLPattern) and "<int:" in str(p.pattern)]
    for pattern in with_ids:
        if pattern.name == "photo_file":
            urls += [f"/results/photos/{objs['photo'].pk}/{v}/" for v in ("web", "print", "thumb")]
            urls += [f"/results/photos/{objs['pair'].after.pk}/web/"]
            continue
        assert pattern.name in ids, f"add {pattern.name} to the scope walk"
        from django.urls import reverse

        urls.append(reverse(f"results:{pattern.name}", args=ids[pattern.name]))
    return urls


def test_partner_of_another_organisation_gets_404_on_every_object_url(client, side_a, b_objects):
    client.force_login(side_a.partner)
    urls = object_urls(b_objects)
    assert len(urls) >= 16
    for url in urls:
        get = client.get(url)
        assert get.status_code in (404, 405), (url, get.status_code)
        post = client.post(url, {"reason": "x"})
        assert post.status_code == 404, (url, post.status_code)
    # and nothing changed
    b_objects["result"].refresh_from_db()
    assert b_objects["result"].status == "draft"
    assert b_objects["result"].photo_pairs.count() == 1


def test_owner_and_officer_reach_the_same_urls(client, side_b, b_objects, officer):
    client.force_login(side_b.partner)
    result = b_objects["result"]
    for url in (f"/results/{result.pk}/", f"/results/{result.pk}/edit/", f"/results/{result.pk}/export/"):
        assert client.get(url).status_code == 200, url
    photo = client.get(f"/results/photos/{b_objects['photo'].pk}/web/")
    assert photo.status_code == 200 and photo["Content-Type"] == "image/jpeg"
    assert b"".join(photo.streaming_content)[:2] == b"\xff\xd8"
    client.force_login(officer)
    assert client.get(f"/results/{result.pk}/").status_code == 200
    assert client.get(f"/results/photos/{b_objects['photo'].pk}/thumb/").status_code == 200


def test_the_master_photo_is_never_served(client, side_b, b_objects):
    client.force_login(side_b.partner)
    photo = b_objects["photo"]
    assert client.get(f"/results/photos/{photo.pk}/image/").status_code == 404
    assert client.get(f"/results/photos/{photo.pk}/master/").status_code == 404
    assert client.get(f"/media/{photo.image.name}").status_code == 404
    assert client.get(f"/media/{photo.web.name}").status_code == 404


def test_search_export_and_autocomplete_show_only_the_partners_own(client, side_a, side_b, b_objects):
    mine = draft(side_a)
    client.force_login(side_a.partner)
    listing = client.get("/results/", {"q": "Guangzhou"}).content.decode()
    assert "Guangzhou Toy Factory" not in listing
    listing = client.get("/results/").content.decode()
    assert "Yucheng Futong Electric" in listing and "Guangzhou Toy Factory" not in listing
    csv_export = b"".join(client.get("/results/export/", {"format": "csv"}).streaming_content).decode("utf-8-sig")
    assert "Yucheng Futong Electric" in csv_export and "Guangzhou" not in csv_export
    xlsx = b"".join(client.get("/results/export/", {"format": "xlsx", "q": "Toy"}).streaming_content)
    table = imports.read_table(xlsx)
    assert table.rows == []
    auto = client.get("/results/enterprises/autocomplete/", {"q": "Factory"}).json()
    assert auto == {"results": []}
    auto = client.get("/results/enterprises/autocomplete/", {"q": "Yucheng"}).json()
    assert auto["results"] == [{"id": side_a.enterprise.pk, "label": "Yucheng Futong Electric, Taixing"}]
    # entering a result from another organisation's enterprise page is a 404 too
    assert client.get("/results/new/", {"enterprise": side_b.enterprise.pk}).status_code == 404
    assert client.get("/results/new/", {"enterprise": side_a.enterprise.pk}).status_code == 200
    assert mine.pk


def test_partner_cannot_post_a_result_for_another_organisations_enterprise(client, side_a, side_b):
    client.force_login(side_a.partner)
    response = client.post(
        "/results/new/",
        {
            "enterprise": side_b.enterprise.pk,
            "module": 1,
            "lines-TOTAL_FORMS": 0,
            "lines-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not side_b.enterprise.results.exists()


def test_user_without_a_role_sees_nothing(client, nobody, b_objects):
    client.force_login(nobody)
    assert client.get(f"/results/{b_objects['result'].pk}/").status_code == 404
    assert "Guangzhou" not in client.get("/results/").content.decode()
    assert client.get("/results/new/").status_code == 403


def test_admin_lists_start_from_the_same_scope(client, side_a, side_b, officer, b_objects):
    # a partner given staff access by mistake still sees only its organisation's results in the admin
    from django.contrib.auth.models import Permission

    mine = draft(side_a)
    side_a.partner.is_staff = True
    side_a.partner.save()
    perms = Permission.objects.filter(content_type__app_label="enterprises", codename__in=["view_result", "view_photo"])
    assert perms.count() == 2, list(perms)
    side_a.partner.user_permissions.add(*perms)
    client.force_login(side_a.partner)
    page = client.get("/admin/enterprises/result/").content.decode()
    assert "Yucheng Futong Electric" in page and "Guangzhou Toy Factory" not in page
    assert client.get(f"/admin/enterprises/result/{b_objects['result'].pk}/change/").status_code == 302
    assert client.get(f"/admin/enterprises/photo/{b_objects['photo'].pk}/change/").status_code == 302
    officer.user_permissions.add(*perms)
    client.force_login(officer)
    page = client.get("/admin/enterprises/result/").content.decode()
    assert "Yucheng Futong Electric" in page and "Guangzhou Toy Factory" in page
    assert mine.pk


def test_search_finds_a_result_by_its_title_or_its_enterprise_within_the_partners_own(client, side_a, side_b):
    mine, theirs = draft(side_a), draft(side_b)
    mine.title, theirs.title = "Rework halved on the welding line", "Rework halved at the toy factory"
    mine.save()
    theirs.save()
    client.force_login(side_a.partner)
    found = client.get("/results/", {"q": "rework"}).content.decode()
    assert "Yucheng Futong Electric" in found and "Guangzhou Toy Factory" not in found
    assert "Yucheng Futong Electric" in client.get("/results/", {"q": "futong"}).content.decode()
    assert "Yucheng Futong Electric" not in client.get("/results/", {"q": "nothing-like-it"}).content.decode()
