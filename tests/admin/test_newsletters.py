"""The admin of newsletter records: issues' state is never edited by hand; edits keep the version check."""

import pytest

from newsletters import services
from newsletters.models import Event, Issue, IssueVersion
from tests.factories import EventFactory, ExpertCommentFactory, IssueFactory, NewsItemFactory

from .conftest import change_form

pytestmark = pytest.mark.django_db


def test_draft_issue_cannot_be_published_in_the_admin(officer_client):
    # given a draft issue with no rendered version
    issue = IssueFactory()
    url = f"/admin/newsletters/issue/{issue.pk}/change/"
    data = change_form(officer_client, url)
    # when an officer sets it to "published" in the admin
    data.update(status=Issue.Status.PUBLISHED, published_at="2030-01-05 10:00:00", title="Spring issue")
    response = officer_client.post(url, data)
    # then its text changes through issue_update, and it stays a draft (publishing is the issue page's, once
    # rendered): nothing is offered to subscribers
    assert response.status_code == 302
    issue.refresh_from_db()
    assert (issue.title, issue.status, issue.published_at) == ("Spring issue", Issue.Status.DRAFT, None)
    assert not IssueVersion.objects.filter(issue=issue).exists()


def test_issues_are_not_added_or_deleted_in_the_admin(officer_client):
    issue = IssueFactory()
    assert officer_client.get("/admin/newsletters/issue/add/").status_code == 403
    assert officer_client.get(f"/admin/newsletters/issue/{issue.pk}/delete/").status_code == 403
    officer_client.post(f"/admin/newsletters/issue/{issue.pk}/delete/", {"post": "yes"})
    assert Issue.objects.filter(pk=issue.pk).exists()


def test_stale_news_item_form_cannot_undo_an_editors_change(officer_client):
    item = NewsItemFactory(title="Module 2 in Taixing")
    url = f"/admin/newsletters/newsitem/{item.pk}/change/"
    data = change_form(officer_client, url)
    item.place = "Taizhou, Jiangsu"
    services.news_item_save(news_item=item, edit_version=0)
    data["title"] = "Module 2 training in Taixing"
    response = officer_client.post(url, data)
    assert "Someone else saved this record" in response.content.decode()
    item.refresh_from_db()
    assert (item.title, item.place) == ("Module 2 in Taixing", "Taizhou, Jiangsu")


def test_event_cannot_be_deleted_in_the_admin(officer_client):
    event = EventFactory()
    assert officer_client.get(f"/admin/newsletters/event/{event.pk}/delete/").status_code == 403
    officer_client.post(f"/admin/newsletters/event/{event.pk}/delete/", {"post": "yes"})
    assert Event.objects.filter(pk=event.pk).exists()


def test_expert_comment_posted_without_its_token_is_stale(officer_client):
    comment = ExpertCommentFactory(heading="On 5S")
    url = f"/admin/newsletters/expertcomment/{comment.pk}/change/"
    data = change_form(officer_client, url)
    del data["edit_token"]
    data["heading"] = "On 5S and safety"
    response = officer_client.post(url, data)
    assert "Someone else saved this record" in response.content.decode()
    comment.refresh_from_db()
    assert comment.heading == "On 5S"
