"""The public issue page (an edition's web version) on a phone and under the Content-Security-Policy."""

import re

import pytest

from newsletters import services
from newsletters.models import Issue

pytestmark = pytest.mark.django_db


def _published(issue: Issue) -> Issue:
    issue = services.issue_render(issue_id=issue.pk)
    services.issue_publish(issue=issue)
    return Issue.objects.get(pk=issue.pk)


def test_an_edition_reads_on_a_phone_and_links_to_the_other_language(client, make_issue):
    # given issue 7 published in English and in Chinese
    english = _published(make_issue())
    chinese = services.issue_edition_create(issue=english, language="zh-hans")
    services.issue_update(issue=chinese, title="SCORE中国电子简报 第7期", introduction="欢迎阅读。", language="zh-hans")
    _published(chinese)
    # when a visitor opens each edition
    en = client.get("/newsletter/cn/7/en/").content.decode()
    zh = client.get("/newsletter/cn/7/zh-hans/").content.decode()
    for page in (en, zh):
        # then it has a viewport, one main and one h1, and no inline style for the CSP to refuse
        assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
        assert page.count("<main") == 1 and len(re.findall(r"<h1\b", page)) == 1
        assert "<style" not in page and "style=" not in page
    # and each links to the other, in the other's language
    assert '<a href="/newsletter/cn/7/zh-hans/" hreflang="zh-hans" lang="zh-hans">阅读本期简体中文版</a>' in en
    assert '<a href="/newsletter/cn/7/en/" hreflang="en" lang="en">Read this issue in English</a>' in zh


def test_an_edition_alone_links_to_no_other_and_its_pdf_keeps_the_page_numbers(client, make_issue):
    english = _published(make_issue())
    page = client.get("/newsletter/cn/7/").content.decode()
    assert "hreflang" not in page
    # the PDF is made from the document with its @page rule (page numbers), which only the web page drops
    assert "@page" in english.versions.get().html
