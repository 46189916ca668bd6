"""The editor decides what goes in: records of any date in any section, feature sections, the order of sections,
how a result prints; publishing asks first; the masthead and footer are the editors' settings."""

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from enterprises.models import Result
from newsletters import services
from newsletters.models import Issue, IssueItem, IssueSection, Masthead, QuotedPerson
from tests.factories import ExpertCommentFactory, NewsItemFactory, ResultFactory
from tests.tokens import page_token

from .conftest import in_order, stored_pdf_text

pytestmark = pytest.mark.django_db


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (200, 240), "teal").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def issue(make_issue):
    return make_issue()


def kinds(issue) -> list[str]:
    return list(issue.sections.order_by("position").values_list("kind", flat=True))


def test_a_new_issue_has_the_standard_sections_of_its_records_in_the_newsletters_order(issue):
    assert kinds(issue) == ["news", "comment", "results", "events", "practice"]


def test_an_editor_adds_an_approved_result_of_another_period_to_a_feature_section(client, editor, issue):
    # given a result approved two years before the issue's period, and one not approved
    old = ResultFactory(
        enterprise__name="Ningbo household products manufacturer",
        title="Storage area tidied",
        status=Result.Status.APPROVED,
        approved_at=timezone.make_aware(dt.datetime(2012, 6, 5, 12)),
    )
    draft = ResultFactory(enterprise__name="Draft Works", status=Result.Status.SUBMITTED)
    client.force_login(editor)
    # when the editor adds a feature section with its own headings
    response = client.post(
        f"/newsletters/issues/{issue.pk}/sections/",
        {"kind": "feature", "heading": "Gender equality strategy", "heading_zh_hans": "性别平等战略"},
    )
    assert response.status_code == 302
    feature = issue.sections.get(kind="feature")
    # then it comes last; the editor moves it above the events
    assert kinds(issue)[-1] == "feature"
    client.post(f"/newsletters/issues/{issue.pk}/sections/{feature.pk}/", {"action": "up"})
    client.post(f"/newsletters/issues/{issue.pk}/sections/{feature.pk}/", {"action": "up"})
    assert kinds(issue) == ["news", "comment", "results", "feature", "events", "practice"]
    # when they search the approved results: the old one is offered, the submitted one never
    page = client.get(f"/newsletters/issues/{issue.pk}/records/?kind=results&q=works").content.decode()
    assert "Draft Works" not in page
    page = client.get(f"/newsletters/issues/{issue.pk}/records/?kind=results").content.decode()
    assert "Ningbo household products manufacturer" in page and "Draft Works" not in page
    # and add the old result to the feature section
    response = client.post(
        f"/newsletters/issues/{issue.pk}/records/",
        {"kind": "results", "record": old.pk, "section": feature.pk, "back": "kind=results"},
    )
    assert response.status_code == 302
    item = issue.items.get(result=old)
    assert item.section == feature
    # a submitted result cannot be added, whatever is posted
    response = client.post(
        f"/newsletters/issues/{issue.pk}/records/", {"kind": "results", "record": draft.pk, "section": feature.pk}
    )
    assert response.status_code == 404
    assert not issue.items.filter(result=draft).exists()
    # and the PDF prints the feature, with the result, before the events
    text = stored_pdf_text(services.issue_render(issue_id=issue.pk))
    in_order(
        text,
        "Enterprise Improvement Results",
        "Teho Metal",
        "Gender equality strategy",
        "Ningbo household products manufacturer",
        "Storage area tidied",
        "The Upcoming Key Activities",
        "ToT for SGS trainers",
        "CSR Practice Sharing Hub",
    )


def test_the_service_refuses_a_result_that_is_not_approved(issue):
    draft = ResultFactory(status=Result.Status.SUBMITTED)
    with pytest.raises(ValidationError, match="Only approved results"):
        services.issue_item_add(issue=issue, section=issue.sections.get(kind="results"), record=draft)


def test_a_record_cannot_be_added_twice_and_the_editor_is_told_where_it_is(client, editor, issue):
    news = issue.items.get(news_item__title="Developing HR handbook").news_item
    client.force_login(editor)
    response = client.post(
        f"/newsletters/issues/{issue.pk}/records/",
        {"kind": "news", "record": news.pk, "section": issue.sections.get(kind="practice").pk},
        follow=True,
    )
    assert "is in this issue already, in “The Latest SCORE News”" in response.content.decode()
    assert issue.items.filter(news_item=news).count() == 1


