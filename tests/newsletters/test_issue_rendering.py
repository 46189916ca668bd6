"""Assembling an issue from the records, rendering it to PDF, and what happens when rendering goes wrong."""

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from newsletters import pdf, services
from newsletters.models import Issue, IssueItem

from .conftest import in_order, pdf_pages, stored_pdf_text

pytestmark = pytest.mark.django_db


def test_a_new_issue_holds_the_records_of_its_period(make_issue):
    issue = make_issue()
    titles = {
        (item.section.kind, str(item.record))
        for item in issue.items.select_related("news_item", "event", "expert_comment__trainer", "result__enterprise")
    }
    assert ("news", "ToE on Module 2") in titles
    assert ("news", "Developing HR handbook") in titles
    assert ("practice", "Switcher refunds workers") in titles
    assert ("events", "ToT for SGS trainers") in titles
    assert any(section == "results" and "Teho Metal" in text for section, text in titles)
    assert any(section == "comment" and "Asia Wang" in text for section, text in titles)
    # outside the period, not approved, or more than three months after it: left out
    assert not any("Too early" in t or "Too far" in t or "Not approved" in t for _s, t in titles)


def test_the_pdf_shows_every_section_in_the_newsletters_order(make_issue):
    # given
    issue = make_issue()
    # when
    issue = services.issue_render(issue_id=issue.pk)
    # then
    assert issue.status == Issue.Status.READY and issue.error == ""
    text = stored_pdf_text(issue)
    assert "SUSTAINING COMPETITIVE AND RESPONSIBLE ENTERPRISES (SCORE)" in text
    in_order(
        text,
        "SCORE China e-newsletter",
        "Issue No. 7, December 2014",
        "The last issue of 2014.",
        "The Latest SCORE News",
        "Yunnan: Developing HR handbook",
        "Taixing, Jiangsu: ToE on Module 2",
        "Comments from a SCORE Expert Trainer",
        "Asia Wang",
        "SCORE is a project of sustainable vitality.",
        "Enterprise Improvement Results",
        "Teho Metal",
        "Material recovery rate",
        "97.5",
        "98.5",
        "Before",
        "Moving oil barrels needed two workers",
        "After",
        "Using a handling cart",
        "The Upcoming Key Activities",
        "Shanghai: ToT for SGS trainers",
        "CSR Practice Sharing Hub",
        "Switcher refunds workers",
        "ILO Country Office for China and Mongolia",
        "+86 10 6532 5091",
    )
    assert "Page 1 / " in text and "Issue No. 7, December 2014" in text


def test_reordering_and_leaving_out_items_changes_the_pdf(make_issue):
    issue = make_issue()
    news = list(issue.items.filter(section__kind=IssueItem.Section.NEWS).order_by("position"))
    services.issue_item_move(item=news[1], offset=-1)  # ToE on Module 2 first
    services.issue_item_set_included(item=issue.items.get(section__kind=IssueItem.Section.EVENTS), included=False)
    issue = services.issue_render(issue_id=issue.pk)
    text = stored_pdf_text(issue)
    in_order(text, "ToE on Module 2", "Developing HR handbook")
    assert "ToT for SGS trainers" not in text
    assert "The Upcoming Key Activities" not in text


def test_rendering_twice_the_same_content_does_no_work(make_issue, django_capture_on_commit_callbacks):
    issue = services.issue_render(issue_id=make_issue().pk)
    first_name, first_rendered = issue.pdf.name, issue.rendered_at
    again = services.issue_render(issue_id=issue.pk)
    assert (again.pdf.name, again.rendered_at) == (first_name, first_rendered)
    # a change of content renders a new PDF and removes the old one
    services.issue_update(issue=again, title=again.title, introduction="A new introduction.")
    with django_capture_on_commit_callbacks(execute=True):
        third = services.issue_render(issue_id=issue.pk)
    assert third.pdf.name != first_name
    assert "A new introduction." in stored_pdf_text(third)
    assert not default_storage.exists(first_name)


def test_photos_are_scaled_to_print_size_before_layout(make_issue):
    issue = make_issue()
    pair = issue.items.get(section__kind="results").result.photo_pairs.get()
    big = ContentFile(_jpeg(4000, 3000))
    pair.before.image.save("big-master.jpg", big, save=True)
    issue = services.issue_render(issue_id=issue.pk)
    copy = pdf.print_copy_name(pair.before.image.name)
    from PIL import Image

    with default_storage.open(copy) as fh:
        assert max(Image.open(fh).size) == pdf.PRINT_LONG_SIDE
    assert issue.status == Issue.Status.READY


