"""People managed by officers in the portal: invite, set a password from the link, change role, deactivate."""

import re

import pytest
from django.contrib.auth.models import Group, User
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import roles
from people import services
from people.models import PersonChange
from programmes.models import Country, PartnerMembership
from tests.conftest import give_countries
from tests.factories import EnterpriseFactory, OrganisationFactory, TrainerFactory, bring_in
from tests.tokens import page_token
from trainers.models import TrainerAccount

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://\S+/accounts/welcome/\S+/")


def invite(client, **fields):
    data = {"email": "", "first_name": "", "last_name": "", "role": "", "organisation": "", "trainer": ""}
    if fields.get("role") in ("officer", "editor"):  # an officer or an editor is given their countries
        data["countries"] = [Country.objects.get(code="CN").pk]
    data.update(fields)
    return client.post(reverse("people:person_invite"), data)


def link_in(message) -> str:
    found = LINK.search(message.body)
    assert found, message.body
    return found.group(0)


def set_password(client, link: str, password: str = "Tea-garden-2026"):
    page = client.get(link, follow=True)  # Django moves the token out of the address, then shows the form
    assert "Choose a password" in page.content.decode()
    return client.post(page.redirect_chain[-1][0], {"new_password1": password, "new_password2": password}, follow=True)


def test_officer_invites_a_partner_user_who_sets_a_password_and_sees_their_organisation(
    client, officer, django_capture_on_commit_callbacks
):
    # given an organisation with an enterprise, and another one
    saws = OrganisationFactory(name="SAWS", short_name="SAWS")
    bring_in(EnterpriseFactory(name="Deyang Heavy"), saws)
    bring_in(EnterpriseFactory(name="Elsewhere Ltd"), OrganisationFactory(name="Other", short_name="Other"))
    client.force_login(officer)

    # when the officer invites a partner user of SAWS
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(
            client, email="Li.Na@Saws.example", first_name="Li", last_name="Na", role="partner", organisation=saws.pk
        )

    # then the account exists without a password, is SAWS's, and the invitation is in the mail
    person = User.objects.get(email="li.na@saws.example")
    assert response.status_code == 302 and response.url == reverse("people:person_detail", args=[person.pk])
    assert not person.has_usable_password()
    assert PartnerMembership.objects.get(user=person).organisation == saws
    assert PersonChange.objects.get(person=person).action == PersonChange.Action.INVITED
    (message,) = mail.outbox
    assert message.to == ["li.na@saws.example"] and "Partner user of SAWS" in message.body

    # when the invitee follows the link and chooses a password
    client.logout()
    page = set_password(client, link_in(message))

    # then they are logged in and see SAWS's enterprises only
    assert "Welcome to the SCORE Portal" in page.content.decode()
    listing = client.get(reverse("enterprises:enterprise_list")).content.decode()
    assert "Deyang Heavy" in listing and "Elsewhere Ltd" not in listing
    person.refresh_from_db()
    assert person.check_password("Tea-garden-2026")
    assert PersonChange.objects.filter(person=person, action=PersonChange.Action.PASSWORD_SET, by=person).exists()


def test_the_link_works_once(client, officer, django_capture_on_commit_callbacks):
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        invite(client, email="once@example.org", role="editor")
    link = link_in(mail.outbox[0])
    client.logout()
    set_password(client, link)
    client.logout()

    page = client.get(link, follow=True).content.decode()

    assert "expired or has been used already" in page


def test_the_link_expires_after_three_days(client, officer, django_capture_on_commit_callbacks):
    import datetime as dt

    import time_machine
    from django.utils import timezone

    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        invite(client, email="late@example.org", role="editor")
    link = link_in(mail.outbox[0])
    client.logout()

    with time_machine.travel(timezone.now() + dt.timedelta(days=2)):
        assert "Choose a password" in client.get(link, follow=True).content.decode()
    # (a day's margin: the token generator reads naive local time, which time-machine moves in UTC)
    with time_machine.travel(timezone.now() + dt.timedelta(days=4)):
        page = client.get(link, follow=True).content.decode()

    assert "expired or has been used already" in page


