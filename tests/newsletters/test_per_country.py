"""A newsletter per country programme (issue 22 §6): each its own numbers, archive, feed, masthead and footer,
subscribers; and every address handed out when the portal had one newsletter still answers, moved for good."""

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from django.core import mail

from newsletters import services
from newsletters.mailing import edition, emails
from newsletters.mailing import services as mailing_services
from newsletters.mailing.models import Subscriber
from newsletters.models import Issue, Masthead
from tests.conftest import give_countries
from tests.factories import CountryFactory, NewsItemFactory, china

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def _published(issue: Issue) -> Issue:
    issue = services.issue_render(issue_id=issue.pk)
    services.issue_publish(issue=issue)
    return Issue.objects.get(pk=issue.pk)


@pytest.fixture
def two_newsletters(make_issue):
    """China's issue 7 in English and Chinese, and Viet Nam's issue 7 (its own series, the same number)."""
    china_en = _published(make_issue())
    _published(services.issue_edition_create(issue=china_en, language="zh-hans"))
    viet_nam = CountryFactory(office_name="SCORE Viet Nam office", address="12 Phố Demo, Hà Nội", illustrative=True)
    NewsItemFactory(country=viet_nam, title="Module 1 in Hà Nội", date=dt.date(2014, 12, 3))
    vn = _published(services.issue_create(country=viet_nam, period_start=dt.date(2014, 11, 1), number=7, language="en"))
    return china_en, vn


def test_each_country_numbers_its_own_series_and_has_its_own_archive_and_feed(client, two_newsletters):
    china_en, vn = two_newsletters
    assert (china_en.number, vn.number) == (7, 7)
    assert services.issue_next_number(vn.country) == 8
    # the index lists each country's newsletter; each archive holds its own issues only
    index = client.get("/newsletter/").content.decode()
    assert 'href="/newsletter/cn/"' in index and 'href="/newsletter/vn/"' in index
    assert "SCORE China e-newsletter" in index and "SCORE Viet Nam newsletter" in index
    vietnamese = client.get("/newsletter/vn/").content.decode()
    assert "Illustrative data" not in client.get("/newsletter/cn/").content.decode()
    assert "data is illustrative, not real" in vietnamese
    assert 'href="/newsletter/vn/7/en/"' in vietnamese and "/newsletter/cn/7/" not in vietnamese
    assert "Module 1 in Hà Nội" in client.get("/newsletter/vn/7/").content.decode()
    assert "Module 1 in Hà Nội" not in client.get("/newsletter/cn/7/").content.decode()
    assert client.get("/newsletter/vn/7/zh-hans/").status_code == 404  # Viet Nam has no Chinese edition
    assert client.get("/newsletter/xx/").status_code == 404
    # a feed per country, each naming its own newsletter
    feed = ET.fromstring(client.get("/newsletter/vn/feed/").content)
    assert feed.find(f"{ATOM}title").text == "SCORE Viet Nam newsletter"
    assert [e.find(f"{ATOM}link").get("href") for e in feed.findall(f"{ATOM}entry")] == [
        "http://testserver/newsletter/vn/7/en/"
    ]


def test_the_footer_prints_the_country_programmes_office_and_its_masthead_is_its_own(two_newsletters, client, editor):
    china_en, vn = two_newsletters
    html = services.issue_html(vn)
    assert "SCORE Viet Nam office" in html and "12 Phố Demo, Hà Nội" in html
    assert "Tayuan" not in html and "Tayuan" in services.issue_html(china_en)
    # an editor of both newsletters gives Viet Nam's its masthead; China's is untouched
    give_countries(editor, china(), vn.country)
    client.force_login(editor)
    page = client.get("/newsletters/masthead/?country=vn").content.decode()
    assert "Viet Nam" in page and 'name="vi-newsletter_name"' in page
    from tests.tokens import page_token

    response = client.post(
        "/newsletters/masthead/?country=vn",
        {
            "language": "en",
            "en-newsletter_name": "SCORE Viet Nam Bulletin",
            "en-programme_line": "SCORE",
            **page_token(client, "/newsletters/masthead/?country=vn", "en"),
        },
    )
    assert response.status_code == 302
    assert Masthead.objects.get(country=vn.country, language="en").newsletter_name == "SCORE Viet Nam Bulletin"
    assert Masthead.objects.get(country=china(), language="en").newsletter_name == "SCORE China e-newsletter"