def _jpeg(width: int, height: int) -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), (120, 140, 160)).save(out, "JPEG", quality=80)
    return out.getvalue()


def test_a_missing_photo_fails_the_issue_with_a_readable_reason_and_keeps_the_previous_pdf(make_issue):
    # given an issue rendered once
    issue = services.issue_render(issue_id=make_issue().pk)
    good_pdf = issue.pdf.name
    # when a photo's file disappears and the content changes
    photo = issue.items.get(section__kind="results").result.photo_pairs.get().after
    default_storage.delete(photo.image.name)
    services.issue_update(issue=issue, title=issue.title, introduction="Changed.")
    issue = services.issue_render(issue_id=issue.pk)
    # then
    assert issue.status == Issue.Status.FAILED
    assert "missing from storage" in issue.error and photo.image.name in issue.error
    assert issue.pdf.name == good_pdf and default_storage.exists(good_pdf)


def test_a_corrupt_photo_fails_the_issue(make_issue):
    issue = make_issue()
    photo = issue.items.get(section__kind="results").result.photo_pairs.get().before
    with default_storage.open(photo.image.name, "wb") as fh:
        fh.write(b"this is not a JPEG")
    issue = services.issue_render(issue_id=issue.pk)
    assert issue.status == Issue.Status.FAILED
    assert "not a readable image" in issue.error
    assert not issue.pdf


def test_a_template_error_fails_the_issue_at_once(make_issue, settings, tmp_path):
    broken = tmp_path / "templates" / "newsletters"
    broken.mkdir(parents=True)
    (broken / "issue_document.html").write_text("{% load i18n %}{% if %}broken{% endif %}")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path / "templates"]}]
    issue = services.issue_render(issue_id=make_issue().pk)
    assert issue.status == Issue.Status.FAILED
    assert issue.error.startswith("Template error:")


def test_render_request_marks_rendering_and_enqueues_after_commit(make_issue, django_capture_on_commit_callbacks):
    issue = make_issue()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        requested = services.issue_render_request(issue=issue)
    assert requested.status == Issue.Status.RENDERING and requested.render_attempts == 1
    assert len(callbacks) == 1  # nothing runs before the commit
    for callback in callbacks:
        callback()  # eager Celery: the task runs now
    issue.refresh_from_db()
    assert issue.status == Issue.Status.READY


def test_a_second_request_while_rendering_is_refused(make_issue, django_capture_on_commit_callbacks):
    issue = make_issue()
    with django_capture_on_commit_callbacks(execute=False):
        services.issue_render_request(issue=issue)
    with pytest.raises(services.IssueStateError, match="being rendered"):
        services.issue_render_request(issue=issue)


def test_a_stale_rendering_left_by_a_lost_worker_can_be_retried(make_issue, django_capture_on_commit_callbacks):
    # given the state a killed worker leaves: 'rendering', started longer ago than the hard time limit
    issue = make_issue()
    with django_capture_on_commit_callbacks(execute=False):
        services.issue_render_request(issue=issue)
    Issue.objects.filter(pk=issue.pk).update(render_started_at=timezone.now() - dt.timedelta(hours=1))
    issue.refresh_from_db()
    assert issue.render_is_stale
    # when the editor retries
    with django_capture_on_commit_callbacks(execute=True):
        services.issue_render_request(issue=issue)
    # then
    issue.refresh_from_db()
    assert issue.status == Issue.Status.READY and issue.render_attempts == 2


def test_publishing_freezes_the_issue_and_keeps_each_version(make_issue):
    issue = services.issue_render(issue_id=make_issue().pk)
    v1 = services.issue_publish(issue=issue)
    issue.refresh_from_db()
    assert issue.status == Issue.Status.PUBLISHED and v1.version == 1
    results = next(s for s in v1.snapshot["sections"] if s["kind"] == "results")
    assert "Teho Metal" in v1.html and results["items"][0]["enterprise"] == "Teho Metal"
    with pytest.raises(services.IssueStateError, match="frozen"):
        services.issue_update(issue=issue, title="x", introduction="y")
    # records change after publishing: the published version keeps what it printed
    result = issue.items.get(section__kind="results").result
    result.enterprise.name = "Renamed Metal"
    result.enterprise.save()
    v1.refresh_from_db()
    assert "Teho Metal" in v1.html
    # a correction: reopen, re-render, publish again; version 1 stays
    services.issue_reopen(issue=issue)
    services.issue_render(issue_id=issue.pk)
    v2 = services.issue_publish(issue=Issue.objects.get(pk=issue.pk))
    assert v2.version == 2 and "Renamed Metal" in v2.html
    assert default_storage.exists(v1.pdf.name) and default_storage.exists(v2.pdf.name)