def test_invitation_can_be_sent_again_until_the_password_is_set(client, officer, django_capture_on_commit_callbacks):
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        invite(client, email="again@example.org", role="editor")
    person = User.objects.get(email="again@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("people:invitation_resend", args=[person.pk]))

    assert [m.to for m in mail.outbox] == [["again@example.org"], ["again@example.org"]]
    assert PersonChange.objects.filter(person=person, action=PersonChange.Action.INVITATION_SENT).count() == 1
    client.logout()
    set_password(client, link_in(mail.outbox[1]))
    client.force_login(officer)
    page = client.post(reverse("people:invitation_resend", args=[person.pk]), follow=True).content.decode()
    assert "there is no invitation to send" in page
    assert len(mail.outbox) == 2


def test_invite_refuses_a_known_address_and_a_partner_without_organisation(client, officer):
    client.force_login(officer)

    taken = invite(client, email="OFFICER1@example.org", role="editor").content.decode()
    orgless = invite(client, email="new@example.org", role="partner").content.decode()
    trainerless = invite(client, email="new@example.org", role="trainer").content.decode()

    assert "Someone already has an account with this e-mail address." in taken
    assert "A partner user works for an organisation: choose it." in orgless
    assert "A trainer user is one of the trainers: choose the record." in trainerless
    assert not User.objects.filter(email="new@example.org").exists()
    assert mail.outbox == []


def test_officer_changes_a_partner_into_a_trainer_and_it_is_recorded(client, officer, make_partner):
    # given a partner user
    person = make_partner(OrganisationFactory(name="CEC", short_name="CEC"))
    trainer = TrainerFactory(name="Jia Hongwei")
    client.force_login(officer)

    # when the officer makes them the trainer Jia Hongwei
    url = reverse("people:person_edit", args=[person.pk])
    response = client.post(
        url,
        {
            **page_token(client, url, "details", name="seen"),
            "details-email": person.email,
            "details-first_name": "Hongwei",
            "details-last_name": "Jia",
            "role-role": "trainer",
            "role-organisation": "",
            "role-trainer": trainer.pk,
        },
    )

    # then the membership is gone, the trainer account exists, and the people page says who changed what
    assert response.status_code == 302
    assert not PartnerMembership.objects.filter(user=person).exists()
    assert TrainerAccount.objects.get(user=person).trainer == trainer
    assert PartnerMembership.history.filter(user_id=person.pk, history_type="-", history_user=officer).exists()
    page = client.get(reverse("people:person_detail", args=[person.pk])).content.decode()
    assert "Partner user of CEC → Trainer: Jia Hongwei" in page
    assert "Role changed" in page and "Name or e-mail changed" in page


def test_a_trainer_record_has_one_account(client, officer, make_trainer_user):
    trainer = TrainerFactory(name="Asia Wang")
    make_trainer_user(trainer)
    client.force_login(officer)

    page = invite(client, email="second@example.org", role="trainer", trainer=trainer.pk).content.decode()

    assert "Asia Wang already has an account" in page
    assert not User.objects.filter(email="second@example.org").exists()


def test_deactivated_person_cannot_log_in_and_is_kept(client, officer, editor):
    client.force_login(officer)

    client.post(reverse("people:person_deactivate", args=[editor.pk]), {"confirm": "yes"})

    editor.refresh_from_db()
    assert not editor.is_active
    assert PersonChange.objects.get(person=editor).action == PersonChange.Action.DEACTIVATED
    client.logout()
    assert not client.login(username="editor1", password="pw")
    page = client.post(reverse("login"), {"username": "editor1", "password": "pw"}).content.decode()
    assert "Please enter a correct username and password" in page


def test_officer_cannot_deactivate_themselves_or_drop_their_own_role(client, officer):
    client.force_login(officer)

    page = client.post(
        reverse("people:person_deactivate", args=[officer.pk]), {"confirm": "yes"}, follow=True
    ).content.decode()
    url = reverse("people:person_edit", args=[officer.pk])
    edit = client.post(
        url,
        {
            **page_token(client, url, "details", name="seen"),
            "details-email": officer.email,
            "role-role": "editor",
            "role-countries": [Country.objects.get(code="CN").pk],
        },
    ).content.decode()

    officer.refresh_from_db()
    assert officer.is_active and "You cannot deactivate yourself" in page
    assert "You cannot take your own officer role away" in edit


@pytest.mark.parametrize("who", ["partner", "editor", "trainer", "nobody"])
def test_only_officers_open_the_people_pages(client, who, make_partner, editor, nobody, make_trainer_user):
    user = {
        "partner": lambda: make_partner(OrganisationFactory()),
        "editor": lambda: editor,
        "trainer": lambda: make_trainer_user(TrainerFactory()),
        "nobody": lambda: nobody,
    }[who]()
    client.force_login(user)

    for url in (
        reverse("people:person_list"),
        reverse("people:person_invite"),
        reverse("people:person_detail", args=[user.pk]),
    ):
        assert client.get(url).status_code == 403
    assert client.post(reverse("people:person_deactivate", args=[user.pk])).status_code == 403
    user.refresh_from_db()
    assert user.is_active


def test_people_page_lists_role_organisation_and_status(client, officer, make_partner, make_trainer_user):
    make_partner(OrganisationFactory(name="BSCI", short_name="BSCI"), username="bsci-coordinator")
    make_trainer_user(TrainerFactory(name="Mu Xiaojun"), username="mu")
    client.force_login(officer)

    page = client.get(reverse("people:person_list")).content.decode()
    partners = client.get(reverse("people:person_list"), {"role": "partner"}).content.decode()

    assert "bsci-coordinator" in page and "BSCI" in page and "Mu Xiaojun" in page and "Trainer" in page
    assert "bsci-coordinator" in partners and "Mu Xiaojun" not in partners
    assert '<option value="unknown" selected>Any</option>' in page  # the Active filter, empty


def test_people_page_queries_do_not_grow_with_rows(client, officer, make_partner):
    org = OrganisationFactory()
    client.force_login(officer)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("people:person_list")).status_code == 200
        return len(ctx.captured_queries)

    make_partner(org)
    one = count()
    for _ in range(24):
        make_partner(org)
    assert count() == one


