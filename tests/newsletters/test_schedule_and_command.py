"""Celery beat drafts the next issue and tells the editors; operators render from the command line."""

import datetime as dt
import io

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from newsletters import services
from newsletters.models import Issue
from newsletters.tasks import issue_draft_next
from programmes.models import Country
from tests.factories import CountryFactory, NewsItemFactory

from .conftest import pdf_text

pytestmark = pytest.mark.django_db


def test_beat_runs_the_draft_task_every_hour_for_each_countrys_own_first_day():
    task = PeriodicTask.objects.get(task="newsletters.tasks.issue_draft_next")
    assert task.enabled
    crontab = task.crontab
    assert (crontab.minute, crontab.hour, crontab.day_of_month, crontab.month_of_year) == ("5", "*", "*", "*")


def test_each_newsletter_is_drafted_when_its_own_country_enters_the_new_period(
    editor, django_capture_on_commit_callbacks
):
    # given China's and Colombia's newsletters, each with its July-August issue
    colombia = CountryFactory(
        code="CO", name="Colombia", time_zone="America/Bogota", currency="COP", languages=["es", "en"]
    )
    china = Country.objects.get(code="CN")
    for country in (china, colombia):
        services.issue_create(period_start=dt.date(2014, 7, 1), number=1, country=country)
    # when beat runs at 02:00 UTC on 1 November: 10:00 in Beijing, still 31 October (21:00) in Bogotá
    at_two = time_machine.travel(dt.datetime(2014, 11, 1, 2, 0, tzinfo=dt.UTC), tick=False)
    with at_two, django_capture_on_commit_callbacks(execute=True):
        issue_draft_next.delay().get()
    # then China's September-October issue is drafted, and Colombia's is not yet
    assert Issue.objects.get(country=china, number=2).period_start == dt.date(2014, 9, 1)
    assert sorted(Issue.objects.values_list("country__code", "number")) == [("CN", 1), ("CN", 2), ("CO", 1)]
    # and at 06:00 UTC, 01:00 on 1 November in Bogotá, Colombia's is, and China's is not made twice
    at_six = time_machine.travel(dt.datetime(2014, 11, 1, 6, 0, tzinfo=dt.UTC), tick=False)
    with at_six, django_capture_on_commit_callbacks(execute=True):
        issue_draft_next.delay().get()
    assert sorted(Issue.objects.values_list("country__code", "number")) == [("CN", 1), ("CN", 2), ("CO", 1), ("CO", 2)]


def test_the_draft_of_the_next_issue_is_filled_and_the_editors_are_told(
    editor, officer, django_capture_on_commit_callbacks
):
    services.issue_create(period_start=dt.date(2014, 9, 1), number=4)
    NewsItemFactory(title="Developing HR handbook", place="Yunnan", date=dt.date(2014, 11, 14))
    with django_capture_on_commit_callbacks(execute=True):
        issue = services.issue_draft_next(today=dt.date(2015, 1, 1))
    assert (issue.number, issue.period_start, issue.status) == (5, dt.date(2014, 11, 1), Issue.Status.DRAFT)
    assert issue.items.filter(news_item__title="Developing HR handbook").exists()
    assert [m.to for m in mail.outbox] == [[editor.email]]
    assert "Issue No. 5" in mail.outbox[0].subject and "1 news items" in mail.outbox[0].body
    # beat running twice the same day creates nothing more
    assert services.issue_draft_next(today=dt.date(2015, 1, 1)) is None
    assert len(mail.outbox) == 1


def test_the_next_draft_has_a_chinese_edition_when_the_latest_issue_had_one(editor, django_capture_on_commit_callbacks):
    # given issue 4 in English and in Chinese
    services.issue_edition_create(
        issue=services.issue_create(period_start=dt.date(2014, 9, 1), number=4), language="zh-hans"
    )
    NewsItemFactory(title="Developing HR handbook", place="Yunnan", date=dt.date(2014, 11, 14))
    # when beat drafts issue 5
    with django_capture_on_commit_callbacks(execute=True):
        issue = services.issue_draft_next(today=dt.date(2015, 1, 1))
    # then issue 5 has both editions with the same items, and the editors are told of both
    chinese = Issue.objects.get(number=5, language="zh-hans")
    assert (issue.language, chinese.period_start) == ("en", issue.period_start)
    assert chinese.items.filter(news_item__title="Developing HR handbook").exists()
    assert chinese.get_absolute_url() in mail.outbox[0].body and "Simplified Chinese" in mail.outbox[0].body


@pytest.mark.clock
def test_the_beat_task_drafts_the_issue_of_the_period_that_just_ended(editor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        [issue_id] = issue_draft_next.delay().get()
    issue = Issue.objects.get(pk=issue_id)
    assert issue.period_end < timezone.localdate() <= issue.period_end + dt.timedelta(days=62)
    assert len(mail.outbox) == 1


def test_render_newsletter_writes_the_pdf(make_issue, tmp_path):
    issue = make_issue()
    out = tmp_path / "issue.pdf"
    call_command("render_newsletter", str(issue.number), "--output", str(out), stdout=io.StringIO())
    assert "Teho Metal" in pdf_text(out.read_bytes())
    assert Issue.objects.get(pk=issue.pk).status == Issue.Status.READY


def test_render_newsletter_reports_an_unknown_issue(tmp_path):
    with pytest.raises(CommandError, match="no issue No. 99"):
        call_command("render_newsletter", "99", "--output", str(tmp_path / "x.pdf"))