def test_publishing_needs_a_current_pdf(make_issue):
    issue = make_issue()
    with pytest.raises(services.IssueStateError, match="Render the PDF"):
        services.issue_publish(issue=issue)


def test_the_pdf_is_small(make_issue):
    issue = services.issue_render(issue_id=make_issue().pk)
    with issue.pdf.open("rb") as fh:
        data = fh.read()
    assert pdf_pages(data) <= 3
    assert len(data) < 2_000_000


def test_chinese_text_renders_in_the_pdf(make_issue):
    issue = make_issue()
    item = issue.items.get(news_item__title="Developing HR handbook").news_item
    item.body = "云南省人力资源和社会保障厅将牵头编写企业人力资源手册。"
    item.save()
    issue = services.issue_render(issue_id=issue.pk)
    assert "云南省人力资源和社会保障厅" in stored_pdf_text(issue).replace(" ", "")


def test_a_chinese_issue_prints_its_headings_and_dates_in_chinese(make_issue):
    # given an issue of November–December 2014 that the editor sets to Chinese
    issue = make_issue()
    services.issue_update(
        issue=issue, title="SCORE 中国电子简报 第 7 期", introduction="欢迎阅读。", language="zh-hans"
    )
    # when it is rendered
    issue = services.issue_render(issue_id=issue.pk)
    text = stored_pdf_text(issue).replace(" ", "")
    # then the sections and the month are in Chinese, and the records as they were entered
    assert "SCORE最新动态" in text and "企业改善成果" in text
    assert "2014年12月" in text
    assert "TehoMetal" in text
    assert "The Latest SCORE News" not in stored_pdf_text(issue)


def test_a_chinese_issue_prints_the_chinese_text_of_its_records_and_english_where_there_is_none(make_issue):
    # given the period's records, three of them with Chinese text and the rest without
    from enterprises.models import Result
    from newsletters.models import Event, ExpertComment, NewsItem
    from tests.factories import give_texts

    issue = make_issue()
    give_texts(
        NewsItem.objects.filter(title="ToE on Module 2"),
        title="模块二企业培训",
        place="江苏泰兴",
        body="贾宏伟先生讲授了培训课程。",
    )
    give_texts(Event.objects.filter(title="ToT for SGS trainers"), title="SGS培训师师资培训", place="上海")
    give_texts(ExpertComment.objects.all(), heading="SCORE培训师点评", quote="SCORE是一个具有持久生命力的项目。")
    give_texts(Result.objects.filter(title="Copper powder recovery up"), title="铜粉回收率提高")
    # when the issue is printed in English, then in Chinese
    english = stored_pdf_text(services.issue_render(issue_id=issue.pk))
    services.issue_update(issue=issue, title="SCORE 中国电子简报", introduction="欢迎阅读。", language="zh-hans")
    chinese = stored_pdf_text(services.issue_render(issue_id=issue.pk))
    # then the English issue has none of the Chinese text
    assert "ToE on Module 2" in english and "SGS trainers" in english and "sustainable vitality" in english
    assert "模块二企业培训" not in english and "江苏泰兴" not in english
    # and the Chinese issue has it, in place of the English, with the English where there is no Chinese
    compact = chinese.replace(" ", "").replace("\n", "")
    assert in_order(compact, "江苏泰兴：模块二企业培训", "贾宏伟先生讲授了培训课程。")
    assert "上海：SGS培训师师资培训" in compact
    assert "SCORE培训师点评" in compact and "SCORE是一个具有持久生命力的项目。" in compact
    assert "ToE on Module 2" not in chinese and "sustainable vitality" not in chinese
    assert "铜粉回收率提高" in compact and "Copper powder recovery up" not in chinese
    assert "Developing HR handbook" in chinese  # no Chinese text: printed as entered


def test_a_new_issue_in_chinese_gets_a_chinese_title():
    issue = services.issue_create(period_start=dt.date(2015, 1, 1), number=8, language="zh-hans")
    assert issue.title.startswith("SCORE") and "第" in issue.title and "8" in issue.title


# --- A lost worker's render is queued again (docs/integrity.md) ------------------------------------------


def _rendering_since(issue: Issue, seconds: float) -> Issue:
    Issue.objects.filter(pk=issue.pk).update(
        status=Issue.Status.RENDERING,
        render_attempts=1,
        render_started_at=timezone.now() - dt.timedelta(seconds=seconds),
    )
    issue.refresh_from_db()
    return issue


