"""The e-mail of an issue, as a real SMTP server receives it: both parts, the records, photos, links."""

import re

import pytest
from django.core.management import call_command

from newsletters import services as newsletter_services
from newsletters.models import Issue, NewsItem

from .conftest import parts, path_of

pytestmark = pytest.mark.django_db

LONG_BODY = " ".join(f"word{n}" for n in range(150)) + " THE-END-OF-THE-STORY"


def _long_news():
    NewsItem.objects.filter(title="ToE on Module 2").update(body=LONG_BODY)


def test_the_email_of_an_issue_has_both_parts_from_the_issues_records(published_issue, smtp_inbox, client):
    # given issue 7 published, one of its news items long
    issue = published_issue()
    _long_news()
    # when the operator sends themselves a test
    call_command("send_newsletter", "7", "--to", "editor@example.org")
    [message] = smtp_inbox.wait_for(1)
    text, html = parts(message)
    # then both parts carry the masthead, the introduction, each section and its records
    assert message["Subject"].strip() == "[Test] SCORE China e-newsletter, Issue No. 7, December 2014"
    for part in (text, html):
        for words in (
            "The last issue of 2014.",
            "Taixing, Jiangsu: ToE on Module 2",
            "Teho Metal",
            "Material recovery rate",
            "ToT for SGS trainers",
            "SCORE is a project of sustainable vitality.",
            "Asia Wang",
        ):
            assert words in part, words
        # the long news item is shortened, with a link to the web edition
        assert "word59…" in part and "THE-END-OF-THE-STORY" not in part
        assert "https://score.example.org/newsletter/cn/7/en/#" in part
    assert "Read more" in html
    # and the HTML is laid out for mail clients: inlined CSS, a 600 px table, a phone rule kept in <style>
    assert 'style="' in html and "max-width: 600px" in html and "@media only screen and (max-width: 620px)" in html
    assert 'role="presentation"' in html
    # and its photos are small copies served by the portal at absolute addresses, only those the edition printed
    images = re.findall(r'<img src="([^"]+)"', html)
    assert len(images) == 2 and all(
        src.startswith("https://score.example.org/newsletter/cn/7/mail-images/") for src in images
    )
    response = client.get(path_of(images[0]))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    from PIL import Image

    with Image.open(__import__("io").BytesIO(b"".join(response.streaming_content))) as photo:
        assert max(photo.size) <= 540
    assert client.get("/newsletter/cn/7/mail-images/photos/2014/12/other.jpg").status_code == 404
    version = issue.versions.get()
    master = next(iter(version.images))
    assert client.get(f"/newsletter/cn/8/mail-images/{master}").status_code == 404  # another issue's number


def test_a_chinese_edition_is_mailed_in_chinese(make_issue, smtp_inbox):
    english = make_issue()
    chinese = newsletter_services.issue_edition_create(issue=english, language="zh-hans")
    newsletter_services.issue_update(
        issue=chinese, title="SCORE中国电子简报 第7期", introduction="欢迎阅读。", language="zh-hans"
    )
    call_command("send_newsletter", "7", "--language", "zh-hans", "--to", "editor@example.org")
    [message] = smtp_inbox.wait_for(1)
    text, html = parts(message)
    assert "SCORE中国电子简报 第7期" in message["Subject"] and "欢迎阅读。" in text
    assert '<html lang="zh-hans">' in html and "退订" in html and "在网上阅读" in text


def test_editors_preview_the_email_and_send_themselves_a_test(client, editor, nobody, make_issue, smtp_inbox):
    issue = make_issue()
    client.force_login(nobody)
    assert client.get(f"/newsletters/issues/{issue.pk}/email/").status_code == 404
    assert client.post(f"/newsletters/issues/{issue.pk}/email/test/").status_code == 404
    client.force_login(editor)
    page = client.get(issue.get_absolute_url()).content.decode()
    assert "Preview the e-mail" in page and "Send me a test" in page
    assert "Once this edition is published, it can be sent to its subscribers." in page
    response = client.get(f"/newsletters/issues/{issue.pk}/email/")
    assert response.status_code == 200 and "Teho Metal" in response.content.decode()
    assert "style-src 'self' 'unsafe-inline'" in response["Content-Security-Policy"]
    assert "/newsletters/images/" in response.content.decode()  # the preview's photos: the editors' own view
    page = client.post(f"/newsletters/issues/{issue.pk}/email/test/", follow=True).content.decode()
    assert "A test e-mail was sent to editor1@example.org." in page
    [message] = smtp_inbox.wait_for(1)
    assert message["To"] == "editor1@example.org" and Issue.objects.get(pk=issue.pk).status == Issue.Status.DRAFT


def test_the_email_says_what_the_pdf_says_kpi_period_footer_and_photo_descriptions(published_issue, smtp_inbox):
    # given issue 7, its KPI counted per year, published
    from enterprises.models import KPILine

    issue = published_issue()
    KPILine.objects.filter(result__enterprise__name="Teho Metal").update(period="year")
    # when the operator sends themselves a test
    call_command("send_newsletter", str(issue.number), "--to", "editor@example.org")
    [message] = smtp_inbox.wait_for(1)
    text, html = parts(message)
    # then the KPI's period, the footer's fax and web address are in both parts, as in the PDF
    for part in (text, html):
        assert re.search(r"Material recovery rate \([^)]*, per year\)", part), part
        assert "Fax +86 10 6532 1420" in part and "www.ilo.org/score" in part
    # and each photo's alternative text says which photo it is
    assert 'alt="Before: Moving oil barrels needed two workers"' in html
    assert 'alt="After: Using a handling cart"' in html
