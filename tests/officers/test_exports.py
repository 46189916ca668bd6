"""The list and results exports read as plain values (core.tables.ValuesExport, results.exports) give the very
cells the generic path gives (django-tables2's ``value_*``/``render_*`` on model instances, imports.export_rows),
for an officer and for a partner, who still gets only their own rows; user text that looks like a formula is
neutralised in every one of them, CSV and Excel."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db.models import Prefetch
from openpyxl import load_workbook

from enterprises.models import KPILine, Result
from enterprises.results import exports, imports
from enterprises.tables import EnterpriseTable
from programmes.models import TrainingRound
from programmes.tables import RoundTable
from tests.factories import (
    EnterpriseFactory,
    KPIFactory,
    KPILineFactory,
    OrganisationFactory,
    ParticipationFactory,
    QualificationFactory,
    ResultFactory,
    RoundTrainerFactory,
    TrainerFactory,
    TrainingRoundFactory,
    bring_in,
    module,
)
from trainers.tables import TrainerTable

pytestmark = pytest.mark.django_db

EVIL = '=HYPERLINK("http://evil.example","x")'
TABLES = {"/rounds/": RoundTable, "/enterprises/": EnterpriseTable, "/trainers/": TrainerTable}


def body(response) -> bytes:
    assert response.status_code == 200
    assert response.streaming  # written as it is read, not built in memory first
    return b"".join(response.streaming_content)


def csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def xlsx_rows(content: bytes) -> list[list]:
    sheet = load_workbook(io.BytesIO(content)).active
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f", cell.coordinate
    return [[c.value for c in row] for row in sheet.iter_rows()]


@pytest.fixture
def world():
    """Two organisations' rounds, enterprises, trainers and results, with what the exports must get right:
    a formula-like enterprise and trainer name, an empty province, an unknown workforce, two modules taken and
    a third in a cancelled round, two organisations bringing one enterprise in, a lapsed qualification, a
    result without KPI lines."""
    cec = OrganisationFactory(name="China Enterprise Confederation", short_name="CEC")
    bsci = OrganisationFactory(name="Business Social Compliance Initiative", short_name="")
    taixing = TrainingRoundFactory(organiser=cec, city="Taixing", province="Jiangsu", start=dt.date(2014, 8, 1))
    m3 = TrainingRoundFactory(organiser=cec, city="Suzhou", province="", module=module("M3"), kind="both")
    cancelled = TrainingRoundFactory(
        organiser=cec, city="Taixing", module=module("M2"), status=TrainingRound.Status.CANCELLED
    )
    guangzhou = TrainingRoundFactory(organiser=bsci, city="Guangzhou", province="Guangdong", kind="tot")
    evil = EnterpriseFactory(name=EVIL, sector="garment", province="", workers_women=None, workers_men=None)
    bring_in(evil, cec, bsci)
    for r in (taixing, m3, cancelled):
        ParticipationFactory(training_round=r, enterprise=evil)
    yucheng = EnterpriseFactory(name="Yucheng Futong Electric", workers_women=100, workers_men=23)
    bring_in(yucheng, cec)
    ParticipationFactory(training_round=taixing, enterprise=yucheng)
    toys = EnterpriseFactory(name="Guangzhou Toy Factory", city="Guangzhou", province="Guangdong")
    bring_in(toys, bsci)
    ParticipationFactory(training_round=guangzhou, enterprise=toys)
    jia = TrainerFactory(name="Jia Hongwei", organisation=cec, sex="m")
    QualificationFactory(trainer=jia, module=module("M1"), qualified_on=dt.date(2012, 1, 1))
    QualificationFactory(
        trainer=jia, module=module("M2"), qualified_on=dt.date(2012, 1, 1), expires_on=dt.date(2013, 1, 1)
    )
    RoundTrainerFactory(training_round=taixing, trainer=jia)
    TrainerFactory(name="+" + EVIL, organisation=None, sex="", active=False)
    TrainerFactory(name="Li Na", organisation=bsci)
    kpi_a, kpi_b = KPIFactory(name="On-time delivery rate", order=2), KPIFactory(name="Accidents per year", order=1)
    result = ResultFactory(enterprise=evil, module=module("M1"), status=Result.Status.APPROVED)
    KPILineFactory(result=result, kpi=kpi_a, note="-cmd|' /C calc'!A0", baseline_value=Decimal("-4.5000"))
    KPILineFactory(result=result, kpi=kpi_b, followup_value=Decimal("1500.0000"), note="")
    ResultFactory(enterprise=yucheng, module=module("M3"))  # no lines yet
    bsci_result = ResultFactory(enterprise=toys, module=module("M1"))
    KPILineFactory(result=bsci_result, kpi=kpi_a)
    return cec, bsci


def generic(client, url: str, table, monkeypatch) -> bytes:
    """The export as the generic path makes it (a model instance per record, django-tables2's cells)."""
    with monkeypatch.context() as patch:
        patch.setattr(table, "export_values", ())
        return body(client.get(url))


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("path", list(TABLES))
def test_a_list_export_read_as_values_holds_the_generic_exports_cells(client, officer, world, monkeypatch, path, fmt):
    client.force_login(officer)
    url = f"{path}?_export={fmt}"
    fast, slow = body(client.get(url)), generic(client, url, TABLES[path], monkeypatch)
    if fmt == "csv":
        assert fast == slow
        assert len(csv_rows(fast)) > 3
    else:
        assert xlsx_rows(fast) == xlsx_rows(slow)


@pytest.mark.parametrize("path", ["/rounds/", "/enterprises/"])
def test_a_partners_list_export_holds_their_own_rows_only_and_the_generic_cells(
    client, make_partner, world, monkeypatch, path
):
    cec, _bsci = world
    client.force_login(make_partner(cec))
    url = f"{path}?_export=csv"
    fast = body(client.get(url))
    assert fast == generic(client, url, TABLES[path], monkeypatch)
    text = fast.decode()
    assert "Guangzhou" not in text and "Taixing" in text


def test_the_enterprises_export_header_row_and_formula_like_name(client, officer, world):
    client.force_login(officer)
    rows = csv_rows(body(client.get("/enterprises/?_export=csv")))
    assert rows[0] == ["Name", "Sector", "Province", "City", "Workforce", "Modules taken", "Brought in by"]
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["'" + EVIL] == [
        "'" + EVIL,
        "Garment and textiles",
        "",
        "Taixing",
        "",
        "M1 M3",
        "Business Social Compliance Initiative, CEC",
    ]
    assert by_name["Yucheng Futong Electric"][4:] == ["123", "M1", "CEC"]
    sheet = xlsx_rows(body(client.get("/enterprises/?_export=xlsx")))
    assert sheet[0][0] == "Name"
    named = {row[0]: row for row in sheet[1:]}
    assert "'" + EVIL in named and named["Yucheng Futong Electric"][4] == 123


def test_the_rounds_and_trainers_exports_header_and_rows(client, officer, world):
    client.force_login(officer)
    rows = csv_rows(body(client.get("/rounds/?_export=csv")))
    assert rows[0] == ["Place", "Module", "Kind", "Organiser", "Start", "End", "Status", "Enterprises", "Participants"]
    suzhou = next(row for row in rows if row[0] == "Suzhou")
    assert suzhou[1:4] == ["M3", "ToT/ToE", "CEC"] and suzhou[7:] == ["1", "4"]
    assert ["Guangzhou, Guangdong", "M1", "ToT", "Business Social Compliance Initiative"] in [r[:4] for r in rows]
    trainers = csv_rows(body(client.get("/trainers/?_export=csv")))
    assert trainers[0] == ["Name", "Sex", "Role", "Organisation", "Qualified for (today)", "Rounds", "Active"]
    by_name = {row[0]: row for row in trainers[1:]}
    assert by_name["Jia Hongwei"] == ["Jia Hongwei", "Male", "Trainer", "CEC", "M1", "1", "yes"]
    assert by_name["'+" + EVIL] == ["'+" + EVIL, "", "Trainer", "", "", "0", "no"]


def _old_results_rows(queryset):
    lines = Prefetch("kpi_lines", queryset=KPILine.objects.select_related("kpi"))
    return [imports.COLUMNS + imports.EXPORT_ONLY, *imports.export_rows(queryset.prefetch_related(lines))]


def test_the_results_export_holds_the_import_modules_rows(client, officer, make_partner, world):
    queryset = Result.objects.select_related("enterprise", "module").order_by("-updated_at", "-pk")
    assert list(exports.export_rows(queryset)) == _old_results_rows(queryset)
    client.force_login(officer)
    content = body(client.get("/results/export/?format=csv"))
    assert content.startswith(b"\xef\xbb\xbf")  # a byte-order mark, as before, for Excel
    assert content == imports.export_csv(queryset.prefetch_related("kpi_lines__kpi"))
    rows = csv_rows(content)
    assert rows[0] == [*imports.COLUMNS, "Status"]
    evil = [row for row in rows if row[0].startswith("'=")]
    assert [row[2:8] for row in evil] == [
        ["Accidents per year", "88.6", "2014-08-01", "1500", "2014-11-30", ""],
        ["On-time delivery rate", "-4.5", "2014-08-01", "92.58", "2014-11-30", "'-cmd|' /C calc'!A0"],
    ]
    assert [row[2:] for row in rows if row[0].startswith("Yucheng")] == [["", "", "", "", "", "", "Draft"]]
    sheet = xlsx_rows(body(client.get("/results/export/?format=xlsx")))
    assert sheet[0] == [*imports.COLUMNS, "Status"]
    assert [row[:4] for row in sheet[1:] if str(row[0]).startswith("'=")][1] == [
        f"'{EVIL}, Taixing",
        "M1 " + (module("M1").short_name or module("M1").name),
        "On-time delivery rate",
        -4.5,
    ]
    assert isinstance(sheet[1][4] or sheet[2][4], dt.datetime)  # dates stay dates

    cec, _bsci = world
    client.force_login(make_partner(cec))
    partner = csv_rows(body(client.get("/results/export/?format=csv")))
    assert {row[0].split(",")[0] for row in partner[1:]} == {"'" + EVIL.split(",")[0], "Yucheng Futong Electric"}


@pytest.mark.parametrize(
    "url",
    [
        "/rounds/?sort=-n_enterprises&_export=csv",
        "/rounds/?sort=organiser&status=planned&_export=csv",
        "/enterprises/?sort=-workforce_total&_export=csv",
        "/enterprises/?sort=city&q=yucheng&_export=csv",
        "/trainers/?sort=-n_rounds&_export=csv",
    ],
)
def test_a_sorted_or_filtered_list_export_holds_the_generic_cells_in_the_lists_order(
    client, officer, world, monkeypatch, url
):
    client.force_login(officer)
    fast = body(client.get(url))
    assert fast == generic(client, url, TABLES[url.split("?")[0]], monkeypatch)
    assert len(csv_rows(fast)) >= 2


def test_one_results_export_holds_its_lines(client, officer, world):
    client.force_login(officer)
    result = Result.objects.get(enterprise__name=EVIL)
    rows = csv_rows(body(client.get(f"/results/{result.pk}/export/?format=csv")))
    assert [row[2] for row in rows[1:]] == ["Accidents per year", "On-time delivery rate"]
    sheet = xlsx_rows(body(client.get(f"/results/{result.pk}/export/?format=xlsx")))
    assert [row[2] for row in sheet[1:]] == ["Accidents per year", "On-time delivery rate"]