def test_the_production_limits_put_a_lost_render_back_within_five_minutes(settings):
    from django_celery_beat.models import PeriodicTask

    # beat runs the recovery every minute
    task = PeriodicTask.objects.get(task="newsletters.tasks.issue_renders_recover")
    assert task.enabled and (task.crontab.minute, task.crontab.hour) == ("*", "*")
    # a render is stale after the hard time limit plus the margin; queued again within the beat's minute after;
    # the render itself has what is left of five minutes (a render takes seconds)
    stale_after = settings.CELERY_TASK_TIME_LIMIT + settings.NEWSLETTER_RENDER_STALE_MARGIN
    assert stale_after + 60 <= 300 - 30
    # the broker hands a lost worker's message out again soon too, but never a live worker's: the timeout
    # covers the longest retry delay plus the hard time limit
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert settings.CELERY_TASK_RETRY_MAX_DELAY + settings.CELERY_TASK_TIME_LIMIT < visibility <= 600


def test_recovery_queues_again_only_renders_past_the_stale_age(
    make_issue, settings, django_capture_on_commit_callbacks
):
    # given the hard limit 60 s + margin 10 s, an issue rendering for 71 s and its Chinese edition for 40 s
    settings.CELERY_TASK_SOFT_TIME_LIMIT, settings.CELERY_TASK_TIME_LIMIT = 50, 60
    settings.NEWSLETTER_RENDER_STALE_MARGIN = 10
    lost = make_issue()
    running = _rendering_since(services.issue_edition_create(issue=lost, language="zh-hans"), 40)
    lost = _rendering_since(lost, 71)
    assert lost.render_is_stale and not running.render_is_stale
    # when beat's task runs (rendering eagerly here)
    with django_capture_on_commit_callbacks(execute=True):
        recovered = services.issue_renders_recover()
    # then the lost one is rendered, the running one left alone
    assert recovered == [lost.pk]
    lost.refresh_from_db()
    running.refresh_from_db()
    assert lost.status == Issue.Status.READY and "Teho Metal" in stored_pdf_text(lost)
    assert (lost.render_attempts, lost.render_recoveries) == (2, 1)
    assert running.status == Issue.Status.RENDERING and running.render_attempts == 1 and not running.pdf
    # and a second run finds nothing left to do
    with django_capture_on_commit_callbacks(execute=True):
        assert services.issue_renders_recover() == []


def test_a_render_finished_meanwhile_is_not_done_again(make_issue, django_capture_on_commit_callbacks):
    # given a rendered issue, with an old start time
    issue = services.issue_render(issue_id=make_issue().pk)
    Issue.objects.filter(pk=issue.pk).update(render_started_at=timezone.now() - dt.timedelta(hours=1))
    rendered_at, name = issue.rendered_at, issue.pdf.name
    # when beat's task runs
    with django_capture_on_commit_callbacks(execute=True):
        assert services.issue_renders_recover() == []
    # then the PDF is the one it had
    issue.refresh_from_db()
    assert (issue.status, issue.rendered_at, issue.pdf.name) == (Issue.Status.READY, rendered_at, name)


def test_a_render_that_loses_its_worker_again_and_again_is_marked_failed(
    make_issue, settings, django_capture_on_commit_callbacks
):
    # given a render lost as many times in a row as the setting allows
    settings.NEWSLETTER_RENDER_MAX_RECOVERIES = 3
    issue = _rendering_since(make_issue(), 3600)
    Issue.objects.filter(pk=issue.pk).update(render_recoveries=3)
    # when beat's task finds it lost once more
    with django_capture_on_commit_callbacks(execute=True):
        assert services.issue_renders_recover() == []
    # then it is failed with the reason, and the editor may retry (which counts again from nought)
    issue.refresh_from_db()
    assert issue.status == Issue.Status.FAILED and "lost 4 times in a row" in issue.error
    with django_capture_on_commit_callbacks(execute=True):
        services.issue_render_request(issue=issue)
    issue.refresh_from_db()
    assert issue.status == Issue.Status.READY and issue.render_recoveries == 0


def test_the_issue_page_offers_retry_as_soon_as_the_render_is_stale(client, editor, make_issue, settings):
    settings.CELERY_TASK_SOFT_TIME_LIMIT, settings.CELERY_TASK_TIME_LIMIT = 50, 60
    settings.NEWSLETTER_RENDER_STALE_MARGIN = 10
    client.force_login(editor)
    issue = _rendering_since(make_issue(), 65)
    page = client.get(issue.get_absolute_url()).content.decode()
    assert "Rendering the PDF" in page and "Retry rendering" not in page
    issue = _rendering_since(issue, 71)
    page = client.get(issue.get_absolute_url()).content.decode()
    assert "Retry rendering" in page and "queued again within a minute" in page
