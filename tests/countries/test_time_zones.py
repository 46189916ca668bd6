"""Issue 22 §5: a user sees times in their country's zone; the global team in the portal's."""

import datetime as dt
import zoneinfo

import pytest
from django.conf import settings
from django.utils import formats, timezone

from enterprises.models import Result
from tests.conftest import give_countries
from tests.factories import CountryFactory, EnterpriseFactory, OrganisationFactory, ResultFactory, bring_in

pytestmark = pytest.mark.django_db

APPROVED = dt.datetime(2015, 6, 1, 20, 30, tzinfo=dt.UTC)  # 2 June 03:30 in Hanoi, 1 June 15:30 in Bogotá


def _shown(zone: str) -> str:
    return formats.date_format(timezone.localtime(APPROVED, zoneinfo.ZoneInfo(zone)), "SHORT_DATETIME_FORMAT")


@pytest.fixture
def results(db):
    viet_nam = CountryFactory()
    colombia = CountryFactory(code="CO", name="Colombia", time_zone="America/Bogota", currency="COP", languages=["es"])
    out = {}
    for country, name in ((viet_nam, "Công ty Gỗ Bình Dương"), (colombia, "Textiles Medellín")):
        partner = OrganisationFactory(countries=[country])
        enterprise = bring_in(EnterpriseFactory(name=name, country=country), partner)
        out[country.code] = ResultFactory(
            enterprise=enterprise, organisation=partner, status=Result.Status.APPROVED, approved_at=APPROVED
        )
    return viet_nam, colombia, out


def test_each_countrys_officer_sees_the_moment_in_their_countrys_zone(client, officer, results):
    viet_nam, colombia, made = results
    give_countries(officer, viet_nam)
    client.force_login(officer)
    page = client.get(made["VN"].get_absolute_url()).content.decode()
    assert _shown("Asia/Ho_Chi_Minh") in page and _shown("Asia/Ho_Chi_Minh") != _shown("America/Bogota")
    give_countries(officer, colombia)
    page = client.get(made["CO"].get_absolute_url()).content.decode()
    assert _shown("America/Bogota") in page and _shown("Asia/Ho_Chi_Minh") not in page


def test_the_global_team_sees_the_portals_zone(client, officer, results):
    _viet_nam, _colombia, made = results
    give_countries(officer, everywhere=True)
    client.force_login(officer)
    page = client.get(made["VN"].get_absolute_url()).content.decode()
    assert _shown(settings.TIME_ZONE) in page


def test_a_partner_sees_their_organisations_country_zone(client, make_partner, results):
    _viet_nam, _colombia, made = results
    client.force_login(make_partner(made["CO"].organisation))
    page = client.get(made["CO"].get_absolute_url()).content.decode()
    assert _shown("America/Bogota") in page
