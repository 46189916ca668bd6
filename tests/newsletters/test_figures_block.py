"""The "programme in figures" block: an editor adds it to an issue, chooses its figures, and the PDF and the web
edition print the figures of the issue's period (the whole programme, approved results only), with the same chart
as the figures page; a published version keeps what it printed."""

import base64
import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from enterprises.figures import FigureFilters, figure_chart, programme_figures
from enterprises.models import KPI, Result
from newsletters import pdf, services
from newsletters.models import Issue, IssueSection
from programmes.models import Module, TrainingRound
from tests.factories import (
    KPILineFactory,
    NewsItemFactory,
    OrganisationFactory,
    ParticipationFactory,
    ResultFactory,
    TrainingRoundFactory,
)

from .conftest import PERIOD, page_blank_fractions, pdf_page_texts, pdf_text, stored_pdf_text

pytestmark = pytest.mark.django_db

DATA_URL = re.compile(r'src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"')


def approved(day: dt.date):
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, 12))


@pytest.fixture
def programme(db):
    """Two partners' rounds in November–December 2014 (and one before, one cancelled), with attendance, costs and
    results: one approved in the period, one of the same KPI only submitted."""
    cec = OrganisationFactory(name="China Enterprise Confederation", short_name="CEC")
    bsci = OrganisationFactory(name="Business Social Compliance Initiative", short_name="BSCI")
    m1, m2 = Module.objects.get(code="M1"), Module.objects.get(code="M2")
    rounds = {
        "taixing": TrainingRoundFactory(
            organiser=cec,
            module=m2,
            start=dt.date(2014, 11, 10),
            end=dt.date(2014, 12, 20),
            status=TrainingRound.Status.CONSULTING,
            cost_total=Decimal(20000),
            paid_by_enterprises=Decimal(6000),
            paid_by_partners=Decimal(4000),
            paid_by_sponsors=Decimal(0),
            paid_by_ilo=Decimal(10000),
        ),
        "deyang": TrainingRoundFactory(
            organiser=bsci,
            module=m1,
            province="Sichuan",
            city="Deyang",
            start=dt.date(2014, 12, 19),
            end=dt.date(2014, 12, 23),
            status=TrainingRound.Status.CLASSROOM,
        ),
        "before": TrainingRoundFactory(organiser=cec, module=m1, start=dt.date(2014, 10, 31)),
        "cancelled": TrainingRoundFactory(
            organiser=cec, module=m1, start=dt.date(2014, 11, 20), status=TrainingRound.Status.CANCELLED
        ),
    }
    # Taixing: 2 enterprises of 2 managers and 2 workers; Deyang: 3 enterprises; outside the period: more
    for _i in range(2):
        ParticipationFactory(
            training_round=rounds["taixing"], managers_women=1, managers_men=1, workers_women=2, workers_men=0
        )
    for _i in range(3):
        ParticipationFactory(
            training_round=rounds["deyang"], managers_women=0, managers_men=2, workers_women=1, workers_men=1
        )
    ParticipationFactory(training_round=rounds["before"], managers_men=9, workers_men=9)
    ParticipationFactory(training_round=rounds["cancelled"], managers_women=7, workers_women=7)
    kpi = KPI.objects.get(name="On-time delivery")
    result = ResultFactory(
        enterprise=rounds["taixing"].participations.first().enterprise,
        module=m2,
        training_round=rounds["taixing"],
        organisation=cec,
        status=Result.Status.APPROVED,
        approved_at=approved(dt.date(2014, 12, 5)),
    )
    KPILineFactory(result=result, kpi=kpi, baseline_value=Decimal("88.6"), followup_value=Decimal("92.58"))
    # a partner's result that is not approved: it never counts, whatever its KPI says
    draft = ResultFactory(
        enterprise=rounds["deyang"].participations.first().enterprise,
        module=m1,
        training_round=rounds["deyang"],
        organisation=bsci,
        status=Result.Status.SUBMITTED,
    )
    KPILineFactory(result=draft, kpi=kpi, baseline_value=Decimal("90"), followup_value=Decimal("80"))
    return rounds


@pytest.fixture
def issue(make_issue, programme):
    return make_issue(photos=False)


def add_block(client, issue, *, figures, heading="SCORE in figures", heading_zh_hans="数据看SCORE") -> IssueSection:
    response = client.post(
        f"/newsletters/issues/{issue.pk}/sections/",
        {"kind": "figures", "heading": heading, "heading_zh_hans": heading_zh_hans},
    )
    assert response.status_code == 302
    section = issue.sections.filter(kind="figures").latest("pk")
    response = client.post(
        f"/newsletters/issues/{issue.pk}/sections/{section.pk}/", {"action": "figures", "figures": figures}
    )
    assert response.status_code == 302
    section.refresh_from_db()
    return section


