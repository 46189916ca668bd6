"""Text never becomes a resource: only what the template names is fetched, published or served (issue 9, class 3)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from enterprises.models import Result
from newsletters import services
from newsletters.models import Issue
from tests.factories import NewsItemFactory, OrganisationFactory, PhotoPairFactory, ResultFactory

from .conftest import stored_pdf_text

pytestmark = pytest.mark.django_db


def _published(issue) -> Issue:
    issue = services.issue_render(issue_id=issue.pk)
    assert issue.status == Issue.Status.READY, issue.error
    services.issue_publish(issue=issue)
    return Issue.objects.get(pk=issue.pk)


def test_a_news_body_naming_a_static_path_prints_as_text(client, editor, make_issue):
    NewsItemFactory(
        title="A curious item",
        date=dt.date(2014, 11, 20),
        body="See score-static:../../etc/passwd and url(score-static:css/portal.css) and score-media:../../x.jpg",
    )
    issue = make_issue()
    issue = services.issue_render(issue_id=issue.pk)
    assert issue.status == Issue.Status.READY, issue.error
    assert "score-static:../../etc/passwd" in stored_pdf_text(issue)
    client.force_login(editor)
    preview = client.get(reverse("newsletters:issue_preview", args=[issue.pk])).content.decode()
    assert "See score-static:../../etc/passwd" in preview  # the text, untouched
    assert "/static/../../etc/passwd" not in preview and "/etc/passwd" not in preview.replace("../../etc/passwd", "")


def test_a_body_naming_the_file_of_an_unapproved_results_photo_publishes_nothing(client, editor, make_issue):
    secret = PhotoPairFactory(
        result=ResultFactory(enterprise__name="Still a draft", status=Result.Status.SUBMITTED),
        before__caption="Not for the public",
    ).before
    name = secret.image.name
    NewsItemFactory(title="A curious item", date=dt.date(2014, 11, 20), body=f"Look: score-media:{name}")
    issue = _published(make_issue())
    version = issue.versions.get()
    assert name not in version.images
    assert f"score-media:{name}" in stored_pdf_text(issue)  # printed as the text it is
    # anonymous readers: the archive page shows the text, and the photo is not served under any name
    page = client.get(f"/newsletter/cn/{issue.number}/").content.decode()
    assert f"Look: score-media:{name}" in page
    assert f"/newsletter/cn/{issue.number}/images/{name}" not in page
    assert client.get(f"/newsletter/cn/{issue.number}/images/{name}").status_code == 404
    # editors neither: the preview serves photos of approved results and of results in an issue only
    client.force_login(editor)
    assert client.get(reverse("newsletters:image", args=[name])).status_code == 404
    printed = next(iter(version.images))
    assert client.get(reverse("newsletters:image", args=[printed])).status_code == 200


def test_editors_see_the_photos_of_approved_results_and_partners_none_through_the_newsletter(
    client, editor, make_partner
):
    approved = PhotoPairFactory(
        result=ResultFactory(status=Result.Status.APPROVED, approved_at=timezone.now())
    ).before.image.name
    returned = PhotoPairFactory(result=ResultFactory(status=Result.Status.RETURNED)).before.image.name
    client.force_login(editor)
    assert client.get(reverse("newsletters:image", args=[approved])).status_code == 200
    assert client.get(reverse("newsletters:image", args=[returned])).status_code == 404
    assert client.get(reverse("newsletters:image", args=["../../../etc/passwd"])).status_code == 404
    client.force_login(make_partner(OrganisationFactory()))
    assert client.get(reverse("newsletters:image", args=[approved])).status_code == 404


def test_the_pdf_fetches_only_what_the_template_names():
    from newsletters import pdf

    with pdf.collecting() as resources:
        src = pdf.static_src("css/newsletter-print.css")
    doc = pdf.document(f'<link rel="stylesheet" href="{src}"><p>x</p>', resources)
    fetcher = pdf.StorageURLFetcher(media=doc.media, static=doc.static)
    assert b"@page" in fetcher(src).read()
    for url in ("score-static:../../etc/passwd", "score-static:css/portal.css", "score-media:photos/a.jpg"):
        with pytest.raises(pdf.NewsletterRenderError):
            fetcher(url)
    with pytest.raises(pdf.NewsletterRenderError):
        pdf.static_src("../../etc/passwd")
