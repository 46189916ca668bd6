"""The archive's Atom feed: each published edition, in both languages, linking to its web edition."""

import xml.etree.ElementTree as ET

import pytest

from newsletters import services

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def _published(issue):
    issue = services.issue_render(issue_id=issue.pk)
    services.issue_publish(issue=issue)
    return issue


def test_the_feed_lists_each_published_edition_in_its_language(client, make_issue):
    # given issue 7 published in English and in Chinese
    english = _published(make_issue())
    chinese = services.issue_edition_create(issue=english, language="zh-hans")
    services.issue_update(issue=chinese, title="SCORE中国电子简报 第7期", introduction="欢迎阅读。", language="zh-hans")
    _published(chinese)
    # when a feed reader fetches the feed the archive names
    archive = client.get("/newsletter/cn/").content.decode()
    assert '<link rel="alternate" type="application/atom+xml" href="/newsletter/cn/feed/"' in archive
    response = client.get("/newsletter/cn/feed/")
    # then it is Atom with one entry per published edition, each linking to its web page
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    entries = feed.findall(f"{ATOM}entry")
    links = sorted(e.find(f"{ATOM}link").get("href") for e in entries)
    assert links == ["http://testserver/newsletter/cn/7/en/", "http://testserver/newsletter/cn/7/zh-hans/"]
    titles = {e.find(f"{ATOM}title").text for e in entries}
    assert "SCORE中国电子简报 第7期" in titles
    summaries = {e.find(f"{ATOM}summary").text for e in entries}
    assert {"The last issue of 2014.", "欢迎阅读。"} <= summaries
    assert {e.find(f"{ATOM}category").get("term") for e in entries} == {"en", "zh-hans"}
