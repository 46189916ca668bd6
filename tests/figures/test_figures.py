"""The figures pages count what the records say, for an officer (all) and for a partner (only its own)."""

from __future__ import annotations

import io
import re
from collections import defaultdict
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from enterprises.models import KPILine, Participation, Result
from programmes.models import TrainingRound
from tests.factories import OrganisationFactory, TrainingRoundFactory
from trainers.models import RoundTrainer

from .conftest import build_programme

pytestmark = pytest.mark.django_db

ROLES = ("managers_women", "managers_men", "workers_women", "workers_men")


def counted_rounds(year: int, organiser=None) -> list[TrainingRound]:
    rounds = TrainingRound.objects.exclude(status=TrainingRound.Status.CANCELLED).filter(start__year=year)
    if organiser is not None:
        rounds = rounds.filter(organiser=organiser)
    return list(rounds.select_related("module"))


def expected_by_module(rounds) -> dict[str, list]:
    """Module code -> [rounds, enterprises, participants, managers W, managers M, workers W, workers M]."""
    out: dict[str, list] = defaultdict(lambda: [0, set(), 0, 0, 0, 0, 0])
    for r in rounds:
        out[r.module.code][0] += 1
    for p in Participation.objects.filter(training_round__in=rounds).select_related("training_round__module"):
        row = out[p.training_round.module.code]
        row[1].add(p.enterprise_id)
        row[2] += sum(getattr(p, name) for name in ROLES)
        for k, name in enumerate(ROLES):
            row[3 + k] += getattr(p, name)
    return {code: [row[0], len(row[1]), *row[2:]] for code, row in out.items()}