def test_an_item_moves_to_another_section_and_a_standard_section_is_made_where_it_belongs(client, editor, issue):
    client.force_login(editor)
    handbook = issue.items.get(news_item__title="Developing HR handbook")
    # to a standard section the issue lacks: made at its place in the newsletter's order
    client.post(f"/newsletters/issues/{issue.pk}/items/{handbook.pk}/", {"action": "move_to", "section": "kind:csr"})
    handbook.refresh_from_db()
    assert handbook.section.kind == "csr"
    assert kinds(issue) == ["news", "comment", "results", "events", "csr", "practice"]
    text = stored_pdf_text(services.issue_render(issue_id=issue.pk))
    in_order(
        text, "The Latest SCORE News", "Taixing", "Latest News on CSR Development", "Yunnan: Developing HR handbook"
    )


def test_a_section_without_date_lines_prints_none(issue):
    news = issue.sections.get(kind="news")
    services.issue_section_update(section=news, heading="", show_dates=False)
    html = services.issue_html(issue)
    assert "11 December 2014" not in html  # the news item's date
    assert "25 November 2014" in html  # the practice item's, in a section that prints them


def test_an_empty_section_is_removed_and_one_with_records_is_not(client, editor, issue):
    client.force_login(editor)
    news = issue.sections.get(kind="news")
    response = client.post(f"/newsletters/issues/{issue.pk}/sections/{news.pk}/", {"action": "delete"}, follow=True)
    assert "Move or remove the section&#x27;s records first." in response.content.decode()
    assert issue.sections.filter(kind="news").exists()
    feature = services.issue_section_add(issue=issue, kind="feature", heading="CSR news")
    client.post(f"/newsletters/issues/{issue.pk}/sections/{feature.pk}/", {"action": "delete"})
    assert not issue.sections.filter(pk=feature.pk).exists()


def test_a_feature_section_needs_a_heading(client, editor, issue):
    client.force_login(editor)
    response = client.post(f"/newsletters/issues/{issue.pk}/sections/", {"kind": "feature", "heading": ""}, follow=True)
    assert "A feature section needs a heading." in response.content.decode()
    assert not issue.sections.filter(kind="feature").exists()


def test_the_chinese_edition_copies_the_sections_and_prints_their_chinese_headings(issue):
    feature = services.issue_section_add(
        issue=issue, kind="feature", heading="Gender strategy", translations={"zh-hans": {"heading": "性别战略"}}
    )
    services.issue_item_add(issue=issue, section=feature, record=NewsItemFactory(title="Women in management"))
    chinese = services.issue_edition_create(issue=issue, language="zh-hans")
    assert kinds(chinese) == kinds(issue)
    assert chinese.items.get(news_item__title="Women in management").section.i18n["heading_zh_hans"] == "性别战略"
    html = services.issue_html(chinese)
    assert "性别战略" in html and "Gender strategy" not in html


def test_publishing_asks_first_and_warns_of_an_empty_section(client, editor, issue):
    services.issue_section_add(issue=issue, kind="feature", heading="Practice sharing")
    issue = services.issue_render(issue_id=issue.pk)
    client.force_login(editor)
    page = client.get(f"/newsletters/issues/{issue.pk}/publish/").content.decode()
    assert "The section “Practice sharing” is empty: it will not print." in page
    assert "Publish now" in page
    assert not issue.versions.exists()
    client.post(f"/newsletters/issues/{issue.pk}/publish/", {"confirm": "yes"})
    issue.refresh_from_db()
    assert issue.status == Issue.Status.PUBLISHED


def test_publishing_warns_of_an_issue_without_records(client, editor):
    issue = services.issue_create(period_start=dt.date(2010, 1, 1), number=3)
    services.issue_render(issue_id=issue.pk)
    client.force_login(editor)
    page = client.get(f"/newsletters/issues/{issue.pk}/publish/").content.decode()
    assert "This issue has no records" in page


def test_a_result_prints_as_the_editor_chose_from_the_issue_page(client, editor, issue):
    client.force_login(editor)
    item = issue.items.get(section__kind="results")
    client.post(
        f"/newsletters/issues/{issue.pk}/items/{item.pk}/",
        {"action": "layout", "result_display": "kpis", "photo_width": "full"},
    )
    item.refresh_from_db()
    assert (item.result_display, item.photo_width) == ("kpis", "full")
    html = services.issue_html(issue)
    assert "Material recovery rate" in html and "Moving oil barrels" not in html
    # a value outside the choices is refused, nothing changes
    response = client.post(
        f"/newsletters/issues/{issue.pk}/items/{item.pk}/",
        {"action": "layout", "result_display": "poster", "photo_width": "half"},
        follow=True,
    )
    assert "is not a valid choice" in response.content.decode()
    item.refresh_from_db()
    assert (item.result_display, item.photo_width) == ("kpis", "full")


def test_an_editor_removes_a_record_from_the_issue_and_the_record_stays(client, editor, issue):
    client.force_login(editor)
    item = issue.items.get(news_item__title="Developing HR handbook")
    client.post(f"/newsletters/issues/{issue.pk}/items/{item.pk}/", {"action": "remove"})
    assert not issue.items.filter(pk=item.pk).exists()
    assert item.news_item.__class__.objects.filter(pk=item.news_item_id).exists()