def test_an_editor_adds_a_block_where_they_want_it_and_the_pdf_prints_the_periods_figures(client, editor, issue):
    client.force_login(editor)
    # when the editor adds a "programme in figures" block, chooses four figures and moves it above the events
    section = add_block(client, issue, figures=["participants", "by_module", "kpi_outcomes", "cost_by_module"])
    assert section.figures == ["participants", "by_module", "kpi_outcomes", "cost_by_module"]
    for _step in range(2):
        client.post(f"/newsletters/issues/{issue.pk}/sections/{section.pk}/", {"action": "up"})
    kinds = list(issue.sections.order_by("position").values_list("kind", flat=True))
    assert kinds.index("figures") == kinds.index("events") - 1
    page = client.get(f"/newsletters/issues/{issue.pk}/").content.decode()
    assert "Prints 4 figures of November–December 2014" in page
    # then the PDF prints the block, after the results and before the events, with each figure's title
    issue = services.issue_render(issue_id=issue.pk)
    assert issue.status == Issue.Status.READY, issue.error
    text = stored_pdf_text(issue)
    block = text.split("SCORE in figures", 1)[1].split("The Upcoming Key Activities", 1)[0]
    assert "Enterprise Improvement Results" in text.split("SCORE in figures", 1)[0]
    for title in (
        "Participants by role and sex",
        "Participants by module",
        "KPI outcomes: enterprises that improved",
        "Cost recovery by module",
    ):
        assert title in block
    # and its numbers are the period's, counted again here from the records: the rounds that started in
    # November–December 2014 and were not cancelled (Taixing and Deyang), 10 + 12 participants
    assert re.search(r"Managers 2 8 10 20\.0 %", block), block
    assert re.search(r"Workers 7 3 10 70\.0 %", block), block
    assert re.search(r"All participants 9 11 20 45\.0 %", block), block
    assert re.search(r"M1 Workplace Cooperation 1 3 12", block), block
    assert re.search(r"M2 Quality Management 1 2 8", block), block
    # one approved result improved on-time delivery; the partner's submitted result (worse) does not count
    assert re.search(r"On-time delivery % of orders Higher is better 1 1 100\.0 % 3\.98", block), block
    # cost recovery: 10,000 of 20,000 paid by others than the ILO
    assert re.search(r"50\.0 %", block.split("Cost recovery by module", 1)[1])
    assert "Jiangsu" not in block.split("Participants by module")[0]  # nothing of the figures page's filters


def test_the_block_draws_the_figures_pages_chart_as_a_resource_of_the_document(client, editor, officer, issue):
    client.force_login(editor)
    add_block(client, issue, figures=["by_module"])
    doc = services.issue_document(issue)
    # the chart is the one core.charts draws for the figures page, from the same figure
    with_period = programme_figures(
        officer, FigureFilters(start=issue.period_start, end=issue.period_end), only=("by_module",)
    )
    svg = figure_chart(with_period.get("by_module"), prefix="newsletter-")
    assert list(doc.charts.values()) == [svg]
    name = next(iter(doc.charts))
    assert f'src="score-chart:{name}"' in doc.html
    # the web edition (the preview) shows the same SVG
    preview = client.get(f"/newsletters/issues/{issue.pk}/preview/").content.decode()
    assert [base64.b64decode(m).decode() for m in DATA_URL.findall(preview)] == [svg]
    assert "score-chart:" not in preview


def test_a_records_text_that_names_a_chart_stays_text(client, editor, issue):
    client.force_login(editor)
    add_block(client, issue, figures=["participants"])
    name = next(iter(services.issue_document(issue).charts))
    news = NewsItemFactory(title=f"See score-chart:{name}", body=f'<img src="score-chart:{name}">', date=PERIOD)
    services.issue_item_add(issue=issue, section=issue.sections.get(kind="news"), record=news)
    doc = services.issue_document(issue)
    assert len(doc.charts) == 1
    assert doc.html.count(f'src="score-chart:{name}"') == 1  # the template's own; the text is escaped
    # the fetcher serves only what the template drew
    fetcher = pdf.StorageURLFetcher(charts=doc.charts)
    with pytest.raises(pdf.NewsletterRenderError):
        fetcher("score-chart:0000.svg")