def sheet_rows(client, query: str, figure: str) -> list[list]:
    response = client.get(f"/figures/export.xlsx?{query}&figure={figure}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def table(rows: list[list], first_header: str) -> dict[str, list]:
    """The data rows under the header row that starts with ``first_header``, keyed by their first cell."""
    start = next(i for i, row in enumerate(rows) if row and row[0] == first_header)
    return {row[0]: row[1:] for row in rows[start + 1 :] if row and row[0]}


def check_totals(figures, rounds):
    participations = list(Participation.objects.filter(training_round__in=rounds))
    women = sum(p.managers_women + p.workers_women for p in participations)
    everyone = sum(p.participants for p in participations)
    assert figures.headline["rounds"] == len(rounds)
    assert figures.headline["enterprises"] == len({p.enterprise_id for p in participations})
    assert figures.headline["participants"] == everyone
    assert figures.headline["women_percent"] == round(100 * women / everyone, 1)
    costs = [r for r in rounds if r.cost_total]
    others = sum(r.paid_by_enterprises + r.paid_by_partners + r.paid_by_sponsors for r in costs)
    assert figures.headline["cost_recovery_percent"] == round(float(100 * others / sum(r.cost_total for r in costs)), 1)


def test_officer_figures_equal_the_sums_of_every_partners_records(client, officer, two_partners):
    cec, bsci = two_partners
    client.force_login(officer)
    # when the officer opens the figures of 2014
    response = client.get("/figures/?year=2014")
    # then the headline counts both partners' 2014 rounds (not 2013's, not the cancelled one)
    rounds = counted_rounds(2014)
    assert len(rounds) == 11
    check_totals(response.context["figures"], rounds)
    # and the table by module, as exported, is what the records add up to
    got = table(sheet_rows(client, "year=2014", "by_module"), "Module")
    expected = expected_by_module(rounds)
    assert {label.split()[0]: values[:7] for label, values in got.items()} == expected
    assert "BSCI" in response.content.decode() and "CEC" in response.content.decode()


def test_partner_figures_count_only_its_own_records(client, make_partner, two_partners):
    cec, bsci = two_partners
    client.force_login(make_partner(cec))
    response = client.get("/figures/?year=2014")
    html = response.content.decode()
    rounds = counted_rounds(2014, organiser=cec)
    check_totals(response.context["figures"], rounds)
    got = table(sheet_rows(client, "year=2014", "by_module"), "Module")
    assert {label.split()[0]: values[:7] for label, values in got.items()} == expected_by_module(rounds)
    # the other partner appears nowhere: not in the page, the filters or any exported figure
    assert "BSCI" not in html and "Business Social Compliance" not in html
    workbook = load_workbook(io.BytesIO(client.get("/figures/export.xlsx?year=all").content))
    cells = {str(c) for sheet in workbook for row in sheet.iter_rows(values_only=True) for c in row if c}
    assert not {c for c in cells if "BSCI" in c or "Business Social" in c}
    assert {"CEC"} <= cells


def test_partner_cannot_ask_for_another_partners_figures(client, make_partner, two_partners):
    cec, bsci = two_partners
    client.force_login(make_partner(cec))
    response = client.get(f"/figures/?year=2014&organisation={bsci.pk}")
    # the filter is refused next to it, and the figures stay the partner's own
    assert "Select a valid choice" in response.content.decode()
    check_totals(response.context["figures"], counted_rounds(2014, organiser=cec))


def test_trainers_results_and_kpis_equal_the_records(client, officer, two_partners):
    client.force_login(officer)
    rounds = counted_rounds(2014)
    # trainers who delivered the rounds, by sex
    trainers = {rt.trainer for rt in RoundTrainer.objects.filter(training_round__in=rounds).select_related("trainer")}
    rows = sheet_rows(client, "year=2014", "trainers")
    total = next(row for row in rows if row[0] and row[0].startswith("All modules"))
    assert total[1:5] == [
        sum(t.sex == "f" for t in trainers),
        sum(t.sex == "m" for t in trainers),
        0,
        len(trainers),
    ]
    # KPI outcomes: approved results of 2014, improved when the follow-up is higher (the KPI's direction)
    lines = list(KPILine.objects.filter(result__status=Result.Status.APPROVED, result__approved_at__year=2014))
    got = table(sheet_rows(client, "year=2014", "kpi_outcomes"), "KPI")["On-time delivery"]
    changes = sorted(line.followup_value - line.baseline_value for line in lines)
    n = len(changes)
    median = (changes[n // 2] + changes[(n - 1) // 2]) / 2
    improved = sum(line.followup_value > line.baseline_value for line in lines)
    assert got[2:6] == [n, improved, pytest.approx(round(100 * improved / n, 1)), pytest.approx(float(median))]
    # results reported for the completed modules, and what is still missing
    got = table(sheet_rows(client, "year=2014", "results_missing"), "Module")
    completed = Participation.objects.filter(training_round__in=rounds)
    with_result = {(r.enterprise_id, r.module_id) for r in Result.objects.exclude(status=Result.Status.DRAFT)}
    assert sum(v[0] for v in got.values()) == completed.count()
    missing = sum((p.enterprise_id, p.training_round.module_id) not in with_result for p in completed)
    assert sum(v[3] for v in got.values()) == missing > 0


def test_cost_recovery_by_partner_is_the_share_paid_by_others(client, officer, two_partners):
    cec, bsci = two_partners
    client.force_login(officer)
    got = table(sheet_rows(client, "year=2014", "cost_by_organisation"), "Organiser")
    for org in (cec, bsci):
        rounds = counted_rounds(2014, organiser=org)
        total = sum(r.cost_total for r in rounds)
        others = sum(r.paid_by_enterprises + r.paid_by_partners + r.paid_by_sponsors for r in rounds)
        ilo = sum(r.paid_by_ilo for r in rounds)
        row = got[str(org)]
        assert row[0] == len(rounds)
        assert Decimal(str(row[1])) == total and Decimal(str(row[5])) == ilo
        assert row[6] == pytest.approx(round(float(100 * others / total), 1))


def test_filters_by_module_province_organisation_and_quarter(client, officer, two_partners):
    cec, bsci = two_partners
    client.force_login(officer)
    m1 = [r for r in counted_rounds(2014) if r.module.code == "M1"]
    response = client.get(f"/figures/?year=2014&module={m1[0].module_id}")
    assert response.context["figures"].headline["rounds"] == len(m1)
    sichuan = [r for r in counted_rounds(2014) if r.province == "Sichuan"]
    response = client.get("/figures/?year=2014&province=Sichuan")
    assert response.context["figures"].headline["rounds"] == len(sichuan)
    response = client.get(f"/figures/?year=2014&organisation={bsci.pk}")
    assert response.context["figures"].headline["rounds"] == len(counted_rounds(2014, organiser=bsci))
    q1 = [r for r in counted_rounds(2014) if r.start.month <= 3]
    response = client.get("/figures/?year=2014&quarter=1")
    assert response.context["figures"].headline["rounds"] == len(q1)
    everything = TrainingRound.objects.exclude(status=TrainingRound.Status.CANCELLED).count()
    assert client.get("/figures/?year=all").context["figures"].headline["rounds"] == everything


def test_the_page_opens_on_the_latest_year_with_rounds_under_way(client, officer, two_partners):
    cec, _bsci = two_partners
    TrainingRoundFactory(organiser=cec, start="2015-03-02", end="2015-03-06")  # planned only
    client.force_login(officer)
    response = client.get("/figures/")
    assert response.context["form"]["year"].value() == "2014"
    assert re.search(r'<option value="2015">2015</option>', response.content.decode())
    assert response.context["figures"].headline["rounds"] == len(counted_rounds(2014))


def test_charts_are_in_the_page_as_svg_with_title_and_text_alternative(client, officer, two_partners):
    client.force_login(officer)
    html = client.get("/figures/?year=2014").content.decode()
    content = html.split('id="main"', 1)[1]  # the charts; the bar's icons are decoration (aria-hidden)
    svgs = re.findall(r"<svg\b.*?</svg>", content, flags=re.S)
    assert len(svgs) >= 8
    for svg in svgs:
        assert 'role="img"' in svg
        chart_id = re.search(r'aria-labelledby="([\w-]+)-title ', svg).group(1)
        assert f'<title id="{chart_id}-title">' in svg and f'<desc id="{chart_id}-desc">' in svg
        assert "<style" not in svg and " style=" not in svg and "<script" not in svg
    by_module = next(s for s in svgs if 'id="chart-by_module-title"' in s)
    assert '<title id="chart-by_module-title">Participants by module</title>' in by_module
    assert "M1 Workplace Cooperation:" in by_module  # the text alternative gives the numbers


def test_figures_page_is_in_chinese_with_chinese_chart_labels(client, officer, two_partners):
    client.force_login(officer)
    response = client.get("/figures/?year=2014", HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = response.content.decode()
    assert "项目数据" in html
    assert re.search(r"<title id=\"chart-by_module-title\">[^<]*模块", html)


def test_a_spreadsheet_never_reads_an_organisation_name_as_a_formula(client, officer, db):
    evil = OrganisationFactory(name='=HYPERLINK("http://evil.example","x")', short_name='=HYPERLINK("x")')
    build_programme(1, evil)
    client.force_login(officer)
    rows = sheet_rows(client, "year=2014", "by_organisation")
    assert [row[0] for row in rows if row and str(row[0]).startswith("'=")] == ['\'=HYPERLINK("x")']


def test_people_without_a_role_cannot_open_the_figures(client, nobody, editor, two_partners):
    assert client.get("/figures/").status_code == 302  # anonymous: to the login page
    client.force_login(nobody)
    assert client.get("/figures/").status_code == 403
    assert client.get("/figures/export.xlsx").status_code == 403
    client.force_login(editor)
    assert client.get("/figures/").status_code == 403


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", ["/figures/?year=2014", "/figures/?year=all", "/figures/export.xlsx?year=2014", "/"])
def test_officer_figures_run_the_same_queries_for_1_and_50_rounds(client, officer, url):
    client.force_login(officer)
    org = OrganisationFactory()
    build_programme(1, org)
    one = queries(client, url)
    build_programme(49, org, offset=1)
    assert queries(client, url) == one


@pytest.mark.parametrize("url", ["/figures/?year=2014", "/figures/export.xlsx?year=2014", "/"])
def test_partner_figures_run_the_same_queries_for_1_and_50_rounds(client, make_partner, url):
    org = OrganisationFactory()
    client.force_login(make_partner(org))
    build_programme(1, org)
    one = queries(client, url)
    build_programme(49, org, offset=1)
    assert queries(client, url) == one


def test_trainer_figures_count_only_the_rounds_they_deliver(client, make_trainer_user, two_partners):
    # given a CEC trainer who delivers two of CEC's 2014 rounds (each round of the programme has its own trainer)
    cec, bsci = two_partners
    mine = counted_rounds(2014, organiser=cec)[:2]
    trainer = RoundTrainer.objects.get(training_round=mine[0]).trainer
    RoundTrainer.objects.create(training_round=mine[1], trainer=trainer)
    client.force_login(make_trainer_user(trainer))
    # when they open the figures of 2014
    response = client.get("/figures/?year=2014")
    # then the page counts those two rounds only: their enterprises, participants, trainers and results
    assert response.status_code == 200
    figures = response.context["figures"]
    check_totals(figures, mine)
    got = table(sheet_rows(client, "year=2014", "by_module"), "Module")
    assert {label.split()[0]: values[:7] for label, values in got.items()} == expected_by_module(mine)
    trainers = {rt.trainer_id for rt in RoundTrainer.objects.filter(training_round__in=mine)}
    assert figures.get("trainers").totals[4] == len(trainers)
    kpis = figures.get("kpi_outcomes")
    approved = Result.objects.filter(training_round__in=mine, status=Result.Status.APPROVED).count()
    assert sum(row[3] for row in kpis.rows) == approved
    # and no other partner or round appears in the page or in any exported figure
    html = response.content.decode()
    assert "BSCI" not in html and "Business Social Compliance" not in html
    workbook = load_workbook(io.BytesIO(client.get("/figures/export.xlsx?year=all").content))
    cells = {str(c) for sheet in workbook for row in sheet.iter_rows(values_only=True) for c in row if c}
    assert not {c for c in cells if "BSCI" in c or "Business Social" in c}
    # all years: still those two rounds (CEC's 2013 rounds are not the trainer's)
    check_totals(client.get("/figures/?year=all").context["figures"], mine)


def test_the_figures_workbook_keeps_its_titles_and_headings_bold_and_its_number_formats(client, officer, two_partners):
    client.force_login(officer)
    workbook = load_workbook(io.BytesIO(client.get("/figures/export.xlsx?year=all").content))
    formats = set()
    for sheet in workbook:
        rows = list(sheet.iter_rows())
        # the figure's title in bold 13 pt, the selection under it, then after a blank row the bold headings
        assert rows[0][0].font.b and rows[0][0].font.sz == 13 and rows[1][0].value == "All years"
        blank = next(i for i, row in enumerate(rows) if all(c.value is None for c in row))
        headings = [c for c in rows[blank + 1] if c.value is not None]
        assert headings and all(c.font.b for c in headings)
        assert not rows[blank + 2][0].font.b  # the first row of figures is not
        for column, heading in enumerate(headings):
            numbers = [c[column] for c in rows[blank + 2 :] if isinstance(c[column].value, (int, float))]
            shown = {c.number_format for c in numbers}
            if heading.value.endswith("(%)"):
                assert shown <= {"0.0"}
                formats |= shown
            elif heading.value.endswith(")") and "(" in heading.value and shown:
                formats |= shown
    assert formats >= {"0.0", "#,##0.00"}  # percentages and money as they were


def test_a_trainer_without_a_trainer_record_sees_no_figures(client, django_user_model, two_partners):
    from django.contrib.auth.models import Group

    from core import roles

    # in the Trainers group but linked to no trainer: deny by default
    user = django_user_model.objects.create_user("lonely-trainer", password="x")
    user.groups.add(Group.objects.get_or_create(name=roles.TRAINERS)[0])
    client.force_login(user)
    assert client.get("/figures/").status_code == 403
    assert client.get("/figures/export.xlsx").status_code == 403


def test_an_organisation_named_with_dollar_signs_does_not_break_the_figures(client, officer, make_partner):
    odd = OrganisationFactory(name="CEC $#$ and $10 to $20", short_name="CEC $#$")
    build_programme(1, odd)
    for user in (officer, make_partner(odd)):
        client.force_login(user)
        response = client.get("/figures/?year=2014")
        assert response.status_code == 200
        assert "CEC $#$" in response.content.decode()  # in the charts' text alternatives and the tables
