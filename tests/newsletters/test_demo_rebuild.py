"""Issue 2 of the demo, deleted and rebuilt through the editors' pages alone, prints the original's sections and
items in the original's order."""

import io

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from newsletters.models import Issue, IssueVersion

from .conftest import in_order, pdf_text

pytestmark = pytest.mark.django_db


def printed(version: IssueVersion) -> list[tuple[str, str, list[tuple[str, int]]]]:
    return [(s["kind"], s["heading"], [(i["type"], i["id"]) for i in s["items"]]) for s in version.snapshot["sections"]]


def test_demo_issue_2_rebuilt_through_the_pages_prints_the_originals_sections_and_items(
    client, settings, django_capture_on_commit_callbacks
):
    settings.DEBUG = True
    call_command("load_demo", stdout=io.StringIO())
    original = Issue.objects.get(number=2, language="en")
    expected = printed(original.versions.get())
    introduction, title = original.introduction, original.title
    assert [kind for kind, _h, _i in expected] == ["news", "comment", "results", "events", "csr"]
    # given issue 2 is gone
    IssueVersion.objects.filter(issue=original).delete()
    original.delete()

    # when the editor enters it again as a back issue: its period typed, its publication date given
    client.force_login(User.objects.get(username="editor"))
    response = client.post(
        "/newsletters/issues/new/",
        {
            "other_period": "2014-05",
            "country": original.country_id,  # the demo has two newsletters: China's and Viet Nam's
            "number": 2,
            "language": "en",
            "publication_date": "2014-06-30",
            "title": title,
            "introduction": introduction,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    rebuilt = Issue.objects.get(number=2, language="en")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/newsletters/issues/{rebuilt.pk}/render/")
    client.post(f"/newsletters/issues/{rebuilt.pk}/publish/", {"confirm": "yes"})

    # then it prints the same sections with the same records in the same order, dated as the original
    version = IssueVersion.objects.get(issue__number=2, issue__language="en")
    assert printed(version) == expected
    assert version.issue.publication_date.isoformat() == "2014-06-30"
    with version.pdf.open("rb") as fh:
        text = pdf_text(fh.read())
    in_order(
        text,
        "Issue No. 2, June 2014",
        "The Latest SCORE News",
        "Comments from SCORE Expert Trainer",
        "Enterprise Improvement Results",
        "Ningbo household products manufacturer",
        "The Upcoming Key Activities",
        "Latest News on CSR Development",
    )
    assert "Published on 30 June 2014" in client.get("/newsletter/cn/").content.decode()
