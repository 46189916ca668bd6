"""Issue 22 §7 and §5: whoever sees several country programmes finds each one's state on their home page, counted on
each country's own date, and the figures compare the countries and filter by one."""

import datetime as dt
import re

import pytest
import time_machine
from django.utils.formats import date_format

from enterprises.models import Result
from programmes.models import Country, TrainingRound
from tests.factories import (
    CountryFactory,
    EnterpriseFactory,
    OrganisationFactory,
    ParticipationFactory,
    ResultFactory,
    TrainingRoundFactory,
)

pytestmark = pytest.mark.django_db

# 20:00 in London on 1 March 2015: already 2 March in Hanoi (03:00), still 1 March in Bogotá (15:00).
EVENING_IN_EUROPE = dt.datetime(2015, 3, 1, 20, 0, tzinfo=dt.UTC)


@pytest.fixture
def two_more_countries(db):
    viet_nam = CountryFactory()
    colombia = CountryFactory(
        code="CO", name="Colombia", time_zone="America/Bogota", currency="COP", languages=["es", "en"]
    )
    return viet_nam, colombia


def _round(country, *, city, start, end, **extra):
    organiser = OrganisationFactory(countries=[country])
    return TrainingRoundFactory(
        country=country, organiser=organiser, city=city, province="", start=start, end=end, **extra
    )


def _row(html: str, name: str) -> list[str]:
    """The home table's cells of one country, as text."""
    table = html[html.index('id="countries"') :].split("</table>", 1)[0]
    row = table[table.index(f">{name}</a>") :].split("</tr>", 1)[0]
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)]


def test_each_country_counts_its_days_on_its_own_date(client, officer, two_more_countries):
    viet_nam, colombia = two_more_countries
    # given a ToE round ending on 1 March in each country, and one starting on 2 March in each
    for country, city in ((viet_nam, "Đà Nẵng"), (colombia, "Medellín")):
        _round(country, city=city, start=dt.date(2015, 2, 2), end=dt.date(2015, 3, 1))
        _round(country, city=city, start=dt.date(2015, 3, 2), end=dt.date(2015, 4, 30))
    client.force_login(officer)
    # when the global officer opens their home on the evening of 1 March in Europe
    with time_machine.travel(EVENING_IN_EUROPE, tick=False):
        html = client.get("/").content.decode()
    # then Viet Nam, already on 2 March, has a round ended without results and one starting today;
    # Colombia, still on 1 March, has neither ended: both of its rounds start or end within 30 days
    vn, co = _row(html, "Viet Nam"), _row(html, "Colombia")
    assert (vn[1], vn[7]) == ("1", "1"), vn  # starting within 30 days, ended without results
    assert (co[1], co[7]) == ("1", "0"), co
    assert date_format(dt.date(2015, 3, 2), "DATE_FORMAT") in html.split(">Viet Nam</a>", 1)[1].split("</th>", 1)[0]
    assert date_format(dt.date(2015, 3, 1), "DATE_FORMAT") in html.split(">Colombia</a>", 1)[1].split("</th>", 1)[0]


def test_the_home_table_counts_people_results_and_cost_recovery_per_country(client, officer, two_more_countries):
    viet_nam, _colombia = two_more_countries
    rnd = _round(
        viet_nam,
        city="Hải Phòng",
        start=dt.date(2015, 5, 4),
        end=dt.date(2015, 6, 30),
        status=TrainingRound.Status.CONSULTING,
        cost_total=100_000_000,
        paid_by_enterprises=40_000_000,
        paid_by_ilo=60_000_000,
    )
    works = EnterpriseFactory(name="Công ty May Hải Phòng", country=viet_nam)
    ParticipationFactory(
        training_round=rnd, enterprise=works, managers_women=3, managers_men=1, workers_women=0, workers_men=0
    )
    ResultFactory(enterprise=works, module=rnd.module, training_round=rnd, status=Result.Status.APPROVED)
    other = EnterpriseFactory(name="Công ty Gỗ Đồng Nai", country=viet_nam)
    ResultFactory(enterprise=other, module=rnd.module, training_round=rnd, status=Result.Status.SUBMITTED)
    client.force_login(officer)
    row = _row(client.get("/").content.decode(), "Viet Nam")
    # running, soon, enterprises, participants, women's share, approved, awaiting, ended without, cost recovery
    assert row == ["1", "0", "1", "4", "75 %", "1", "1", "0", "40 %"], row


def test_one_country_programme_shows_no_comparison(client, officer):
    assert Country.objects.count() == 1
    client.force_login(officer)
    assert 'id="countries"' not in client.get("/").content.decode()


def test_the_figures_compare_the_countries_and_filter_by_one(client, officer, two_more_countries):
    viet_nam, _colombia = two_more_countries
    china_round = TrainingRoundFactory(
        city="Ningbo", province="Zhejiang", start=dt.date(2015, 4, 1), end=dt.date(2015, 5, 1)
    )
    ParticipationFactory(training_round=china_round, managers_women=1, managers_men=1, workers_women=2, workers_men=2)
    vn_round = _round(viet_nam, city="Đà Nẵng", start=dt.date(2015, 4, 1), end=dt.date(2015, 5, 1))
    vn_round.province = "Đà Nẵng"
    vn_round.save()
    ParticipationFactory(
        training_round=vn_round,
        enterprise=EnterpriseFactory(country=viet_nam),
        managers_women=2,
        managers_men=0,
        workers_women=4,
        workers_men=2,
    )
    client.force_login(officer)
    html = client.get("/figures/?year=all").content.decode()
    assert "The countries compared" in html and 'id="chart-by_country-title"' in html
    assert "China: 6 participants, 3 women and 3 men; Viet Nam: 8 participants, 6 women and 2 men" in html
    only_vn = client.get(f"/figures/?year=all&country={viet_nam.pk}").content.decode()
    provinces = only_vn[only_vn.index('id="fig-by_province"') :].split("</table>", 1)[0]
    assert "Đà Nẵng" in provinces and "Zhejiang" not in provinces
    assert "The countries compared" not in only_vn  # one country chosen: nothing to compare
