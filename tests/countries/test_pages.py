"""Issue 22 §1: an officer records country programmes and their regions through the pages; bad input is told next
to its field; two editors of one country do not overwrite each other."""

import pytest

from programmes import services
from programmes.models import Country, Region
from tests.concurrency.conftest import form_values
from tests.factories import CountryFactory, RegionFactory
from tests.tokens import page_token

from .conftest import country_form

pytestmark = pytest.mark.django_db


def test_officer_creates_a_spanish_speaking_programme_with_the_forms_one_time_token(officer_client):
    # given the new-country page, whose form carries a one-time token
    values = form_values(officer_client.get("/countries/new/"), "/countries/new/")
    assert values.get("submission")
    # when the officer fills it in for Colombia, Spanish first, and saves it twice (a double click)
    data = {**values, **country_form()}
    first = officer_client.post("/countries/new/", data)
    again = officer_client.post("/countries/new/", data)
    # then one programme is recorded, as typed, and both answers lead to its page
    colombia = Country.objects.get(code="CO")
    assert first.status_code == 302 and first.url == colombia.get_absolute_url()
    assert again.status_code == 302 and again.url == colombia.get_absolute_url()
    assert Country.objects.filter(code="CO").count() == 1
    assert (colombia.name, colombia.time_zone, colombia.currency) == ("Colombia", "America/Bogota", "COP")
    assert colombia.languages == ["es", "en"] and colombia.main_language == "es"
    assert colombia.office_name == "OIT Oficina de País para los Países Andinos"
    assert colombia.history.get().history_user.username == "officer1"
    page = officer_client.get(first.url).content.decode()
    assert "Country programme Colombia saved." in page
    assert "Spanish" in page and "America/Bogota" in page and "COP" in page


def test_a_lower_case_code_is_written_in_capitals(officer_client):
    officer_client.post("/countries/new/", country_form(code=" co "))
    assert Country.objects.filter(code="CO").exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("code", "XX", "XX is not an ISO 3166-1 country code."),
        ("code", "C1", "two capital letters"),
        ("code", "CN", "already exists"),
        ("time_zone", "Mars/Olympus_Mons", "Mars/Olympus_Mons is not one of the available choices"),
        ("currency", "XYZ", "XYZ is not one of the available choices"),
        ("languages", "es, xq", "Not a known language code: xq."),
        ("languages", "es, es", "Each language once: es named twice."),
        ("languages", "", "This field is required."),
        ("email", "not an address", "Enter a valid email address."),
    ],
)
def test_bad_input_is_told_next_to_its_field_and_nothing_is_saved(officer_client, field, value, message):
    response = officer_client.post("/countries/new/", country_form(**{field: value}))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert any(message in error for error in errors[field]), errors
    assert set(errors) == {field}
    assert not Country.objects.filter(name="Colombia").exists()


def test_the_service_refuses_an_unknown_zone_currency_and_language_by_field():
    with pytest.raises(services.ValidationError) as refused:
        services.country_create(
            code="PE", name="Peru", time_zone="America/Atlantis", currency="PEX", languages=["es", "tlh-zz"]
        )
    assert set(refused.value.message_dict) == {"time_zone", "currency", "languages"}
    assert "America/Atlantis is not a time zone" in refused.value.message_dict["time_zone"][0]
    assert "PEX is not an ISO 4217 currency code." in refused.value.message_dict["currency"]
    assert not Country.objects.filter(code="PE").exists()


def test_officer_edits_a_country_with_the_pages_token(officer_client, china):
    url = f"/countries/{china.pk}/edit/"
    data = country_form(code="CN", name="China", time_zone="Asia/Shanghai", currency="CNY", languages="zh-hans, en")
    response = officer_client.post(url, {**data, **page_token(officer_client, url)})
    assert response.status_code == 302 and response.url == china.get_absolute_url()
    china.refresh_from_db()
    assert china.languages == ["zh-hans", "en"]
    assert china.email == "score-colombia@example.org"
    assert china.edit_version == 1  # the service claimed a version


def test_a_stale_edit_form_is_refused_and_shows_the_other_officers_change(officer_client, china):
    # given an officer opened China's edit page
    url = f"/countries/{china.pk}/edit/"
    token = page_token(officer_client, url)
    # and another officer changed the office's telephone since
    services.country_update(country=china, edit_version=china.edit_version, telephone="+86 10 1111 2222")
    # when the first saves their change of the web address
    data = country_form(code="CN", name="China", time_zone="Asia/Shanghai", currency="CNY", languages="en, zh-hans")
    data["telephone"] = china.telephone
    response = officer_client.post(url, {**data, **token})
    # then nothing is written over the other's change, and they are told what changed
    assert response.status_code == 409
    content = response.content.decode()
    assert "Someone else saved this record while you were editing it" in content
    assert "+86 10 1111 2222" in content
    china.refresh_from_db()
    assert china.telephone == "+86 10 1111 2222" and china.web == "www.ilo.org/score"


def test_changing_the_time_zone_changes_no_stored_date(china):
    # dates are stored as dates: a round's start is a day, whatever the zone says "today" is
    from tests.factories import TrainingRoundFactory

    training_round = TrainingRoundFactory()
    before = (training_round.start, training_round.end, training_round.created_at)
    services.country_update(country=china, time_zone="Pacific/Kiritimati")
    training_round.refresh_from_db()
    assert (training_round.start, training_round.end, training_round.created_at) == before
    assert Country.objects.get(pk=china.pk).time_zone == "Pacific/Kiritimati"


