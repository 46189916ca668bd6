"""An officer brings a partner user in, in a real browser; the invitation goes through a real SMTP server."""

import re

import pytest

from tests.conftest import browser_login, screenshot
from tests.factories import EnterpriseFactory, OrganisationFactory, bring_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_invites_a_partner_user_who_sets_a_password_and_sees_only_their_organisation(page, officer, smtp_inbox):
    # given SAWS with one enterprise, and an enterprise of another organisation
    saws = OrganisationFactory(name="Sichuan Administration of Work Safety", short_name="SAWS")
    bring_in(EnterpriseFactory(name="Deyang Heavy Machinery"), saws)
    bring_in(EnterpriseFactory(name="Elsewhere Ltd"), OrganisationFactory(short_name="CEC"))

    # when the officer invites a partner user of SAWS from the people page
    browser_login(page, "officer1")
    page.get_by_role("button", name="Programme setup").click()  # People sits in the setup menu
    page.get_by_role("link", name="People", exact=True).click()
    page.get_by_role("link", name="Invite a person").click()
    page.get_by_label("E-mail").fill("wang.fang@saws.example")
    page.get_by_label("First name").fill("Fang")
    page.get_by_label("Last name").fill("Wang")
    page.get_by_label("Role").select_option(label="Partner user")
    page.get_by_label("Organisation (partner users)").select_option(label="SAWS")
    screenshot(page, "people-01-invite")
    page.get_by_role("button", name="Send the invitation").click()
    assert page.get_by_text("Invitation sent to wang.fang@saws.example.").is_visible()
    assert page.get_by_text("Partner user of SAWS").first.is_visible()
    screenshot(page, "people-02-invited")

    # then the invitation arrives by e-mail with its link
    (message,) = smtp_inbox.wait_for(1)
    assert message["To"] == "wang.fang@saws.example"
    link = re.search(r"https?://\S+/accounts/welcome/\S+/", message.get_content()).group(0)

    # when the invitee, in a browser of their own, opens the link and chooses a password
    page.context.clear_cookies()
    page.goto(link)
    page.locator("#id_new_password1").fill("Sichuan-Deyang-2014")
    page.locator("#id_new_password2").fill("Sichuan-Deyang-2014")
    screenshot(page, "people-03-set-password")
    page.get_by_role("button", name="Set my password").click()

    # then they are in, and see SAWS's enterprise only
    assert page.get_by_text("Welcome to the SCORE Portal. Your password is set.").is_visible()
    page.get_by_role("link", name="Enterprises", exact=True).click()
    assert page.get_by_role("link", name="Deyang Heavy Machinery").is_visible()
    assert page.get_by_text("Elsewhere Ltd").count() == 0
    screenshot(page, "people-04-partner-enterprises")

    # and the link is dead once used
    page.context.clear_cookies()
    page.goto(link)
    assert page.get_by_text("This link has expired or has been used already.").is_visible()


def test_trainer_sees_their_round_and_records_a_factory_visit(page, make_trainer_user):
    from programmes.models import TrainingRound
    from tests.factories import ParticipationFactory, RoundTrainerFactory, TrainerFactory, TrainingRoundFactory

    # given Jia Hongwei delivers the Taixing round, and someone else a Deyang one
    cec = OrganisationFactory(short_name="CEC")
    jia = TrainerFactory(name="Jia Hongwei")
    taixing = TrainingRoundFactory(organiser=cec, city="Taixing", status=TrainingRound.Status.CONSULTING)
    RoundTrainerFactory(training_round=taixing, trainer=jia)
    ParticipationFactory(training_round=taixing, enterprise=EnterpriseFactory(name="Teho Metal"))
    TrainingRoundFactory(city="Deyang")
    make_trainer_user(jia, "jia")

    # when he logs in
    browser_login(page, "jia")

    # then his home lists his round only, and he records a visit on its page
    assert page.get_by_role("heading", name="Jia Hongwei in SCORE").is_visible()
    assert page.locator("#trainer-rounds li").count() == 1
    screenshot(page, "people-05-trainer-home")
    page.get_by_role("link", name="M1 · Taixing").click()
    page.get_by_text("Record a factory visit").click()
    page.locator("#id_v-enterprise").select_option(label="Teho Metal")
    page.locator("#id_v-trainer").select_option(label="Jia Hongwei")
    page.locator("#id_v-visited_on").fill("2014-10-02")
    page.locator("#id_v-notes").fill("The EIT showed its first suggestion board.")
    page.get_by_role("button", name="Record visit").click()
    assert page.get_by_text("Factory visit recorded.").is_visible()
    assert page.get_by_role("cell", name="The EIT showed its first suggestion board.").is_visible()
    screenshot(page, "people-06-trainer-round")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "people-07-trainer-round-phone")
