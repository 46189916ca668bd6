"""The editors' subscriber pages: who may see them, search, export and import."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from newsletters.mailing.models import Subscriber

pytestmark = pytest.mark.django_db


def test_only_editors_see_the_subscribers(client, editor, officer, nobody, make_partner, make_subscriber):
    from tests.factories import OrganisationFactory

    make_subscriber("reader@example.com")
    assert client.get("/newsletters/subscribers/").status_code == 302  # to the login page
    for user in (nobody, make_partner(OrganisationFactory())):
        client.force_login(user)
        assert client.get("/newsletters/subscribers/").status_code == 404
        assert client.get("/newsletters/subscribers/?_export=csv").status_code == 404
        assert client.get("/newsletters/subscribers/import/").status_code == 404
    for user in (editor, officer):
        client.force_login(user)
        assert "reader@example.com" in client.get("/newsletters/subscribers/").content.decode()


def test_editors_search_and_filter_and_see_how_people_consented(client, editor, make_subscriber):
    make_subscriber("li.na@example.com", language="zh-hans", consent_note="Issue No. 7")
    make_subscriber("bob@example.org", status=Subscriber.Status.UNSUBSCRIBED)
    client.force_login(editor)
    page = client.get("/newsletters/subscribers/?q=li.na").content.decode()
    assert "li.na@example.com" in page and "bob@example.org" not in page
    assert "Form on the archive" in page and "Issue No. 7" in page
    page = client.get("/newsletters/subscribers/?status=unsubscribed").content.decode()
    assert "bob@example.org" in page and "li.na@example.com" not in page


def test_the_export_neutralises_formulas(client, editor, make_subscriber):
    make_subscriber("reader@example.com", consent_note='=HYPERLINK("http://evil.example","x")')
    client.force_login(editor)
    response = client.get("/newsletters/subscribers/?_export=csv")
    body = b"".join(response.streaming_content).decode()
    assert "E-mail,Newsletter,Language,Status" in body.splitlines()[0]
    assert "reader@example.com,China,en,confirmed" in body
    assert "'=HYPERLINK" in body and ",=HYPERLINK" not in body


def _import(client, text: str, note: str = "Signed up at the 2014 Shanghai conference"):
    upload = SimpleUploadedFile("list.csv", text.encode("utf-8"), content_type="text/csv")
    return client.post("/newsletters/subscribers/import/", {"file": upload, "consent_note": note}, follow=True)


def test_an_import_names_each_bad_row_and_saves_nothing(client, editor):
    client.force_login(editor)
    response = _import(
        client, "email,language\nok@example.com,en\nnot-an-address,en\nx@mailinator.com,zh\nz@example.com,fr\n"
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Row 3: “not-an-address” is not a valid e-mail address." in page
    assert "Row 4: Addresses at mailinator.com are throw-away mailboxes" in page
    assert "Row 5: “fr” is not a language of this newsletter (en, zh-hans, both)." in page
    assert not Subscriber.objects.exists()


def test_an_import_skips_duplicates_and_never_resubscribes_someone_who_left(client, editor, make_subscriber):
    make_subscriber("left@example.com", status=Subscriber.Status.UNSUBSCRIBED)
    make_subscriber("here@example.com")
    client.force_login(editor)
    page = _import(
        client,
        "Email,Language\nNew@Example.com,zh-hans\nnew@example.com,en\nhere@example.com,\nleft@example.com,both\n"
        "other@example.com,both\n",
    ).content.decode()
    assert "2 subscribers added. 2 addresses already in the list, skipped." in page
    assert "1 address had unsubscribed or bounced, not subscribed again." in page
    new = Subscriber.objects.get(email="new@example.com")
    assert new.status == Subscriber.Status.CONFIRMED and new.language == "zh-hans"
    assert new.consent_source == Subscriber.Source.IMPORT
    assert new.consent_note.startswith("Signed up at the 2014 Shanghai conference (imported by editor1")
    assert Subscriber.objects.get(email="left@example.com").status == Subscriber.Status.UNSUBSCRIBED


def test_an_exported_file_imports_back(client, editor, make_subscriber):
    make_subscriber("a@example.com", language="both")
    client.force_login(editor)
    exported = b"".join(client.get("/newsletters/subscribers/?_export=csv").streaming_content).decode()
    Subscriber.objects.all().delete()
    _import(client, exported)
    assert Subscriber.objects.get().language == "both"


def test_an_import_is_bounded_by_rows_columns_and_cells_not_a_server_error(client, editor):
    # the subscriber import reads through the same bounded reader as the results import (core/spreadsheets.py)
    client.force_login(editor)
    wide = "email," + "x," * 100_000 + "\nwang@example.com\n"
    assert "Row 1 has more than 20 columns" in _import(client, wide).content.decode()
    long_cell = 'email,language\n"' + "x" * 200_000 + '",en\n'
    assert "holds more than 1,000 characters" in _import(client, long_cell).content.decode()
    assert not Subscriber.objects.exists()