def test_stale_people_page_cannot_give_back_a_role_another_officer_took_away(client, officer, make_partner):
    # given officer A opens a partner user's page to correct their name
    cec = OrganisationFactory(name="CEC", short_name="CEC")
    person = make_partner(cec)
    url = reverse("people:person_edit", args=[person.pk])
    client.force_login(officer)
    opened = page_token(client, url, "details", name="seen")
    # and officer B then takes the partner role away (the person left CEC and is now only a newsletter editor)
    other = User.objects.create_user("officer2", email="officer2@example.org", password="pw", is_staff=True)
    other.groups.add(Group.objects.get(name=roles.OFFICERS))
    give_countries(other, everywhere=True)
    services.person_role_set(
        by=other, person=person, role=roles.Role.EDITOR, countries=[Country.objects.get(code="CN")]
    )
    # when A saves the page as it was opened (partner of CEC) with the new name
    stale = {
        **opened,
        "details-email": person.email,
        "details-first_name": "Hongwei",
        "details-last_name": "Jia",
        "role-role": "partner",
        "role-organisation": cec.pk,
        "role-trainer": "",
    }
    response = client.post(url, stale)
    # then nothing is saved: the person stays an editor without CEC's data, and A is told why
    assert response.status_code == 409
    assert "Someone else changed this person while you were editing" in response.content.decode()
    person.refresh_from_db()
    assert roles.role_of(User.objects.get(pk=person.pk)) == roles.Role.EDITOR
    assert not PartnerMembership.objects.filter(user=person).exists()
    assert person.first_name != "Hongwei"
    # and the same post without the page's state is stale too
    del stale["details-seen"]
    assert client.post(url, stale).status_code == 409
    assert not PartnerMembership.objects.filter(user=person).exists()
    # while the page opened again saves
    again = {
        **stale,
        **page_token(client, url, "details", name="seen"),
        "role-role": "editor",
        "role-organisation": "",
        "role-countries": [Country.objects.get(code="CN").pk],
    }
    assert client.post(url, again).status_code == 302
    person.refresh_from_db()
    assert person.first_name == "Hongwei"
