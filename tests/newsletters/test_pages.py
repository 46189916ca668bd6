"""The editors' pages and the public archive, as people use them."""

import datetime as dt

import pytest
from django.urls import reverse

from newsletters import services
from newsletters.models import Issue, IssueItem
from tests.factories import EventFactory, IssueFactory, NewsItemFactory
from tests.tokens import page_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(make_issue):
    issue = services.issue_render(issue_id=make_issue().pk)
    services.issue_publish(issue=issue)
    return Issue.objects.get(pk=issue.pk)


def test_anonymous_visitors_see_published_issues_only(client, published):
    draft = IssueFactory(number=8, title="A draft nobody may see")
    services.issue_render(issue_id=draft.pk)
    draft.refresh_from_db()
    page = client.get("/newsletter/cn/").content.decode()
    assert published.title in page and "A draft nobody may see" not in page
    assert client.get(f"/newsletter/cn/{published.number}/pdf/")["Content-Type"] == "application/pdf"
    web = client.get(f"/newsletter/cn/{published.number}/").content.decode()
    assert "Teho Metal" in web and "score-media:" not in web
    # the draft: no public page, no public PDF, the editors' PDF needs a login
    assert client.get(f"/newsletter/cn/{draft.number}/").status_code == 404
    assert client.get(f"/newsletter/cn/{draft.number}/pdf/").status_code == 404
    response = client.get(reverse("newsletters:issue_pdf", args=[draft.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get(draft.pdf.url).status_code == 404  # media is not served by the portal


def test_the_web_version_shows_only_photos_of_that_version(client, published):
    version = published.versions.get()
    name = next(iter(version.images))
    assert client.get(f"/newsletter/cn/{published.number}/images/{name}").status_code == 200
    assert client.get(f"/newsletter/cn/{published.number}/images/photos/other.jpg").status_code == 404


@pytest.mark.parametrize("who", ["nobody", "trainer"])
def test_people_who_are_not_editors_cannot_open_the_editors_pages(client, request, who, make_issue):
    issue = make_issue()
    client.force_login(request.getfixturevalue(who))
    for url in (
        "/newsletters/",
        f"/newsletters/issues/{issue.pk}/",
        "/newsletters/news/",
        f"/newsletters/issues/{issue.pk}/preview/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/newsletters/issues/{issue.pk}/render/").status_code == 404


def test_officers_open_the_editors_pages(client, officer, make_issue):
    issue = make_issue()
    client.force_login(officer)
    for url in ("/newsletters/", f"/newsletters/issues/{issue.pk}/", "/newsletters/news/"):
        assert client.get(url).status_code == 200, url


def test_an_editor_creates_assembles_renders_and_publishes_an_issue(client, editor, django_capture_on_commit_callbacks):
    # given records of November-December 2014
    NewsItemFactory(title="ToE on Module 2", place="Taixing, Jiangsu", date=dt.date(2014, 12, 11))
    NewsItemFactory(title="Developing HR handbook", place="Yunnan", date=dt.date(2014, 11, 14))
    EventFactory(title="ToT for SGS trainers", starts_on=dt.date(2015, 3, 2))
    client.force_login(editor)
    # when the editor creates the issue
    response = client.post(
        "/newsletters/issues/new/",
        {"period_start": "2014-11-01", "number": 5, "language": "en", "title": "", "introduction": "Hello."},
    )
    issue = Issue.objects.get(number=5)
    assert response["Location"] == issue.get_absolute_url()
    page = client.get(issue.get_absolute_url()).content.decode()
    assert "Yunnan: Developing HR handbook" in page and "ToT for SGS trainers" in page
    assert issue.title == "SCORE China e-newsletter, Issue No. 5, December 2014"
    # leaves one item out and moves one up
    event = issue.items.get(section__kind=IssueItem.Section.EVENTS)
    client.post(f"/newsletters/issues/{issue.pk}/items/{event.pk}/", {"action": "leave_out"})
    taixing = issue.items.get(news_item__title="ToE on Module 2")
    client.post(f"/newsletters/issues/{issue.pk}/items/{taixing.pk}/", {"action": "up"})
    assert [i.news_item.title for i in issue.items.filter(section__kind="news").order_by("position")] == [
        "ToE on Module 2",
        "Developing HR handbook",
    ]
    # renders (eager Celery, once the request's transaction commits) and publishes
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/newsletters/issues/{issue.pk}/render/")
    page = client.get(issue.get_absolute_url()).content.decode()
    assert "The PDF is ready" in page
    # publishing asks first: the page says what goes public; a POST without the confirmation publishes nothing
    assert "Publish now" in client.get(f"/newsletters/issues/{issue.pk}/publish/").content.decode()
    client.post(f"/newsletters/issues/{issue.pk}/publish/")
    assert not issue.versions.exists()
    client.post(f"/newsletters/issues/{issue.pk}/publish/", {"confirm": "yes"})
    archive = client.get("/newsletter/cn/").content.decode()
    assert "Issue No. 5, December 2014" in archive


def test_the_issue_page_refreshes_itself_while_rendering_and_offers_retry_when_stale(
    client, editor, make_issue, django_capture_on_commit_callbacks
):
    issue = make_issue()
    with django_capture_on_commit_callbacks(execute=False):
        services.issue_render_request(issue=issue)
    client.force_login(editor)
    page = client.get(issue.get_absolute_url()).content.decode()
    assert '<meta http-equiv="refresh" content="3">' in page and "Rendering the PDF" in page
    Issue.objects.filter(pk=issue.pk).update(render_started_at=dt.datetime(2014, 1, 1, tzinfo=dt.UTC))
    page = client.get(issue.get_absolute_url()).content.decode()
    assert "http-equiv" not in page and "Retry rendering" in page and "never finished" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/newsletters/issues/{issue.pk}/render/")  # eager: renders after the commit
    assert Issue.objects.get(pk=issue.pk).status == Issue.Status.READY


def test_a_failed_rendering_shows_the_reason(client, editor, make_issue):
    issue = make_issue()
    services.issue_render_failed(issue_id=issue.pk, reason="The photo file 'photos/x.jpg' is missing from storage.")
    client.force_login(editor)
    page = client.get(issue.get_absolute_url()).content.decode()
    assert "could not be rendered" in page and "photos/x.jpg" in page


def test_the_preview_uses_the_print_template_with_web_urls(client, editor, make_issue):
    issue = make_issue()
    client.force_login(editor)
    page = client.get(f"/newsletters/issues/{issue.pk}/preview/").content.decode()
    assert "newsletter-print.css" in page and "Teho Metal" in page and "score-media:" not in page
    src = page.split('src="/newsletters/images/', 1)[1].split('"', 1)[0]
    assert client.get(f"/newsletters/images/{src}")["Content-Type"] == "image/jpeg"


def test_news_items_are_searched_and_added_with_clear_errors(client, editor):
    NewsItemFactory(title="Developing HR handbook", place="Yunnan", date=dt.date(2014, 11, 14))
    NewsItemFactory(title="Something else")
    client.force_login(editor)
    page = client.get("/newsletters/news/?q=handbook").content.decode()
    assert "Developing HR handbook" in page and "Something else" not in page
    response = client.post(
        "/newsletters/news/new/",
        {"section": "news", "place": "Yunnan", "title": "Developing HR handbook", "date": "2014-11-14", "body": "x"},
    )
    assert "A news item with this title already exists for that date." in response.content.decode()
    response = client.post(
        "/newsletters/events/new/",
        {"title": "Seminar", "starts_on": "2015-03-02", "ends_on": "2015-03-01", "body": ""},
    )
    assert "An event cannot end before it starts." in response.content.decode()


@pytest.mark.parametrize("url", ["/newsletters/", "/newsletters/news/", "/newsletters/events/", "/newsletter/cn/"])
def test_lists_run_the_same_number_of_queries_for_1_and_50_rows(client, editor, url, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(n_rows):
        for _i in range(n_rows):
            NewsItemFactory()
            EventFactory()
            issue = IssueFactory()
            if url == "/newsletter/cn/":
                from django.utils import timezone

                from newsletters.models import IssueVersion

                IssueVersion.objects.create(
                    issue=issue, version=1, pdf="x.pdf", html="", content_hash="x", published_at=timezone.now()
                )
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    client.force_login(editor)
    assert count(1) == count(49)


def test_the_issue_page_runs_a_bounded_number_of_queries(client, editor, make_issue):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    issue = make_issue()
    client.force_login(editor)
    with CaptureQueriesContext(connection) as small:
        client.get(issue.get_absolute_url())
    news = issue.sections.get(kind="news")
    for i in range(20):
        item = NewsItemFactory(date=dt.date(2014, 11, 2 + i))
        IssueItem.objects.create(issue=issue, section=news, position=10 + i, news_item=item)
    with CaptureQueriesContext(connection) as large:
        client.get(issue.get_absolute_url())
    assert len(large.captured_queries) == len(small.captured_queries)


def test_the_editors_home_lists_issues_in_preparation(client, editor, make_issue):
    make_issue()
    client.force_login(editor)
    page = client.get("/").content.decode()
    assert "SCORE China e-newsletter, Issue No. 7, December 2014" in page and "issues in preparation" in page


def test_the_issues_list_counts_versions_and_items_of_each_issue(client, editor, published):
    # given one published version of an issue with several included items
    n_items = published.items.filter(included=True).count()
    assert n_items > 1
    # when the editor opens the issues list
    client.force_login(editor)
    html = client.get("/newsletters/").content.decode()
    # then the counts are the issue's own, not multiplied by each other
    assert "versions)" not in html  # a single version needs no count
    assert f">{n_items}<" in html.replace(" ", "")


def test_an_editor_gives_a_news_item_its_chinese_text_and_a_chinese_issue_shows_what_lacks_it(
    client, editor, make_issue
):
    # given a Chinese issue for November–December 2014
    issue = make_issue()
    services.issue_update(issue=issue, title="SCORE 中国电子简报", introduction="", language="zh-hans")
    client.force_login(editor)
    page = client.get(f"/newsletters/issues/{issue.pk}/").content.decode()
    # then every record with English text and no Chinese is flagged
    assert page.count('data-testid="english-only"') == 6  # 3 news items, 1 event, 1 comment, 1 result
    # when the editor opens a news item, the Chinese fields stand apart under their own heading
    item = issue.items.get(news_item__title="ToE on Module 2").news_item
    form = client.get(f"/newsletters/news/{item.pk}/").content.decode()
    assert "For editions in other languages" in form and 'name="title_zh_hans"' in form and 'lang="zh-Hans"' in form
    assert "Title (Simplified Chinese)" in form and 'name="title_vi"' not in form  # China writes in en and zh-hans
    # and saves its Chinese text
    response = client.post(
        f"/newsletters/news/{item.pk}/",
        {
            "section": "news",
            "place": item.place,
            "title": item.title,
            "date": "2014-12-11",
            "body": item.body,
            "place_zh_hans": "江苏泰兴",
            "title_zh_hans": "模块二企业培训",
            "body_zh_hans": "贾宏伟先生讲授了培训课程。",
            "title_vi": "Đào tạo mô-đun 2",  # a language China does not write in: ignored
            **page_token(client, f"/newsletters/news/{item.pk}/"),
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.i18n == {
        "place_zh_hans": "江苏泰兴",
        "title_zh_hans": "模块二企业培训",
        "body_zh_hans": "贾宏伟先生讲授了培训课程。",
    }
    # then the issue page flags one fewer, and the preview prints the Chinese
    page = client.get(f"/newsletters/issues/{issue.pk}/").content.decode()
    assert page.count('data-testid="english-only"') == 5
    # and the news list finds it by its Chinese text
    found = client.get("/newsletters/news/?q=泰兴").content.decode()
    assert "ToE on Module 2" in found and "Developing HR handbook" not in found
    preview = client.get(f"/newsletters/issues/{issue.pk}/preview/").content.decode()
    assert "江苏泰兴：模块二企业培训" in preview and "ToE on Module 2" not in preview
