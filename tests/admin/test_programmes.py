"""The admin of programme records refuses what programmes.services refuses, and keeps the edit-version check."""

import datetime as dt

import pytest

from programmes import services
from programmes.models import Module, PartnerMembership, TrainingRound

from .conftest import change_form

pytestmark = pytest.mark.django_db


def test_organisation_cannot_be_deleted_in_the_admin(officer_client, programme):
    # the services have no organisation delete: its rounds, enterprises and members stay
    url = f"/admin/programmes/organisation/{programme.cec.pk}/delete/"
    assert officer_client.get(url).status_code == 403
    officer_client.post(url, {"post": "yes"})
    assert type(programme.cec).objects.filter(pk=programme.cec.pk).exists()
    assert programme.round.__class__.objects.filter(pk=programme.round.pk).exists()


def test_stale_organisation_form_is_refused_with_the_pages_message(officer_client, programme):
    # given an officer opened the organisation's admin page
    url = f"/admin/programmes/organisation/{programme.cec.pk}/change/"
    data = change_form(officer_client, url)
    # and another officer renamed it on the portal since
    services.organisation_save(
        organisation=programme.cec, edit_version=programme.cec.edit_version, city="Nanjing", name=programme.cec.name
    )
    # when the first one saves their change
    data["province"] = "Zhejiang"
    response = officer_client.post(url, data)
    # then nothing is saved over the other's change, and they are told what changed
    assert response.status_code == 200
    content = response.content.decode()
    assert "Someone else saved this record while you were editing it" in content
    assert "Nanjing" in content
    programme.cec.refresh_from_db()
    assert (programme.cec.city, programme.cec.province) == ("Nanjing", "Jiangsu")


def test_organisation_form_without_its_token_is_stale(officer_client, programme):
    url = f"/admin/programmes/organisation/{programme.cec.pk}/change/"
    data = change_form(officer_client, url)
    del data["edit_token"]
    data["city"] = "Wuxi"
    response = officer_client.post(url, data)
    assert "Someone else saved this record" in response.content.decode()
    programme.cec.refresh_from_db()
    assert programme.cec.city == "Taixing"


def test_fresh_organisation_form_saves_through_the_service(officer_client, programme):
    url = f"/admin/programmes/organisation/{programme.cec.pk}/change/"
    data = change_form(officer_client, url)
    data["city"] = "Wuxi"
    response = officer_client.post(url, data)
    assert response.status_code == 302
    programme.cec.refresh_from_db()
    assert programme.cec.city == "Wuxi"
    assert programme.cec.edit_version == 1  # the service claimed a version


def test_stale_agreement_form_cannot_undo_a_portal_edit(officer_client, programme):
    # given an officer opened the licence in the admin, and another extended its territory on the portal since
    url = f"/admin/programmes/agreement/{programme.licence.pk}/change/"
    data = change_form(officer_client, url)
    services.agreement_save(
        organisation=programme.tuv, agreement=programme.licence, edit_version=0, territory="China and Mongolia"
    )
    # when the first saves their (older) form
    data["notes"] = "Renewal under discussion"
    response = officer_client.post(url, data)
    # then it is refused and the other's change stays
    assert "Someone else saved this record" in response.content.decode()
    programme.licence.refresh_from_db()
    assert (programme.licence.territory, programme.licence.notes) == ("China and Mongolia", "")


def test_modules_are_read_only_in_the_admin(officer_client):
    m1 = Module.objects.get(code="M1")
    url = f"/admin/programmes/module/{m1.pk}/change/"
    response = officer_client.get(url)
    assert response.status_code == 200
    assert 'name="name"' not in response.content.decode()  # shown, not editable
    officer_client.post(url, {"code": "M1", "name": "Renamed", "short_name": "x", "order": 1})
    assert officer_client.get(f"/admin/programmes/module/{m1.pk}/delete/").status_code == 403
    m1.refresh_from_db()
    assert m1.name != "Renamed"


def test_round_status_is_not_edited_by_hand_in_the_admin(officer_client, programme):
    # given an officer changes a planned round's notes in the admin, posting a status as well
    url = f"/admin/programmes/traininground/{programme.round.pk}/change/"
    data = change_form(officer_client, url)
    data.update(status=TrainingRound.Status.CANCELLED, notes="Moved to the spring")
    response = officer_client.post(url, data)
    # then the notes are saved through the service, and the status stays where the round's life put it
    assert response.status_code == 302
    programme.round.refresh_from_db()
    assert programme.round.notes == "Moved to the spring"
    assert programme.round.status == TrainingRound.Status.PLANNED


def test_round_history_cannot_be_reverted_in_the_admin(officer_client, programme):
    # given the round was cancelled on its page after it was recorded
    first = programme.round.history.earliest()
    services.round_transition(training_round=programme.round, to_status=TrainingRound.Status.CANCELLED)
    # when an officer posts the first historical version back ("Revert")
    url = f"/admin/programmes/traininground/{programme.round.pk}/history/{first.history_id}/"
    response = officer_client.post(url, change_form(officer_client, url))
    # then nothing is written: a revert would bring a cancelled round back to life past the services
    assert response.status_code == 403
    programme.round.refresh_from_db()
    assert programme.round.status == TrainingRound.Status.CANCELLED
    # and the history keeps both versions
    assert programme.round.history.count() == 2


def test_partner_membership_is_changed_on_the_people_page_not_in_the_admin(officer_client, programme, make_partner):
    partner = make_partner(programme.cec)
    membership = PartnerMembership.objects.get(user=partner)
    url = f"/admin/programmes/partnermembership/{membership.pk}/change/"
    officer_client.post(url, {"user": partner.pk, "organisation": programme.tuv.pk})
    assert officer_client.get(f"/admin/programmes/partnermembership/{membership.pk}/delete/").status_code == 403
    assert officer_client.get("/admin/programmes/partnermembership/add/").status_code == 403
    membership.refresh_from_db()
    assert membership.organisation == programme.cec


def test_licence_with_rounds_cannot_be_deleted_in_bulk(admin_client, programme):
    from tests.factories import TrainingRoundFactory

    TrainingRoundFactory(organiser=programme.tuv, city="Dongguan", start=dt.date(2014, 11, 3), end=dt.date(2015, 1, 30))
    response = admin_client.post(
        "/admin/programmes/agreement/",
        {"action": "delete_selected", "_selected_action": [programme.licence.pk], "post": "yes"},
    )
    assert response.status_code == 403  # the confirmation names what may not be deleted; the post is refused
    assert type(programme.licence).objects.filter(pk=programme.licence.pk).exists()