def test_a_block_whose_figures_have_no_data_in_the_period_does_not_print(client, editor, issue):
    # given only unapproved results in the period for the KPI figure, and a block of that figure alone
    Result.objects.filter(status=Result.Status.APPROVED).update(status=Result.Status.SUBMITTED)
    client.force_login(editor)
    add_block(client, issue, figures=["kpi_outcomes"], heading="Results in figures")
    page = client.get(f"/newsletters/issues/{issue.pk}/").content.decode()
    assert "None of the chosen figures has data for this period: the section will not print." in page
    issue = services.issue_render(issue_id=issue.pk)
    text = stored_pdf_text(issue)
    assert "Results in figures" not in text and "KPI outcomes" not in text
    publish = client.get(f"/newsletters/issues/{issue.pk}/publish/").content.decode()
    assert "The section “Results in figures” is empty: it will not print." in publish


def test_the_chinese_edition_prints_the_block_with_chinese_labels(client, editor, issue):
    client.force_login(editor)
    add_block(client, issue, figures=["participants", "by_module"])
    chinese = services.issue_edition_create(issue=issue, language="zh-hans")
    assert chinese.sections.get(kind="figures").figures == ["participants", "by_module"]
    doc = services.issue_document(chinese)
    svgs = list(doc.charts.values())
    assert len(svgs) == 2
    assert '<title id="newsletter-chart-by_module-title">按模块统计的参训人数</title>' in svgs[1]
    assert "Participants" not in "".join(svgs)
    chinese = services.issue_render(issue_id=chinese.pk)
    assert chinese.status == Issue.Status.READY, chinese.error
    text = stored_pdf_text(chinese)
    assert "数据看SCORE" in text and "SCORE in figures" not in text
    assert "按模块统计的参训人数" in text
    assert "管理人员" in text and "Managers" not in text


def test_a_published_version_keeps_the_figures_and_the_chart_it_printed(client, editor, issue, programme):
    client.force_login(editor)
    add_block(client, issue, figures=["participants"])
    issue = services.issue_render(issue_id=issue.pk)
    version = services.issue_publish(issue=issue)
    printed = dict(version.charts)
    assert len(printed) == 1
    block = next(s for s in version.snapshot["sections"] if s["kind"] == "figures")
    assert block["heading"] == "SCORE in figures"
    assert block["figures"][0]["title"] == "Participants by role and sex"
    assert block["figures"][0]["totals"] == ["All participants", "9", "11", "20", "45.0 %"]
    # when more people are recorded in the period afterwards
    ParticipationFactory(training_round=programme["deyang"], managers_women=5)
    # then the archive's web edition still shows the chart and numbers that were published
    page = client.get(f"/newsletter/cn/{issue.number}/").content.decode()
    assert [base64.b64decode(m).decode() for m in DATA_URL.findall(page)] == list(printed.values())
    assert "45.0 %" in page
    # while a new draft of the figures would count them
    issue.refresh_from_db()
    services.issue_reopen(issue=issue)
    assert list(services.issue_document(issue).charts.values()) != list(printed.values())


def test_the_service_refuses_unknown_figures_and_records_in_a_figures_block(issue, programme):
    section = services.issue_section_add(issue=issue, kind="figures")
    assert section.local_heading == "Programme in figures"
    assert section.figures  # a sensible default, so the block prints something
    with pytest.raises(ValidationError, match="There is no figure “salaries”"):
        services.issue_section_set_figures(section=section, figures=["participants", "salaries"])
    section.refresh_from_db()
    assert "salaries" not in section.figures
    with pytest.raises(ValidationError, match="prints figures, not records"):
        services.issue_item_add(issue=issue, section=section, record=NewsItemFactory(date=PERIOD))
    item = issue.items.filter(news_item__isnull=False).first()
    with pytest.raises(ValidationError, match="prints figures, not records"):
        services.issue_item_move_to(item=item, section=section)
    # two blocks are allowed, like feature sections
    services.issue_section_add(issue=issue, kind="figures", heading="Trainers in figures")
    assert issue.sections.filter(kind="figures").count() == 2
    news = services.issue_section_add(issue=issue, kind="feature", heading="News")
    with pytest.raises(ValidationError, match="Only a “Programme in figures” section prints figures"):
        services.issue_section_set_figures(section=news, figures=["participants"])


def test_the_block_looks_like_a_printed_newsletter_block(client, editor, issue):
    client.force_login(editor)
    add_block(client, issue, figures=["participants", "by_module", "kpi_outcomes", "cost_by_module"])
    issue = services.issue_render(issue_id=issue.pk)
    with issue.pdf.open("rb") as fh:
        data = fh.read()
    # no page but the last more than a third blank, and the figures do not spill over more than the pages they need
    blanks = page_blank_fractions(data)
    assert all(blank <= 1 / 3 for blank in blanks[:-1]), blanks
    assert len(pdf_page_texts(data)) <= 3
    assert "SCORE in figures" in pdf_text(data)
