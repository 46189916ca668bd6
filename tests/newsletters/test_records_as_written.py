"""Records as the programme writes them: dated to a month, a result as story or KPI table, captions, KPI periods."""

import datetime as dt
import re

import pytest

from newsletters import services
from newsletters.models import Issue, IssueItem
from tests.factories import EventFactory, NewsItemFactory
from tests.tokens import page_token

from .conftest import in_order, stored_pdf_text

pytestmark = pytest.mark.django_db


def test_a_month_dated_news_item_prints_its_month_and_a_day_dated_one_its_day(make_issue):
    issue = make_issue()
    handbook = issue.items.get(news_item__title="Developing HR handbook").news_item
    handbook.date_precision = "month"
    handbook.save()
    issue = services.issue_render(issue_id=issue.pk)
    text = stored_pdf_text(issue)
    in_order(
        text, "Yunnan: Developing HR handbook", "In November", "Taixing, Jiangsu: ToE on Module 2", "11 December 2014"
    )
    assert "14 November 2014" not in text and "November 2014" not in text


def test_a_result_prints_as_its_kpi_table_only_or_its_story_only(make_issue):
    issue = make_issue()
    item = issue.items.get(section__kind="results")
    result = item.result
    result.narrative = "Copper powder is now collected at every press."
    result.save()
    line = result.kpi_lines.get()
    line.period = "month"
    line.save()
    pair = result.photo_pairs.get()
    pair.caption = "The oil barrels, before and after"
    pair.save()

    # story and KPI table (the default): both, the KPI's period next to its unit, the pair's own caption
    text = stored_pdf_text(services.issue_render(issue_id=issue.pk))
    in_order(text, "Teho Metal", "Copper powder is now collected", "Material recovery rate", "per month", "98.5")
    assert "The oil barrels, before and after" in text

    # the KPI table only: no narrative, no photos
    IssueItem.objects.filter(pk=item.pk).update(result_display="kpis")
    Issue.objects.filter(pk=issue.pk).update(status="draft")
    text = stored_pdf_text(services.issue_render(issue_id=issue.pk))
    assert "Material recovery rate" in text and "98.5" in text
    assert "Copper powder is now collected" not in text and "Moving oil barrels" not in text

    # the story only: narrative and photos, no KPI table
    IssueItem.objects.filter(pk=item.pk).update(result_display="story")
    text = stored_pdf_text(services.issue_render(issue_id=issue.pk))
    assert "Copper powder is now collected" in text and "Moving oil barrels" in text
    assert "Material recovery rate" not in text


def test_photo_pairs_print_at_the_width_the_editor_chose(make_issue):
    issue = make_issue()
    item = issue.items.get(section__kind="results")
    assert item.photo_width == "half"
    assert 'class="pairs pairs-half"' in services.issue_html(issue)
    IssueItem.objects.filter(pk=item.pk).update(photo_width="full")
    assert 'class="pairs pairs-full"' in services.issue_html(issue)


def test_an_event_dated_to_a_month_prints_the_month(make_issue):
    issue = make_issue()
    event = issue.items.get(section__kind="events").event
    event.date_precision = "month"
    event.save()
    html = services.issue_html(issue)
    assert "March 2015" in html and "2 March 2015" not in html


def test_an_older_issue_keeps_the_publication_date_the_editor_gave_it(client, editor, make_issue):
    issue = make_issue()
    client.force_login(editor)
    response = client.post(
        f"/newsletters/issues/{issue.pk}/edit/",
        {
            "title": issue.title,
            "introduction": issue.introduction,
            "language": "en",
            "publication_date": "2014-12-20",
            **page_token(client, f"/newsletters/issues/{issue.pk}/"),
        },
    )
    assert response.status_code == 302
    issue.refresh_from_db()
    assert issue.publication_date == dt.date(2014, 12, 20)
    assert "publication date 20 December 2014" in client.get(issue.get_absolute_url()).content.decode()
    issue = services.issue_render(issue_id=issue.pk)
    services.issue_publish(issue=issue)
    archive = client.get("/newsletter/cn/").content.decode()
    assert "Published on 20 December 2014" in archive


def _html_text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_date_ranges_print_as_people_write_them_in_english_and_chinese(make_issue):
    # given events of one day, of two days in a month, across a month's end and across a year's end
    issue = make_issue()
    events = issue.sections.get(kind="events")
    for title, starts, ends in (
        ("Two-day workshop", dt.date(2015, 3, 4), dt.date(2015, 3, 5)),
        ("Across the month", dt.date(2015, 1, 30), dt.date(2015, 2, 2)),
        ("Across the year", dt.date(2014, 12, 30), dt.date(2015, 1, 2)),
    ):
        services.issue_item_add(
            issue=issue, section=events, record=EventFactory(title=title, starts_on=starts, ends_on=ends)
        )
    # when the English and the Chinese edition print
    text = stored_pdf_text(services.issue_render(issue_id=issue.pk))
    chinese = services.issue_edition_create(issue=issue, language="zh-hans")
    zh = re.sub(r"\s+", "", _html_text(services.issue_html(chinese)))
    # then each range is written once, its shared month and year not repeated
    in_order(text, "Two-day workshop", "4–5 March 2015")
    in_order(text, "Across the month", "30 January – 2 February 2015")
    in_order(text, "Across the year", "30 December 2014 – 2 January 2015")
    assert "4 March 2015 – 5 March 2015" not in text
    for written in ("2015年3月4日至5日", "2015年1月30日至2月2日", "2014年12月30日至2015年1月2日"):
        assert written in zh, written


def test_month_dated_records_sort_by_month_in_the_order_they_were_entered(make_issue):
    # given two news items dated to November, entered "second" then "first", their days saying nothing
    NewsItemFactory(title="Entered first", date=dt.date(2014, 11, 28), date_precision="month")
    NewsItemFactory(title="Entered second", date=dt.date(2014, 11, 2), date_precision="month")
    NewsItemFactory(title="Dated December", date=dt.date(2014, 12, 1), date_precision="month")
    # when the issue is assembled
    issue = make_issue()
    text = stored_pdf_text(services.issue_render(issue_id=issue.pk))
    # then November's month-dated items come first, in the order entered, then its dated ones, then December's
    in_order(
        text,
        "Entered first",
        "In November",
        "Entered second",
        "In November",
        "Yunnan: Developing HR handbook",
        "14 November 2014",
        "Dated December",
        "In December",
        "Taixing, Jiangsu: ToE on Module 2",
        "11 December 2014",
    )
