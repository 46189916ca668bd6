"""Values a KPI cannot take: a KPI says whether its values can be negative (counts, percentages and rates
cannot), and the result form, the services and the spreadsheet import refuse what it cannot take, naming the
row and column, with nothing saved; a negative cost saving (a loss) is kept."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from enterprises.models import KPI, KPILine, Result
from enterprises.results import services as result_services
from tests.factories import module

from .conftest import draft, kpi
from .test_imports import HEADER, csv_bytes, post_file, xlsx

pytestmark = pytest.mark.django_db

ENTERPRISE = "Yucheng Futong Electric, Taixing"


def test_the_catalogue_says_which_kpis_can_be_negative():
    assert set(KPI.objects.filter(allows_negative=True).values_list("name", flat=True)) == {"Cost savings / benefits"}
    assert not kpi("Employee suggestions received").allows_negative
    assert not kpi("Defect / reject rate").allows_negative


def line_form(client, side, *, kpi_name: str, baseline: str, followup: str):
    return client.post(
        "/results/new/",
        {
            "enterprise": side.enterprise.pk,
            "module": module("M1").pk,
            "title": "Suggestions up",
            "lines-TOTAL_FORMS": 1,
            "lines-INITIAL_FORMS": 0,
            "lines-0-kpi": kpi(kpi_name).pk,
            "lines-0-baseline_value": baseline,
            "lines-0-baseline_date": "2014-08-01",
            "lines-0-followup_value": followup,
            "lines-0-followup_date": "2014-11-30",
        },
    )


def test_the_form_refuses_a_negative_count_next_to_the_field(client, side_a):
    client.force_login(side_a.partner)
    response = line_form(client, side_a, kpi_name="Employee suggestions received", baseline="-5", followup="307")
    page = response.content.decode()
    assert "Employee suggestions received cannot be negative (-5)" in page
    assert not Result.objects.exists() and not KPILine.objects.exists()
    # a percentage neither
    response = line_form(client, side_a, kpi_name="On-time delivery", baseline="88.6", followup="-1.5")
    assert "On-time delivery cannot be negative (-1.5)" in response.content.decode()
    assert not Result.objects.exists()


def test_the_form_keeps_a_negative_cost_saving(client, side_a):
    client.force_login(side_a.partner)
    response = line_form(client, side_a, kpi_name="Cost savings / benefits", baseline="0", followup="-12000")
    assert response.status_code == 302
    assert KPILine.objects.get().followup_value == Decimal("-12000")


def test_the_service_refuses_a_negative_count_whoever_calls_it(side_a):
    result = draft(side_a, lines=0)
    with pytest.raises(ValidationError) as refused:
        result_services.kpi_line_save(
            result=result,
            by=side_a.partner,
            kpi=kpi("Accidents"),
            baseline_value=Decimal("3"),
            baseline_date=dt.date(2014, 8, 1),
            followup_value=Decimal("-1"),
            followup_date=dt.date(2014, 11, 30),
        )
    assert "Accidents cannot be negative (-1)" in refused.value.message_dict["followup_value"][0]
    assert not KPILine.objects.exists()


def rows(*lines):
    return [
        [ENTERPRISE, "M1", name, before, dt.date(2014, 8, 1), after, dt.date(2014, 11, 30), None]
        for name, before, after in lines
    ]


def test_the_import_names_the_row_and_column_of_a_negative_count_and_saves_nothing(client, side_a):
    client.force_login(side_a.partner)
    data = xlsx(rows(("Defect / reject rate", 4.13, 0.61), ("Employee suggestions received", -3, 307)))
    response = post_file(client, data)
    preview = client.get(response.url).content.decode()
    assert "Row 3, column D (Baseline value): Employee suggestions received cannot be negative (-3)" in preview
    assert client.post(f"{response.url}confirm/").status_code == 302
    assert not Result.objects.exists() and not KPILine.objects.exists()
    # the marked-up workbook carries the same message in the row's Problems column
    import io

    from openpyxl import load_workbook

    marked = load_workbook(io.BytesIO(client.get(f"{response.url}checked.xlsx").content))["Results"]
    assert marked["I3"].value.startswith("Row 3, column D (Baseline value): Employee suggestions received cannot")
    assert marked["D3"].fill.fgColor.rgb.endswith("FFC7CE")


def test_the_import_of_a_csv_refuses_a_negative_percentage_in_the_follow_up_column(client, side_a):
    client.force_login(side_a.partner)
    data = [[ENTERPRISE, "M1", "On-time delivery", "88.6", "2014-08-01", "-92.58", "2014-11-30", ""]]
    response = post_file(client, csv_bytes(data, HEADER), "results.csv")
    preview = client.get(response.url).content.decode()
    assert "Row 2, column F (Follow-up value): On-time delivery cannot be negative (-92.58)" in preview
    client.post(f"{response.url}confirm/")
    assert not KPILine.objects.exists()


def test_the_import_keeps_a_negative_cost_saving(client, side_a):
    client.force_login(side_a.partner)
    response = post_file(client, xlsx(rows(("Cost savings / benefits", 0, -12000))))
    client.post(f"{response.url}confirm/")
    assert KPILine.objects.get().followup_value == Decimal("-12000")


def test_officers_say_whether_a_kpi_can_be_negative(client, officer, side_a):
    client.force_login(officer)
    form = client.get(f"/results/kpis/{kpi('Energy use').pk}/edit/").content.decode()
    assert "Values can be negative" in form
    response = client.post(
        "/results/kpis/new/",
        {
            "name": "Net profit change",
            "unit": "RMB",
            "direction": "higher",
            "order": 30,
            "allows_negative": "on",
            "active": "on",
        },
    )
    assert response.status_code == 302
    assert KPI.objects.get(name="Net profit change").allows_negative
    # and the partner's form then takes a negative value for it
    client.force_login(side_a.partner)
    response = line_form(client, side_a, kpi_name="Net profit change", baseline="100", followup="-50")
    assert response.status_code == 302
