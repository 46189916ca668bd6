"""Issue 21 §5: a form posted without its edit token is stale, not fresh. Without the token the page cannot
say which version it started from, so saving it could write over a change it never saw."""

import pytest

from programmes import services
from tests.factories import OrganisationFactory
from tests.tokens import page_token

pytestmark = pytest.mark.django_db


def _organisation_form(org, **changes) -> dict:
    values = {
        "name": org.name,
        "short_name": org.short_name,
        "kind": org.kind,
        "parent": "",
        "province": org.province,
        "city": org.city,
        "website": "",
        "email": "",
        "notes": "",
    }
    values.update(changes)
    return values


def test_edit_posted_without_its_token_does_not_undo_another_officers_save(client, officer):
    # given another officer moved CEC to Nanjing after this page was opened (its token lost on the way)
    org = OrganisationFactory(name="China Enterprise Confederation", short_name="CEC", city="Taixing")
    services.organisation_save(organisation=org, edit_version=0, city="Nanjing")
    client.force_login(officer)
    url = f"/organisations/{org.pk}/edit/"
    # when the page is posted with the old city and a new note, without its edit token
    response = client.post(url, _organisation_form(org, city="Taixing", notes="Met on 3 May"))
    # then nothing is saved and the officer is told someone else may have saved
    assert response.status_code in (200, 409)
    assert "Someone else saved this record while you were editing it" in response.content.decode()
    org.refresh_from_db()
    assert (org.city, org.notes) == ("Nanjing", "")
    # and the page comes back with a token, so saving it again (knowing) works
    again = {**_organisation_form(org, notes="Met on 3 May"), **page_token(client, url)}
    assert client.post(url, again).status_code == 302
    org.refresh_from_db()
    assert (org.city, org.notes) == ("Nanjing", "Met on 3 May")