def test_an_editor_who_is_not_an_officer_creates_the_person_a_quote_is_from(client, editor, issue):
    client.force_login(editor)
    response = client.post(
        "/newsletters/people/new/",
        {
            "name": "Mu Xiaojun",
            "role": "SCORE Module Expert on Human Resource Management",
            "organisation": "",
            "photo": SimpleUploadedFile("mu.png", png(), content_type="image/png"),
        },
    )
    assert response.status_code == 302
    person = QuotedPerson.objects.get(name="Mu Xiaojun")
    assert person.photo and person.trainer is None
    comment = ExpertCommentFactory(trainer=None, person=person, quote="Human resources imply productivity.")
    chosen = issue.items.get(section__kind="comment")
    services.issue_item_remove(item=chosen)
    services.issue_item_add(issue=issue, section=issue.sections.get(kind="comment"), record=comment)
    text = stored_pdf_text(services.issue_render(issue_id=issue.pk))
    in_order(
        text, "Mu Xiaojun", "SCORE Module Expert on Human Resource Management", "Human resources imply productivity."
    )
    assert "Asia Wang" not in text


def test_a_quote_needs_a_person_or_a_trainer(client, editor):
    client.force_login(editor)
    response = client.post("/newsletters/comments/new/", {"given_on": "2014-06-01", "quote": "Unattributed."})
    assert "Say who the quote is from" in response.content.decode()


def test_the_masthead_and_footer_are_the_editors_settings_per_language(client, editor, issue):
    assert Masthead.objects.get(language="en").telephone == "+86 10 6532 5091"  # the office's, from before
    client.force_login(editor)
    response = client.post(
        "/newsletters/masthead/",
        {
            "language": "en",
            "en-newsletter_name": "SCORE China e-newsletter",
            "en-programme_line": "Sustaining Competitive and Responsible Enterprises",
            "en-publisher": "International Labour Organization",
            "en-team_signature": "The SCORE China team",
            "en-footer_heading": "For more information on SCORE China",
            "en-office_name": "ILO Country Office for China and Mongolia",
            "en-address": "1-10 Tayuan Diplomatic Office Building, 14 Liangmahe Nanlu, Beijing 100600, China",
            "en-telephone": "+86 10 6532 5091",
            **page_token(client, "/newsletters/masthead/", "en"),
            "en-fax": "+86 10 6532 1420",
            "en-email": "beijing@ilo.org",
            "en-web": "www.ilo.org/beijing",
        },
    )
    assert response.status_code == 302
    text = stored_pdf_text(services.issue_render(issue_id=issue.pk))
    assert "14 Liangmahe Nanlu" in text and "beijing@ilo.org" in text and "The SCORE China team" in text
    # the Chinese edition prints its own
    chinese = services.issue_edition_create(issue=issue, language="zh-hans")
    assert "国际劳工组织中国和蒙古局" in services.issue_html(chinese)
    # a bad e-mail is refused next to the field, nothing saved
    response = client.post("/newsletters/masthead/", {"language": "en", "en-email": "not an address"})
    assert "Enter a valid email address." in response.content.decode()
    assert Masthead.objects.get(language="en").email == "beijing@ilo.org"


def test_no_template_holds_the_office_contact():
    from pathlib import Path

    template = Path(services.__file__).parent / "templates" / "newsletters" / "issue_document.html"
    assert "Tayuan" not in template.read_text() and "6532" not in template.read_text()


def test_only_editors_reach_the_new_pages(client, officer, nobody, issue):
    client.force_login(nobody)
    for url in (
        f"/newsletters/issues/{issue.pk}/records/",
        f"/newsletters/issues/{issue.pk}/publish/",
        "/newsletters/masthead/",
        "/newsletters/people/",
        "/newsletters/people/new/",
    ):
        assert client.get(url).status_code == 404, url
    assert (
        client.post(f"/newsletters/issues/{issue.pk}/sections/", {"kind": "feature", "heading": "X"}).status_code == 404
    )
    assert not IssueSection.objects.filter(kind="feature").exists()


def test_the_add_records_page_makes_the_same_queries_for_few_and_many_records(client, editor, issue):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(editor)
    url = f"/newsletters/issues/{issue.pk}/records/?kind=results"
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for i in range(20):
        ResultFactory(status=Result.Status.APPROVED, approved_at=timezone.make_aware(dt.datetime(2013, 1, 1 + i)))
    with CaptureQueriesContext(connection) as large:
        assert "Enterprise" in client.get(url).content.decode()
    assert len(large.captured_queries) == len(small.captured_queries)


def test_issue_item_defaults_are_story_and_kpis_at_half_width(issue):
    item = issue.items.get(section__kind="results")
    assert item.result_display == IssueItem.ResultDisplay.BOTH and item.photo_width == IssueItem.PhotoWidth.HALF
