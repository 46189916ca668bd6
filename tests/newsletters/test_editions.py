"""An issue in English and in Chinese: two editions with one number, one period and the same items."""

import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from newsletters import services
from newsletters.models import Event, ExpertComment, Issue, NewsItem
from tests.factories import give_texts

from .conftest import pdf_text

pytestmark = pytest.mark.django_db


def _translate_some_records():
    give_texts(
        NewsItem.objects.filter(title="ToE on Module 2"),
        title="模块二企业培训",
        place="江苏泰兴",
        body="贾宏伟先生讲授了培训课程。",
    )
    give_texts(Event.objects.filter(title="ToT for SGS trainers"), title="SGS培训师师资培训", place="上海")
    give_texts(ExpertComment.objects.all(), quote="SCORE是一个具有持久生命力的项目。")


def _published(issue: Issue) -> Issue:
    issue = services.issue_render(issue_id=issue.pk)
    services.issue_publish(issue=issue)
    return Issue.objects.get(pk=issue.pk)


def test_the_chinese_edition_has_the_same_items_in_the_same_order(make_issue):
    # given an English issue whose editor moved the practice item up and left out a news item
    english = make_issue()
    news = list(english.items.filter(section__kind="news").order_by("position"))
    services.issue_item_move(item=news[-1], offset=-1)
    services.issue_item_set_included(item=news[0], included=False)
    # when the Chinese edition is made
    chinese = services.issue_edition_create(issue=english, language="zh-hans")
    # then it shares number and period, has its own Chinese title, and the same items as the English one
    assert (chinese.number, chinese.period_start, chinese.language) == (7, english.period_start, "zh-hans")
    assert chinese.title.startswith("SCORE") and "第 7 期" in chinese.title and chinese.introduction == ""

    def layout(issue):
        return list(
            issue.items.order_by("section__position", "position").values_list(
                "section__kind", "position", "included", "news_item", "event", "expert_comment", "result"
            )
        )

    assert layout(chinese) == layout(english)
    # and a second Chinese edition is refused
    with pytest.raises(ValidationError, match="already has an edition in this language"):
        services.issue_edition_create(issue=english, language="zh-hans")


def test_both_editions_print_the_same_comment(make_issue):
    # given an English issue that took the period's comment
    english = make_issue()
    # when a Chinese edition of the same number is assembled on its own (the new-issue form's way)
    chinese = services.issue_create(period_start=english.period_start, number=english.number, language="zh-hans")
    # then it takes the same comment: an edition is not "another issue" that used it up
    comment = english.items.get(section__kind="comment").expert_comment
    assert chinese.items.get(section__kind="comment").expert_comment == comment


def test_an_editor_makes_the_chinese_edition_from_the_issue_page(client, editor, make_issue):
    english = make_issue()
    client.force_login(editor)
    page = client.get(english.get_absolute_url()).content.decode()
    assert "Make the Simplified Chinese edition" in page and 'id="id_language"' in page
    response = client.post(f"/newsletters/issues/{english.pk}/editions/", {"language": "zh-hans"}, follow=True)
    chinese = Issue.objects.get(number=english.number, language="zh-hans")
    assert response.redirect_chain[-1][0] == chinese.get_absolute_url()
    page = response.content.decode()
    assert "The Simplified Chinese edition of Issue No. 7 was made with the same items" in page
    assert 'data-testid="edition-language">Simplified Chinese<' in page
    assert "Make the Simplified Chinese edition" not in page
    # an edition keeps its language: the form has no language field once there are two
    assert 'id="id_language"' not in page
    # a language the portal does not know is refused with a message, and nothing is made
    response = client.post(f"/newsletters/issues/{english.pk}/editions/", {"language": "fr"}, follow=True)
    assert "Choose a language for the new edition." in response.content.decode()
    assert Issue.objects.filter(number=english.number).count() == 2