def test_subscribers_choose_among_their_countrys_languages_and_receive_its_editions(client, two_newsletters):
    china_en, vn = two_newsletters
    form = client.get("/newsletter/vn/").content.decode()
    assert 'name="country" value="VN"' in form
    assert 'name="language" value="vi"' in form and 'name="language" value="zh-hans"' not in form
    for country in ("VN", "CN"):
        client.post(
            "/newsletter/subscribe/",
            {"email": "reader@example.com", "language": "en", "consent": "on", "source": "archive", "country": country},
        )
    # one address, two subscriptions; a language the country does not use is refused
    assert set(Subscriber.objects.values_list("country__code", flat=True)) == {"VN", "CN"}
    refused = client.post(
        "/newsletter/subscribe/",
        {"email": "other@example.com", "language": "zh-hans", "consent": "on", "source": "archive", "country": "VN"},
    )
    assert refused.status_code == 400 and not Subscriber.objects.filter(email="other@example.com").exists()
    Subscriber.objects.update(status=Subscriber.Status.CONFIRMED)
    mail.outbox.clear()
    mailing_services.mailing_send_now(issue=vn, rate=0)
    assert [m.to for m in mail.outbox] == [["reader@example.com"]]
    assert "SCORE Viet Nam newsletter" in mail.outbox[0].body
    assert edition.edition_web_url(vn) in mail.outbox[0].body and "/newsletter/vn/7/en/" in mail.outbox[0].body


def test_every_address_handed_out_before_answers_or_moves_for_good(client, settings, two_newsletters):
    """The archive, issue pages, PDFs, versions, images, the feed and the photos of sent e-mails: each old form
    either answers as before or redirects permanently (301) to the first programme's (China's) same page."""
    china_en, vn = two_newsletters
    image = next(iter(china_en.versions.get().images))
    moved = {
        "/newsletter/feed/": ("/newsletter/cn/feed/", "application/atom+xml"),
        "/newsletter/7/": ("/newsletter/cn/7/", "text/html"),
        "/newsletter/7/pdf/": ("/newsletter/cn/7/pdf/", "application/pdf"),
        "/newsletter/7/v1/pdf/": ("/newsletter/cn/7/v1/pdf/", "application/pdf"),
        "/newsletter/7/en/": ("/newsletter/cn/7/en/", "text/html"),
        "/newsletter/7/zh-hans/": ("/newsletter/cn/7/zh-hans/", "text/html"),
        "/newsletter/7/zh-hans/pdf/": ("/newsletter/cn/7/zh-hans/pdf/", "application/pdf"),
        "/newsletter/7/zh-hans/v1/pdf/": ("/newsletter/cn/7/zh-hans/v1/pdf/", "application/pdf"),
        f"/newsletter/7/images/{image}": (f"/newsletter/cn/7/images/{image}", "image/"),
        f"/newsletter/7/mail-images/{image}": (f"/newsletter/cn/7/mail-images/{image}", "image/"),
        # a link of a sent e-mail, with its tracking query
        "/newsletter/7/en/?utm_source=email": ("/newsletter/cn/7/en/?utm_source=email", "text/html"),
    }
    for old, (new, content_type) in moved.items():
        response = client.get(old)
        assert (response.status_code, response["Location"]) == (301, new), old
        followed = client.get(new)
        assert followed.status_code == 200, new
        assert followed["Content-Type"].startswith(content_type), (new, followed["Content-Type"])
    # China's issue 7, never Viet Nam's of the same number
    assert "Module 1 in Hà Nội" not in client.get("/newsletter/7/", follow=True).content.decode()
    # the archive's own address answers: the index, with China's newsletter on it
    archive = client.get("/newsletter/")
    assert archive.status_code == 200 and 'href="/newsletter/cn/"' in archive.content.decode()
    # the links of every e-mail sent before (preferences, unsubscribe, the form) name no newsletter: unchanged
    settings.PORTAL_URL = "https://score.example.org"
    subscriber = Subscriber.objects.create(
        country=china(), email="reader@example.com", status=Subscriber.Status.CONFIRMED, consent_source="archive"
    )
    for url in (emails.preferences_url(subscriber), emails.unsubscribe_url(subscriber), "/newsletter/subscribe/"):
        path = url.removeprefix("https://score.example.org")
        assert client.get(path).status_code == 200, path
    assert 'name="country" value="CN"' in client.get("/newsletter/subscribe/").content.decode()


def test_an_issue_is_written_in_its_countrys_languages(client, editor, two_newsletters):
    china_en, vn = two_newsletters
    give_countries(editor, china(), vn.country)  # an editor of both newsletters
    client.force_login(editor)
    # Viet Nam's issue is offered a Vietnamese edition, China's a Chinese one, neither the other's
    assert 'value="vi"' in client.get(vn.get_absolute_url()).content.decode()
    page = client.get(china_en.get_absolute_url()).content.decode()
    assert 'name="language" value="vi"' not in page
    client.post(f"/newsletters/issues/{vn.pk}/editions/", {"language": "zh-hans"})
    assert not Issue.objects.filter(country=vn.country, language="zh-hans").exists()
    form = {"period_start": "2015-01-01", "country": vn.country_id, "language": "zh-hans"}
    response = client.post("/newsletters/issues/new/", form)
    assert "Viet Nam&#x27;s newsletter is not written in this language." in response.content.decode()
    response = client.post("/newsletters/issues/new/", {**form, "language": "vi"})
    created = Issue.objects.get(country=vn.country, language="vi")
    assert response.status_code == 302 and created.number == 8  # the next of Viet Nam's series
