"""The admin of country programmes and regions goes through programmes.services: the same refusals, the same
edit-version check, no delete the services do not offer."""

import pytest

from programmes import services
from programmes.models import Country, Region
from tests.admin.conftest import change_form
from tests.factories import RegionFactory

from .conftest import country_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


def test_a_country_added_in_the_admin_goes_through_the_service(officer_client):
    response = officer_client.post("/admin/programmes/country/add/", country_form(code="co"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    colombia = Country.objects.get(code="CO")
    assert colombia.languages == ["es", "en"]
    assert colombia.history.get().history_user.username == "officer1"  # the service's `by`


def test_the_admin_refuses_what_the_service_refuses(officer_client):
    response = officer_client.post("/admin/programmes/country/add/", country_form(code="XX", languages="es, klingon"))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "XX is not an ISO 3166-1 country code." in errors["code"]
    assert "Not a known language code: klingon." in errors["languages"][0]
    assert not Country.objects.filter(name="Colombia").exists()


def test_a_stale_country_form_in_the_admin_is_refused(officer_client, china):
    # given an officer opened China in the admin, and another changed its fax on the portal since
    url = f"/admin/programmes/country/{china.pk}/change/"
    data = change_form(officer_client, url)
    services.country_update(country=china, edit_version=china.edit_version, fax="+86 10 9999 0000")
    # when the first saves their change
    data["web"] = "www.ilo.org/china"
    response = officer_client.post(url, data)
    # then it is refused with the pages' message, and the other's change stays
    assert "Someone else saved this record while you were editing it" in response.content.decode()
    china.refresh_from_db()
    assert (china.fax, china.web) == ("+86 10 9999 0000", "www.ilo.org/score")


def test_a_fresh_country_form_in_the_admin_saves_through_the_service(officer_client, china):
    url = f"/admin/programmes/country/{china.pk}/change/"
    data = change_form(officer_client, url)
    data["web"] = "www.ilo.org/china"
    assert officer_client.post(url, data).status_code == 302
    china.refresh_from_db()
    assert china.web == "www.ilo.org/china" and china.edit_version == 1
    assert china.languages == ["en", "zh-hans"]  # the languages' order came back as it went out


def test_a_country_cannot_be_deleted_in_the_admin(officer_client, china):
    url = f"/admin/programmes/country/{china.pk}/delete/"
    assert officer_client.get(url).status_code == 403
    officer_client.post(url, {"post": "yes"})
    assert Country.objects.filter(pk=china.pk).exists()


def test_a_duplicate_region_is_refused_in_the_admin(officer_client, china):
    RegionFactory(country=china, name="Jiangsu")
    response = officer_client.post(
        "/admin/programmes/region/add/", {"country": china.pk, "name": "JIANGSU", "kind": "province"}
    )
    assert response.status_code == 200
    assert "China already has a region named JIANGSU." in response.content.decode()
    assert china.regions.count() == 1


def test_a_region_is_not_renamed_in_the_admin(officer_client, china):
    region = RegionFactory(country=china, name="Jiangsu")
    officer_client.post(
        f"/admin/programmes/region/{region.pk}/change/", {"country": china.pk, "name": "Zhejiang", "kind": "city"}
    )
    region.refresh_from_db()
    assert (region.name, region.kind) == ("Jiangsu", Region.Kind.PROVINCE)


def test_a_region_in_use_cannot_be_deleted_in_the_admin(officer_client, china, monkeypatch):
    region = RegionFactory(country=china, name="Sichuan")
    monkeypatch.setattr(services, "_region_uses", [lambda r: "1 enterprise"])
    url = f"/admin/programmes/region/{region.pk}/delete/"
    assert officer_client.get(url).status_code == 403
    officer_client.post(url, {"post": "yes"})
    assert Region.objects.filter(pk=region.pk).exists()


def test_a_region_deleted_in_the_admin_goes_through_the_service(officer_client, china):
    region = RegionFactory(country=china, name="Hainan")
    response = officer_client.post(f"/admin/programmes/region/{region.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Region.objects.filter(pk=region.pk).exists()
    removed = Region.history.filter(id=region.pk, history_type="-").get()
    assert removed.history_user.username == "officer1"  # region_remove's `by`
