"""Issue 22 §5: money in each country's currency; figures across currencies give the share as it is and the money in
US dollars at the yearly rates officers keep, saying which rates they used and what had none."""

import datetime as dt
from decimal import Decimal

import pytest

from enterprises.figures import FigureFilters, programme_figures
from programmes import services
from programmes.models import ExchangeRate
from tests.concurrency.conftest import form_values
from tests.factories import CountryFactory, OrganisationFactory, TrainingRoundFactory

pytestmark = pytest.mark.django_db


def _costed(country, start, total, ilo, organiser=None):
    """A round in ``country`` that cost ``total``, the ILO paying ``ilo`` and enterprises the rest."""
    return TrainingRoundFactory(
        country=country,
        organiser=organiser or OrganisationFactory(countries=[country]),
        start=start,
        end=start + dt.timedelta(days=30),
        cost_total=Decimal(total),
        paid_by_enterprises=Decimal(total) - Decimal(ilo),
        paid_by_ilo=Decimal(ilo),
    )


def test_officer_sets_a_years_rate_on_the_countrys_page_and_setting_it_again_corrects_it(officer_client, china):
    url = f"/countries/{china.pk}/rates/set/"
    values = form_values(officer_client.get(china.get_absolute_url()), url)
    assert values.get("submission")  # the form carries a one-time token
    response = officer_client.post(url, {**values, "year": "2014", "units_per_usd": "6.16"})
    assert response.status_code == 302 and response.url == f"{china.get_absolute_url()}#rates"
    page = officer_client.get(response.url).content.decode()
    assert "Rate for 2014 saved: 6.16 CNY for one US dollar." in page and "CNY to the US dollar" in page
    values = form_values(officer_client.get(china.get_absolute_url()), url)
    officer_client.post(url, {**values, "year": "2014", "units_per_usd": "6.1434"})
    rate = ExchangeRate.objects.get(currency="CNY", year=2014)
    assert rate.units_per_usd == Decimal("6.1434") and ExchangeRate.objects.filter(currency="CNY").count() == 1
    assert rate.history.count() == 2 and rate.history.first().history_user.username == "officer1"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("units_per_usd", "0", "Ensure this value is greater than or equal to 0.000001."),
        ("units_per_usd", "-3", "Ensure this value is greater than or equal to 0.000001."),
        ("units_per_usd", "six", "Enter a number."),
        ("year", "1850", "Ensure this value is greater than or equal to 1990."),
    ],
)
def test_a_bad_rate_is_told_next_to_its_field_and_nothing_is_saved(officer_client, china, field, value, message):
    data = {"year": "2015", "units_per_usd": "6.2", field: value}
    response = officer_client.post(f"/countries/{china.pk}/rates/set/", data)
    assert response.status_code == 200
    assert message in response.context["form"].errors[field]
    assert f'id="error_1_id_{field}"' in response.content.decode()
    assert not ExchangeRate.objects.exists()


def test_removing_a_rate_asks_first(officer_client, china):
    rate = services.exchange_rate_set(currency="CNY", year=2014, units_per_usd=Decimal("6.16"))
    url = f"/countries/{china.pk}/rates/{rate.pk}/remove/"
    asked = officer_client.post(url)
    assert "Remove the 2014 rate of CNY?" in asked.content.decode() and ExchangeRate.objects.filter(pk=rate.pk).exists()
    done = officer_client.post(url, {"confirm": "yes"})
    assert done.status_code == 302 and not ExchangeRate.objects.filter(pk=rate.pk).exists()


def test_another_currencys_rate_is_not_removed_through_a_countrys_address(officer_client, china):
    dong = services.exchange_rate_set(currency="VND", year=2014, units_per_usd=Decimal("21148"))
    response = officer_client.post(f"/countries/{china.pk}/rates/{dong.pk}/remove/", {"confirm": "yes"})
    assert response.status_code == 404 and ExchangeRate.objects.filter(pk=dong.pk).exists()


def test_a_round_page_gives_its_cost_in_its_countrys_currency(officer_client):
    viet_nam = CountryFactory()
    rnd = _costed(viet_nam, dt.date(2015, 3, 2), 40_000_000, 30_000_000)
    page = officer_client.get(rnd.get_absolute_url()).content.decode()
    assert "40,000,000 VND in all" in page and "25 % covered by non-ILO resources" in page


def test_one_countrys_figures_count_in_its_currency(officer, china):
    _costed(china, dt.date(2015, 3, 2), 60_000, 30_000)
    figure = programme_figures(officer, FigureFilters()).get("cost_by_module")
    assert [c.label for c in figure.columns][2] == "Total cost (CNY)"
    assert figure.totals[2] == Decimal(60_000) and figure.totals[-1] == 50.0
    assert "US dollars" not in figure.note


def test_figures_across_currencies_convert_at_each_years_rate_and_name_the_rates_and_what_had_none(
    officer_client, officer, china
):
    viet_nam = CountryFactory()
    services.exchange_rate_set(currency="CNY", year=2015, units_per_usd=Decimal("6.25"))
    services.exchange_rate_set(currency="VND", year=2015, units_per_usd=Decimal("20000"))
    _costed(china, dt.date(2015, 3, 2), 62_500, 31_250)  # 10,000 USD, half paid by others
    _costed(viet_nam, dt.date(2015, 6, 1), 200_000_000, 50_000_000)  # 10,000 USD, three quarters by others
    _costed(viet_nam, dt.date(2016, 6, 1), 100_000_000, 0)  # no 2016 rate: left out of the dollars
    figures = programme_figures(officer, FigureFilters())
    module = figures.get("cost_by_module")
    assert [c.label for c in module.columns][2] == "Total cost (USD)"
    assert module.totals[1] == 2 and module.totals[2] == Decimal(20_000) and module.totals[-1] == 62.5
    assert "CNY 2015: 6.25; VND 2015: 20,000" in module.note
    assert "Left out for want of a rate: 1 round in VND of 2016." in module.note
    assert figures.headline["cost_recovery_percent"] == 62.5
    # each country's own money and share, and dollars only where every round has a rate
    by_country = {row[0]: row[1:] for row in figures.get("cost_by_country").rows}
    assert by_country["China"] == ["CNY", 1, Decimal(62_500), 50.0, Decimal(10_000)]
    assert by_country["Viet Nam"][:4] == ["VND", 2, Decimal(300_000_000), 83.3]  # 250 of 300 million
    assert by_country["Viet Nam"][4] is None
    page = officer_client.get("/figures/?year=all").content.decode()
    assert "Cost recovery by country" in page and "Total cost (USD)" in page and "VND 2015: 20,000" in page
