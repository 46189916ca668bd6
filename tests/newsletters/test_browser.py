"""An editor assembles, renders and publishes an issue in a real browser; a visitor reads it in the archive."""

import io

import pytest
from pypdf import PdfReader

from score_portal.demo import demo_load
from tests.conftest import browser_login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(settings, transactional_db):
    settings.DEBUG = True  # the demo accounts (password 'demo') are only created in development
    demo_load()
    settings.DEBUG = False


def test_editor_publishes_an_issue_that_visitors_can_read(page, browser, live_server, demo):
    # given the demo editor is logged in
    browser_login(page, "editor", "demo")
    page.get_by_role("link", name="Newsletter", exact=True).click()
    screenshot(page, "newsletters-01-issues")
    # when they create issue No. 4 for September–October 2014
    page.get_by_role("link", name="New issue").click()
    page.get_by_label("Or another period").fill("2014-09")  # a back issue: typed, the menu offers recent periods
    # the demo editor edits China's newsletter only: the issue is China's, the country not asked
    assert page.locator("#id_country").get_attribute("type") == "hidden"
    page.get_by_label("Issue number").fill("4")
    page.get_by_label("Editorial introduction").fill("TÜV Rheinland China is the first licensed SCORE provider.")
    page.get_by_role("button", name="Create").click()
    # then the issue is filled with the period's news
    page.get_by_text("Issue No. 4 was created with 1 record.").wait_for()
    page.get_by_text("ILO signs first license agreement with TÜV Rheinland China").first.wait_for()
    screenshot(page, "newsletters-02-issue-draft")
    # when they render the PDF (the task runs when the request's transaction commits)
    page.get_by_role("button", name="Render PDF").click()
    page.get_by_role("link", name="Publish…").wait_for(timeout=60_000)
    screenshot(page, "newsletters-03-issue-ready")
    # and publish it, once they confirm
    page.get_by_role("link", name="Publish…").click()
    screenshot(page, "newsletters-03a-publish-confirm")
    page.get_by_role("button", name="Publish now").click()
    page.get_by_role("link", name="In the archive").wait_for()

    # when they make the Chinese edition, whose news item has no Chinese text yet
    page.get_by_role("button", name="Make the Simplified Chinese edition").click()
    page.get_by_text("The Simplified Chinese edition of Issue No. 4 was made with the same items").wait_for()
    assert page.get_by_test_id("edition-language").inner_text() == "Simplified Chinese"
    assert page.get_by_test_id("english-only").count() == 1
    page.get_by_label("Editorial introduction").fill("TÜV莱茵中国成为首家获得许可的SCORE培训机构。")
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text("The introduction was saved.").wait_for()
    page.get_by_role("button", name="Render PDF").click()
    page.get_by_role("link", name="Publish…").wait_for(timeout=60_000)
    screenshot(page, "newsletters-03b-chinese-edition-ready")
    page.get_by_role("link", name="Publish…").click()
    page.get_by_role("button", name="Publish now").click()
    page.get_by_role("link", name="In the archive").wait_for()

    # then a visitor without an account finds it in the public archive, newest first after No. 5
    visitor = browser.new_context(base_url=live_server.url).new_page()
    visitor.goto("/newsletter/cn/")
    screenshot(visitor, "newsletters-04-archive")
    archive = visitor.locator("main").inner_text()
    assert archive.index("No. 5") < archive.index("No. 4") < archive.index("No. 2")
    # and its PDF carries the introduction and the news
    response = visitor.request.get("/newsletter/cn/4/pdf/")
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages).split())
    assert "first licensed SCORE provider" in text
    assert "ILO signs first license agreement" in text
    # and the Chinese edition is offered beside it, with its own PDF
    card = visitor.locator("article", has_text="Issue No. 4")
    assert card.get_by_test_id("edition-en").is_visible() and card.get_by_test_id("edition-zh-hans").is_visible()
    response = visitor.request.get("/newsletter/cn/4/zh-hans/pdf/")
    text = "".join("".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages).split())
    assert "TÜV莱茵中国成为首家获得许可的SCORE培训机构。" in text and "SCORE最新动态" in text


def test_editor_adds_a_record_of_another_period_and_a_feature_section(page, live_server, demo):
    # given the editor enters issue No. 6 for September–October 2014, a back issue
    browser_login(page, "editor", "demo")
    page.goto("/newsletters/issues/new/")
    page.get_by_label("Or another period").fill("2014-09")
    page.get_by_label("Issue number").fill("6")
    page.get_by_label("Publication date").fill("2014-10-31")
    page.get_by_role("button", name="Create").click()
    page.get_by_text("Issue No. 6 was created with 1 record.").wait_for()
    issue_url = page.url
    # when they add a feature section with its own heading
    add_section = page.locator("#add-section")
    add_section.get_by_label("Heading", exact=True).fill("Gender equality strategy")
    add_section.get_by_label("Heading (Simplified Chinese)", exact=True).fill("性别平等战略")
    add_section.get_by_role("button", name="Add the section").click()
    page.get_by_text("The section “Gender equality strategy” was added").wait_for()
    # and add a result approved in another period to it, and a news item of another period to the news
    page.get_by_role("link", name="Add records of any date").click()
    page.locator(".nav-tabs").get_by_role("link", name="Approved results").click()
    page.get_by_role("searchbox").fill("Ningbo")
    page.get_by_role("button", name="Search").click()
    row = page.get_by_test_id("candidates").locator("li", has_text="Ningbo household products manufacturer")
    row.get_by_label("Section").select_option(label="Gender equality strategy")
    screenshot(page, "newsletters-05-add-records")
    row.get_by_role("button", name="Add to the issue").click()
    page.get_by_text("was added to “Gender equality strategy”").wait_for()
    page.locator(".nav-tabs").get_by_role("link", name="News items").click()
    page.get_by_role("searchbox").fill("Weibo")
    page.get_by_role("button", name="Search").click()
    page.get_by_test_id("candidates").get_by_role("button", name="Add to the issue").first.click()
    page.get_by_text("was added to “The Latest SCORE News”").wait_for()
    # and render the PDF
    page.goto(issue_url)
    screenshot(page, "newsletters-06-issue-with-feature")
    page.get_by_role("button", name="Render PDF").click()
    page.get_by_role("link", name="Publish…").wait_for(timeout=60_000)
    # one message for the state: ready, and nothing left saying it is rendering
    assert "The PDF is ready" in page.get_by_role("status").inner_text()
    assert "Rendering" not in page.locator("main").inner_text()
    # then the PDF prints the news of both periods, then the feature with the result, in order
    response = page.request.get(page.get_by_role("link", name="Download PDF").get_attribute("href"))
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages).split())
    position = 0
    for part in (
        "The Latest SCORE News",
        "ILO signs first license agreement with TÜV Rheinland China",
        "launches its official Weibo",
        "Gender equality strategy",
        "Ningbo household products manufacturer",
    ):
        found = text.find(part, position)
        assert found >= 0, f"{part!r} not after position {position}: {text[position : position + 200]!r}"
        position = found + len(part)
