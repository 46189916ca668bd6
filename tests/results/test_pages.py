"""What partners and officers see on the results pages, and that pages cost a fixed number of queries."""

import datetime as dt
import html
import itertools
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from enterprises.models import KPI, Result
from enterprises.results import services as result_services
from tests.factories import EnterpriseFactory, ParticipationFactory, bring_in, module

from .conftest import draft, jpeg_bytes, kpi, pair_add, upload

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())))


def test_result_page_shows_change_per_cent_and_improvement_by_direction(client, side_a):
    draft(side_a, lines=4)
    client.force_login(side_a.partner)
    page = text(client.get(f"/results/{Result.objects.get().pk}/"))
    # defect rate 4.13 -> 0.61: lower is better, so a fall is an improvement
    assert re.search(r"Defect / reject rate .*? 4\.13 2014-08-01 0\.61 2014-11-30 -3\.52 -85\.23 % ▲ Improved", page)
    # on-time delivery 88.6 -> 92.58: higher is better
    assert re.search(r"On-time delivery .*? 88\.6 .*? 92\.58 .*? \+3\.98 \+4\.49 % ▲ Improved", page)
    # suggestions from 0: no per cent without a baseline
    assert re.search(r"Employee suggestions received .*? \+307 no baseline ▲ Improved", page)
    assert re.search(r"Accidents .*? 0 0 % Unchanged", page)


def test_kpi_going_the_wrong_way_is_shown_as_worse(client, side_a):
    result = draft(side_a, lines=0)
    result_services.kpi_line_save(
        result=result,
        by=side_a.partner,
        kpi=kpi("Absenteeism"),
        baseline_value=2,
        baseline_date=dt.date(2014, 8, 1),
        followup_value=3,
        followup_date=dt.date(2014, 11, 30),
    )
    client.force_login(side_a.partner)
    assert "▼ Worse" in text(client.get(f"/results/{result.pk}/"))


def test_partner_enters_a_result_with_kpi_lines_through_the_form(client, side_a):
    client.force_login(side_a.partner)
    form = client.get(f"/results/new/?enterprise={side_a.enterprise.pk}").content.decode()
    assert re.search(rf'<option value="{side_a.enterprise.pk}" selected>Yucheng Futong Electric</option>', form)
    data = {
        "enterprise": side_a.enterprise.pk,
        "module": module("M1").pk,
        "training_round": side_a.training_round.pk,
        "title": "Defects down",
        "narrative": "Weekly EIT meetings.",
        "lines-TOTAL_FORMS": 2,
        "lines-INITIAL_FORMS": 0,
        "lines-0-kpi": kpi("Defect / reject rate").pk,
        "lines-0-baseline_value": "4.13",
        "lines-0-baseline_date": "2014-08-01",
        "lines-0-followup_value": "0.61",
        "lines-0-followup_date": "2014-11-30",
        "lines-1-kpi": kpi("On-time delivery").pk,
        "lines-1-baseline_value": "88.6",
        "lines-1-baseline_date": "2014-08-01",
        "lines-1-followup_value": "x",
        "lines-1-followup_date": "2014-07-01",
    }
    page = client.post("/results/new/", data).content.decode()
    assert "Enter a number." in page and "The follow-up cannot be dated before the baseline." in page
    assert not Result.objects.exists()
    data |= {"lines-1-followup_value": "92.58", "lines-1-followup_date": "2014-11-30"}
    response = client.post("/results/new/", data)
    result = Result.objects.get()
    assert response.url == f"/results/{result.pk}/"
    assert result.training_round == side_a.training_round
    assert result.kpi_lines.count() == 2