def test_country_list_shows_each_programme_and_exports(officer_client, china):
    CountryFactory()
    page = officer_client.get("/countries/").content.decode()
    assert "China" in page and "Viet Nam" in page and "Asia/Ho_Chi_Minh" in page
    assert "Vietnamese, English" in page
    assert 'data-label="Time zone"' in page  # a row becomes a card on a phone
    csv = officer_client.get("/countries/?_export=csv")
    assert csv.status_code == 200
    assert "Viet Nam" in b"".join(csv.streaming_content).decode()
    assert "Viet Nam" not in officer_client.get("/countries/?q=china").content.decode()


# --- Regions ---------------------------------------------------------------------------------------------


def test_officer_adds_a_region_from_the_countrys_page(officer_client, china):
    page = officer_client.get(china.get_absolute_url())
    values = form_values(page, f"/countries/{china.pk}/regions/add/")
    assert values.get("submission")
    values.update(name="Hubei", kind="province")
    response = officer_client.post(f"/countries/{china.pk}/regions/add/", values)
    assert response.status_code == 302 and response.url == f"{china.get_absolute_url()}#regions"
    hubei = china.regions.get(name="Hubei")
    assert hubei.kind == Region.Kind.PROVINCE and hubei.history.get().history_user.username == "officer1"
    page = officer_client.get(response.url).content.decode()
    assert "Region Hubei added." in page and 'data-label="Kind"' in page


def test_a_duplicate_region_is_told_next_to_its_name(officer_client, china):
    RegionFactory(country=china, name="Guangdong")
    response = officer_client.post(f"/countries/{china.pk}/regions/add/", {"name": " guangdong ", "kind": "province"})
    assert response.status_code == 200
    assert response.context["form"].errors["name"] == ["China already has a region named guangdong."]
    assert china.regions.filter(name__iexact="guangdong").count() == 1


def test_the_same_name_may_be_a_region_of_two_countries(china):
    RegionFactory(country=china, name="Central")
    services.region_add(country=CountryFactory(), name="Central", kind=Region.Kind.REGION)
    assert Region.objects.filter(name="Central").count() == 2


def test_removing_a_region_asks_first_then_removes_it(officer_client, china):
    region = RegionFactory(country=china, name="Hainan")
    url = f"/regions/{region.pk}/remove/"
    # the page's one-click button leads to the question, which changes nothing
    asked = officer_client.post(url)
    assert asked.status_code == 200 and "Remove the region Hainan from China?" in asked.content.decode()
    assert Region.objects.filter(pk=region.pk).exists()
    # confirmed, the region goes and the page says so
    done = officer_client.post(url, {"confirm": "yes"})
    assert done.status_code == 302 and done.url == f"{china.get_absolute_url()}#regions"
    assert not Region.objects.filter(pk=region.pk).exists()
    assert "Region Hainan removed." in officer_client.get(done.url).content.decode()


def test_a_region_that_records_name_is_not_removed(officer_client, china, monkeypatch):
    # given a record names the region (as rounds will, issue 22 §2)
    region = RegionFactory(country=china, name="Sichuan")
    monkeypatch.setattr(services, "_region_uses", [lambda r: "2 training rounds" if r.name == "Sichuan" else None])
    # then the question says why it cannot be removed, and a confirmed post is refused with that message
    url = f"/regions/{region.pk}/remove/"
    asked = officer_client.get(url).content.decode()
    assert "Sichuan cannot be removed while records name it: 2 training rounds." in asked
    refused = officer_client.post(url, {"confirm": "yes"}, follow=True)
    assert "Sichuan cannot be removed while records name it" in refused.content.decode()
    assert Region.objects.filter(pk=region.pk).exists()


# --- Who may open the pages ------------------------------------------------------------------------------


def _country_urls(country, region):
    return [
        ("get", "/countries/"),
        ("get", "/countries/?_export=xlsx"),
        ("get", "/countries/new/"),
        ("post", "/countries/new/"),
        ("get", f"/countries/{country.pk}/"),
        ("get", f"/countries/{country.pk}/edit/"),
        ("post", f"/countries/{country.pk}/edit/"),
        ("post", f"/countries/{country.pk}/regions/add/"),
        ("get", f"/regions/{region.pk}/remove/"),
        ("post", f"/regions/{region.pk}/remove/"),
    ]


@pytest.mark.parametrize("role", ["partner", "trainer", "editor"])
def test_only_officers_open_the_country_pages(client, china, role, make_partner, make_trainer_user, editor):
    from tests.factories import OrganisationFactory, TrainerFactory

    region = RegionFactory(country=china, name="Yunnan")
    user = {
        "partner": lambda: make_partner(OrganisationFactory()),
        "trainer": lambda: make_trainer_user(TrainerFactory()),
        "editor": lambda: editor,
    }[role]()
    client.force_login(user)
    for method, url in _country_urls(china, region):
        data = {"confirm": "yes", **country_form(name="Hijacked")} if method == "post" else None
        assert getattr(client, method)(url, data).status_code == 403, (role, method, url)
    china.refresh_from_db()
    assert china.name == "China" and Region.objects.filter(pk=region.pk).exists()
    assert not Country.objects.filter(name="Hijacked").exists()


def test_anonymous_visitors_are_sent_to_log_in(client, china):
    region = RegionFactory(country=china)
    for method, url in _country_urls(china, region):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "/accounts/login/" in response.url, (method, url)


def test_an_unknown_country_or_region_is_a_404(officer_client):
    assert officer_client.get("/countries/999999/").status_code == 404
    assert officer_client.get("/countries/999999/edit/").status_code == 404
    assert officer_client.get("/regions/999999/remove/").status_code == 404


def test_officers_find_the_countries_in_the_navigation(officer_client):
    assert 'href="/countries/"' in officer_client.get("/").content.decode()
