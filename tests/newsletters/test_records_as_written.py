"""Records as the programme writes them: dated to a month, a result as story or KPI table, captions, KPI periods."""

import datetime as dt

import pytest

from newsletters import services
from newsletters.models import Issue, IssueItem

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
        text, "Yunnan: Developing HR handbook", "November 2014", "Taixing, Jiangsu: ToE on Module 2", "11 December 2014"
    )
    assert "14 November 2014" not in text


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
        },
    )
    assert response.status_code == 302
    issue.refresh_from_db()
    assert issue.publication_date == dt.date(2014, 12, 20)
    assert "publication date 20 December 2014" in client.get(issue.get_absolute_url()).content.decode()
    issue = services.issue_render(issue_id=issue.pk)
    services.issue_publish(issue=issue)
    archive = client.get("/newsletter/").content.decode()
    assert "Published on 20 December 2014" in archive