def test_history_shows_changes_and_deletes_of_kpi_lines_and_photos(client, side_a):
    result = draft(side_a, lines=2)
    line = result.kpi_lines.get(kpi__name="On-time delivery")
    result_services.kpi_line_save(
        result=result,
        by=side_a.partner,
        line=line,
        kpi=line.kpi,
        baseline_value=line.baseline_value,
        baseline_date=line.baseline_date,
        followup_value=95,
        followup_date=line.followup_date,
    )
    result_services.kpi_line_delete(line=result.kpi_lines.get(kpi__name="Defect / reject rate"), by=side_a.partner)
    pair = result_services.photo_pair_add(
        result=result,
        by=side_a.partner,
        before=upload(jpeg_bytes()),
        before_caption="Oil barrels",
        after=upload(jpeg_bytes()),
        after_caption="Cart",
    )
    result_services.photo_pair_delete(pair=pair, by=side_a.partner)
    client.force_login(side_a.partner)
    page = text(client.get(f"/results/{result.pk}/"))
    assert "KPI line: On-time delivery changed Follow-up value: 92.58 → 95" in page
    assert "KPI line: Defect / reject rate deleted" in page
    assert "Photo pair 1 deleted" in page
    assert "Photo (before): Oil barrels deleted" in page
    assert "Photo (after): Cart deleted" in page
    assert "partner-a" in page


def test_returned_result_shows_the_reason_and_the_trail(client, side_a, officer):
    result = draft(side_a)
    result_services.result_submit(result=result, by=side_a.partner)
    client.force_login(officer)
    page = text(client.get(f"/results/{result.pk}/"))
    assert "Approve" in page and "Return for correction" in page
    client.post(f"/results/{result.pk}/return/", {"reason": "Add the photo credit."})
    client.force_login(side_a.partner)
    page = text(client.get(f"/results/{result.pk}/"))
    assert "Returned for correction by officer1" in page and "Add the photo credit." in page
    assert "Submit again for approval" in page
    trail = r"Approval trail Draft partner-a .*? Submitted partner-a .*? Returned for correction officer1"
    assert re.search(trail, page)


def test_partner_home_lists_missing_results_rounds_and_returned_results(client, side_a, side_b, officer):
    # given a second CEC enterprise in the completed round, with a result that was returned
    other = EnterpriseFactory(name="Teho Metal", city="Taixing")
    bring_in(other, side_a.organisation)
    ParticipationFactory(training_round=side_a.training_round, enterprise=other)
    returned = draft(side_a, enterprise=other)
    result_services.result_submit(result=returned, by=side_a.partner)
    result_services.result_return(result=returned, by=officer, reason="The dates look swapped.")
    client.force_login(side_a.partner)
    page = client.get("/").content.decode()
    flat = text(client.get("/"))
    assert "Returned to you for correction" in flat and "Teho Metal" in flat and "The dates look swapped." in flat
    # Yucheng completed M1 in CEC's round without a result: it is missing, with a link to enter it
    assert "Results still missing" in flat and "Yucheng Futong Electric · M1" in flat
    assert f"/results/new/?enterprise={side_a.enterprise.pk}&amp;module={module('M1').pk}" in page
    assert "Guangzhou" not in flat  # BSCI's round and enterprise are not CEC's


def test_partner_home_is_kept_per_organisation_and_follows_a_new_result(client, side_a, side_b):
    # given both partners have opened their home (each kept for its organisation, core.datacache)
    client.force_login(side_b.partner)
    assert "Guangzhou Toy Factory · M1" in text(client.get("/"))
    client.force_login(side_a.partner)
    assert "Yucheng Futong Electric · M1" in text(client.get("/"))
    assert "Guangzhou" not in text(client.get("/"))  # the other organisation's kept home is not this one's
    # when CEC enters the missing result, the module is no longer missing on its next visit
    draft(side_a)
    flat = text(client.get("/"))
    assert "Yucheng Futong Electric · M1" not in flat  # its only missing module now has a result
    assert "Defects down from 4.13 % to 0.61 %" in flat  # its draft is listed at once
    client.force_login(side_b.partner)
    assert "Guangzhou Toy Factory · M1" in text(client.get("/"))