def test_the_new_issue_form_knows_the_edition_rules(client, editor, make_issue):
    english = make_issue()  # No. 7, November–December 2014
    client.force_login(editor)

    def create(**data):
        return client.post("/newsletters/issues/new/", {"period_start": "2014-11-01", "language": "en", **data})

    assert "Issue No. 7 already exists in this language." in create(number=7).content.decode()
    page = create(number=7, period_start="2015-01-01", language="zh-hans").content.decode()
    assert "Issue No. 7 covers November–December 2014; choose another number." in page
    page = create(number=8).content.decode()
    assert "Issue No. 7 already covers this period; add an edition in another language from its page." in page
    assert Issue.objects.count() == 1
    # the same number and period in another language is that issue's edition
    response = create(number=7, language="zh-hans")
    assert response.status_code == 302
    assert Issue.objects.filter(number=7, period_start=english.period_start, language="zh-hans").exists()


def test_the_archive_offers_each_published_edition(client, make_issue):
    # given issue 7 published in English and in Chinese, and a Chinese draft of issue 8 nobody may see
    english = make_issue()
    _translate_some_records()
    chinese = services.issue_edition_create(issue=english, language="zh-hans")
    services.issue_update(issue=chinese, title="SCORE中国电子简报 第7期", introduction="欢迎阅读。", language="zh-hans")
    _published(english)
    _published(chinese)
    # then the archive shows one card for No. 7 with both editions
    page = client.get("/newsletter/cn/").content.decode()
    assert page.count('class="card h-100') == 1
    assert 'data-testid="edition-en"' in page and 'data-testid="edition-zh-hans"' in page
    assert "/newsletter/cn/7/zh-hans/pdf/" in page and "/newsletter/cn/7/en/pdf/" in page
    # a Chinese visitor sees the card in Chinese
    page = client.get("/newsletter/cn/", headers={"accept-language": "zh-hans"}).content.decode()
    assert "SCORE中国电子简报 第7期" in page
    # each edition reads on the web and downloads as its own PDF
    assert "ToE on Module 2" in client.get("/newsletter/cn/7/").content.decode()
    web = client.get("/newsletter/cn/7/zh-hans/").content.decode()
    assert "江苏泰兴：模块二企业培训" in web and "ToE on Module 2" not in web
    response = client.get("/newsletter/cn/7/zh-hans/pdf/")
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="score-china-newsletter-7-zh-hans.pdf"' in response["Content-Disposition"]
    text = re.sub(r"\s+", "", pdf_text(b"".join(response.streaming_content)))
    assert "江苏泰兴：模块二企业培训" in text and "SCORE是一个具有持久生命力的项目。" in text
    assert "ToE on Module 2" in pdf_text(b"".join(client.get("/newsletter/cn/7/pdf/").streaming_content))
    # an edition that is not published is not there
    assert client.get("/newsletter/cn/7/fr/").status_code == 404
    services.issue_edition_create(
        issue=services.issue_create(period_start=english.period_start.replace(year=2015, month=1), number=8),
        language="zh-hans",
    )
    assert client.get("/newsletter/cn/8/zh-hans/").status_code == 404


def test_render_newsletter_renders_the_english_edition_unless_told_another(make_issue, tmp_path):
    english = make_issue()
    _translate_some_records()
    services.issue_edition_create(issue=english, language="zh-hans")
    out, said = tmp_path / "issue.pdf", io.StringIO()
    call_command("render_newsletter", "7", "--output", str(out), stdout=said)
    assert "the en edition (use --language for zh-hans)" in said.getvalue()
    assert "ToE on Module 2" in pdf_text(out.read_bytes())
    call_command("render_newsletter", "7", "--language", "zh-hans", "--output", str(out), stdout=io.StringIO())
    assert "模块二企业培训" in re.sub(r"\s+", "", pdf_text(out.read_bytes()))
    with pytest.raises(CommandError, match="There is no issue No. 7 in 'fr'."):
        call_command("render_newsletter", "7", "--language", "fr", "--output", str(out), stdout=io.StringIO())
