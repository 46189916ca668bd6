"""Celery beat drafts the next issue and tells the editors; operators render from the command line."""

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from newsletters import services
from newsletters.models import Issue
from newsletters.tasks import issue_draft_next
from tests.factories import NewsItemFactory

from .conftest import pdf_text

pytestmark = pytest.mark.django_db


def test_beat_runs_the_draft_task_on_the_first_day_of_every_two_month_period():
    task = PeriodicTask.objects.get(task="newsletters.tasks.issue_draft_next")
    assert task.enabled
    assert (task.crontab.day_of_month, task.crontab.month_of_year) == ("1", "1,3,5,7,9,11")


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