def test_kpi_catalogue_is_maintained_by_officers(client, officer, side_a):
    client.force_login(officer)
    response = client.post(
        "/results/kpis/new/", {"name": "Rework hours", "unit": "hours per month", "direction": "lower", "order": 20}
    )
    assert response.status_code == 302
    assert KPI.objects.get(name="Rework hours").direction == "lower"
    dup = client.post("/results/kpis/new/", {"name": "rework hours", "unit": "h", "direction": "lower", "order": 1})
    assert "already has a KPI with this name" in dup.content.decode()
    client.force_login(side_a.partner)
    assert "Rework hours" in client.get("/results/kpis/").content.decode()
    assert client.get("/results/kpis/new/").status_code == 404


def _many_results(side, n):
    for i in range(n):
        ent = EnterpriseFactory(name=f"Enterprise {i:03}", city="Taixing")
        bring_in(ent, side.organisation)
        draft(side, enterprise=ent, lines=2)


@pytest.mark.parametrize("path", ["/results/", "/", "/results/export/?format=xlsx"])
def test_list_pages_cost_the_same_queries_for_1_and_50_results(client, side_a, path):
    client.force_login(side_a.partner)
    _many_results(side_a, 1)
    with CaptureQueriesContext(connection) as one:
        assert client.get(path).status_code == 200
    _many_results_offset(side_a, 49)
    with CaptureQueriesContext(connection) as fifty:
        assert client.get(path).status_code == 200
    assert len(one) == len(fifty), (len(one), len(fifty))


def _many_results_offset(side, n):
    for i in range(100, 100 + n):
        ent = EnterpriseFactory(name=f"Enterprise {i:03}", city="Taixing")
        bring_in(ent, side.organisation)
        draft(side, enterprise=ent, lines=2)


_distinct = itertools.count()


def _pair(result, by):
    # each pair of its own photos: the same pair sent twice is stored once
    return pair_add(result, by, size=(200 + next(_distinct), 150))


def test_result_page_costs_the_same_queries_for_1_and_many_lines_photos_and_changes(client, side_a, officer):
    # given a result with one of everything: a KPI line, a photo pair, a return
    client.force_login(side_a.partner)
    result = draft(side_a, lines=1)
    _pair(result, side_a.partner)
    result_services.result_submit(result=result, by=side_a.partner)
    result_services.result_return(result=result, by=officer, reason="More detail")
    with CaptureQueriesContext(connection) as small:
        client.get(f"/results/{result.pk}/")
    # when it grows to six lines, four pairs, more steps and a long history
    for name in ("On-time delivery", "Employee suggestions received", "Accidents", "Absenteeism", "Waste"):
        result_services.kpi_line_save(
            result=result,
            by=side_a.partner,
            kpi=kpi(name),
            baseline_value=1,
            baseline_date=dt.date(2014, 8, 1),
            followup_value=2,
            followup_date=dt.date(2014, 11, 30),
        )
    for _ in range(3):
        _pair(result, side_a.partner)
    result_services.result_submit(result=result, by=side_a.partner)
    result_services.result_return(result=result, by=officer, reason="Still more detail")
    with CaptureQueriesContext(connection) as big:
        client.get(f"/results/{result.pk}/")
    # then the page costs the same
    assert len(small) == len(big), (len(small), len(big))


def test_partner_home_lists_the_latest_returned_results_and_counts_them_all(client, side_a, officer):
    # given 22 returned results of CEC (a page of 20 is shown, the badge counts all)
    for i in range(22):
        enterprise = EnterpriseFactory(name=f"Returned Works {i:02}", city="Taixing")
        bring_in(enterprise, side_a.organisation)
        ParticipationFactory(training_round=side_a.training_round, enterprise=enterprise)
        result = draft(side_a, enterprise=enterprise)
        result_services.result_submit(result=result, by=side_a.partner)
        result_services.result_return(result=result, by=officer, reason=f"Reason {i:02}")
    client.force_login(side_a.partner)
    page = client.get("/").content.decode()
    flat = text(client.get("/"))
    assert page.count("list-group-item-warning") == 20
    assert "Returned Works 21" in flat and "Reason 21" in flat  # the latest returned first
    assert "Returned Works 00" not in flat and "Returned Works 01" not in flat
    assert re.search(r"Returned to you for correction\s*22", flat)
    assert "and 2 more" in flat and "/results/?status=returned" in page
