"""The newsletter reads like the real one (the 2014 SCORE China issues): a quote attributed to a role alone, a
feature's heading printed once, in the PDF, the web edition and the e-mail."""

import re

import pytest

from newsletters import services
from newsletters.mailing.edition import edition_email
from newsletters.models import QuotedPerson
from tests.factories import ExpertCommentFactory, NewsItemFactory
from tests.tokens import page_token

from .conftest import in_order, pdffonts, pdftotext

pytestmark = pytest.mark.django_db


@pytest.fixture
def issue(make_issue):
    return make_issue()


def _pdf(issue) -> str:
    issue = services.issue_render(issue_id=issue.pk)
    with issue.pdf.open("rb") as fh:
        return pdftotext(fh.read())


def _preview(client, issue) -> str:
    html = client.get(f"/newsletters/issues/{issue.pk}/preview/").content.decode()
    return html[html.index("<main") : html.index("</main>")]


def test_a_quote_is_attributed_to_a_role_alone_without_a_name_or_portrait(client, editor, issue):
    # given an editor who enters a person quoted by role only
    client.force_login(editor)
    refused = client.post("/newsletters/people/new/", {"name": "", "role": "", "organisation": ""})
    assert "Give a name, or a role the quote is attributed to." in refused.content.decode()
    response = client.post(
        "/newsletters/people/new/", {"name": "", "role": "SCORE module expert on OSH", "organisation": ""}
    )
    assert response.status_code == 302
    person = QuotedPerson.objects.get(role="SCORE module expert on OSH")
    comment = ExpertCommentFactory(trainer=None, person=person, quote="Safety pays for itself.")
    services.issue_item_remove(item=issue.items.get(section__kind="comment"))
    services.issue_item_add(issue=issue, section=issue.sections.get(kind="comment"), record=comment)
    # when the issue prints
    text = _pdf(issue)
    html = _preview(client, issue)
    mail = edition_email(issue)
    # then the quote is the role's, with no portrait and no initials, in the PDF, the web edition and the e-mail
    assert "SCORE module expert on OSH" in text and "Safety pays for itself." in text
    assert 'class="portrait' not in html and "SCORE module expert on OSH" in html
    assert "— SCORE module expert on OSH" in mail.text and "— ," not in mail.text
    assert "<strong></strong>" not in mail.html and "SCORE module expert on OSH" in mail.html


def test_a_feature_holding_one_record_titled_as_its_heading_prints_the_heading_once(client, editor, issue):
    # given a feature section "Gender Equality Strategy" holding one news item of that title
    feature = services.issue_section_add(issue=issue, kind="feature", heading="Gender Equality Strategy")
    record = NewsItemFactory(title="Gender equality strategy", place="", body="The ILO adopted a strategy.")
    services.issue_item_add(issue=issue, section=feature, record=record)
    # when it prints
    client.force_login(editor)
    text, html, mail = _pdf(issue), _preview(client, issue), edition_email(issue)
    # then the heading prints once, followed by the record's text, in each
    heading = re.compile("gender equality strategy", re.IGNORECASE)
    assert len(heading.findall(text)) == 1, text
    in_order(text, "Gender Equality Strategy", "The ILO adopted a strategy.")
    assert len(heading.findall(html)) == 1
    assert len(heading.findall(mail.html[mail.html.index("<body") :])) == 1
    assert len(heading.findall(mail.text)) == 1
    # and a second record in the section brings each record's own heading back
    services.issue_item_add(issue=issue, section=feature, record=NewsItemFactory(title="Another story"))
    assert len(heading.findall(_preview(client, issue))) == 2


MASTHEAD = {
    "language": "en",
    "en-newsletter_name": "SCORE China e-newsletter",
    "en-programme_line": "Sustaining Competitive and Responsible Enterprises",
    "en-publisher": "International Labour Organization",
    "en-team_signature": "The SCORE China team",
    "en-footer_heading": "For more information on SCORE China",
    "en-office_name": "ILO Country Office for China and Mongolia",
    "en-address": "1-10 Tayuan Diplomatic Office Building, 14 Liangmahe Nanlu, Beijing 100600, China",
    "en-telephone": "+86 10 9999 0000",
    "en-fax": "+86 10 9999 0001",
    "en-email": "beijing@ilo.org",
    "en-web": "www.ilo.org/beijing",
}


def test_an_issue_keeps_the_masthead_and_footer_it_was_made_with(client, editor, issue, make_issue):
    # given issue 7 published with the office's telephone of the time
    issue = services.issue_render(issue_id=issue.pk)
    services.issue_publish(issue=issue)
    assert "+86 10 6532 5091" in _pdf(issue)
    # when the editor changes the masthead's telephone and fax, then reopens issue 7 and renders it again
    client.force_login(editor)
    page = page_token(client, "/newsletters/masthead/", "en")
    assert client.post("/newsletters/masthead/", {**MASTHEAD, **page}).status_code == 302
    services.issue_reopen(issue=issue)
    old = _pdf(issue)
    # then issue 7 prints what it printed, in the PDF and in the e-mail
    assert "+86 10 6532 5091" in old and "+86 10 9999 0000" not in old
    mail = edition_email(issue)
    assert "+86 10 6532 1420" in mail.text and "+86 10 9999 0001" not in mail.text
    # and the next issue prints the new masthead and footer
    nxt = services.issue_create(period_start=issue.period_start.replace(year=2015, month=1), number=8)
    new = _pdf(nxt)
    assert "+86 10 9999 0000" in new and "www.ilo.org/beijing" in new and "+86 10 6532 5091" not in new


def test_the_chinese_edition_sets_latin_text_in_the_latin_font_and_the_web_edition_serves_the_same_fonts(
    client, editor, issue
):
    # given the Chinese edition of issue 7, whose news items have no Chinese text
    chinese = services.issue_edition_create(issue=issue, language="zh-hans")
    # when it prints
    chinese = services.issue_render(issue_id=chinese.pk)
    with chinese.pdf.open("rb") as fh:
        data = fh.read()
    # then its Latin text is set in the shipped Noto Sans and its Chinese in the CJK font
    fonts = pdffonts(data)
    assert [f for f in fonts if "Noto-Sans" in f and "CJK" not in f], fonts
    assert [f for f in fonts if "CJK" in f], fonts
    # and English text keeps ASCII punctuation: no full-width colon after an English place
    text = pdftotext(data)
    assert "Taixing, Jiangsu: ToE on Module 2" in text and "Jiangsu：" not in text
    # and the web edition names the same WOFF files as the PDF, in a stylesheet the page may load
    printed = set(re.findall(r"score-static:(fonts/[\w.-]+\.woff)", services.issue_html(chinese)))
    client.force_login(editor)
    page = client.get(f"/newsletters/issues/{chinese.pk}/preview/").content.decode()
    assert '<link rel="stylesheet" href="/newsletter/fonts.css">' in page
    css = client.get("/newsletter/fonts.css")
    assert css.status_code == 200 and css["Content-Type"].startswith("text/css")
    served = set(re.findall(r"/static/(fonts/[\w.-]+\.woff)", css.content.decode()))
    assert printed and served == printed
    assert css.content.decode().count("@font-face") == len(served)  # one file per face: no subsets to merge
