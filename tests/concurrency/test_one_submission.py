"""Issue 21 §4: one submission, one row. A create form carries a one-time token (core/once.py): the same form
sent ten times at once, or sent again with the back button, saves once, and every answer shows the record the
first sending made. Records with no unique key to refuse a copy (rounds, factory visits, expert comments, people
quoted, feature sections, a trainer of no organisation) are the ones a double click used to duplicate."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from newsletters.models import ExpertComment, Issue, IssueSection, QuotedPerson
from programmes.models import TrainingRound
from tests.factories import (
    EnterpriseFactory,
    OrganisationFactory,
    ParticipationFactory,
    QualificationFactory,
    TrainerFactory,
    TrainingRoundFactory,
    china,
    module,
)
from trainers.models import RoundTrainer, Trainer

from .conftest import form_values, post_at_once

pytestmark = pytest.mark.usefixtures("transactional_db")


def _form(user, page: str, action: str, **data) -> dict:
    """The form as the page gives it (with its one-time token), filled in as a user would."""
    client = Client()
    client.force_login(user)
    values = form_values(client.get(page), action)
    assert values.get("submission"), "the form carries no one-time token"
    return {**values, **data}


def _one_record_for_all(responses) -> str:
    """Every sending answered with the same record's page; none refused, none a server error."""
    statuses = [r.status_code for r in responses]
    assert statuses == [302] * len(responses), statuses
    locations = {r["Location"] for r in responses}
    assert len(locations) == 1, locations
    return locations.pop()


def test_a_round_sent_ten_times_at_once_is_created_once(officer):
    org = OrganisationFactory(name="China Enterprise Confederation", short_name="CEC")
    values = _form(
        officer,
        "/rounds/new/",
        "/rounds/new/",
        module=module("M1").pk,
        kind="toe",
        organiser=org.pk,
        province="Sichuan",
        city="Deyang",
        start="2014-12-19",
        end="2014-12-23",
    )
    responses = post_at_once(officer, "/rounds/new/", lambda i: values)
    location = _one_record_for_all(responses)
    rounds = TrainingRound.objects.filter(city="Deyang")
    assert rounds.count() == 1
    assert location == rounds.get().get_absolute_url()


def test_the_same_round_form_sent_again_later_shows_the_first_round(officer):
    # given a round created from a form
    org = OrganisationFactory()
    values = _form(
        officer, "/rounds/new/", "/rounds/new/", module=module("M1").pk, kind="toe", organiser=org.pk,
        province="Zhejiang", city="Ningbo", start="2014-04-01", end="2014-05-30",
    )  # fmt: skip
    client = Client()
    client.force_login(officer)
    first = client.post("/rounds/new/", values)
    # when the user goes back and presses Save again
    again = client.post("/rounds/new/", values, follow=True)
    # then nothing more is saved and the page says so, on the first round's page
    assert TrainingRound.objects.filter(city="Ningbo").count() == 1
    assert again.redirect_chain[0][0] == first["Location"]
    assert "It was saved once" in again.content.decode()
    # while a new form (a new token) makes a new round
    fresh = _form(officer, "/rounds/new/", "/rounds/new/", **{k: v for k, v in values.items() if k != "submission"})
    client.post("/rounds/new/", fresh)
    assert TrainingRound.objects.filter(city="Ningbo").count() == 2


def test_a_refused_form_can_be_corrected_and_sent_with_its_token(officer):
    org = OrganisationFactory()
    values = _form(
        officer, "/rounds/new/", "/rounds/new/", module=module("M1").pk, kind="toe", organiser=org.pk,
        province="Jiangsu", city="Taixing", start="2014-09-05", end="2014-09-01",
    )  # fmt: skip
    client = Client()
    client.force_login(officer)
    refused = client.post("/rounds/new/", values)
    assert refused.status_code in (200, 400) and "cannot end before it starts" in refused.content.decode()
    assert not TrainingRound.objects.filter(city="Taixing").exists()
    saved = client.post("/rounds/new/", {**values, "end": "2014-09-30"})
    assert saved.status_code == 302 and TrainingRound.objects.filter(city="Taixing").count() == 1


def test_another_users_token_does_not_lead_to_their_record(officer, django_user_model):
    from core import roles
    from tests.conftest import _user

    other = _user(django_user_model, "officer2", roles.OFFICERS, is_staff=True)
    org = OrganisationFactory()
    values = _form(
        officer, "/rounds/new/", "/rounds/new/", module=module("M1").pk, kind="toe", organiser=org.pk,
        province="Guangdong", city="Guangzhou", start="2014-06-01", end="2014-06-30",
    )  # fmt: skip
    mine = Client()
    mine.force_login(officer)
    first = mine.post("/rounds/new/", values)
    theirs = Client()
    theirs.force_login(other)
    second = theirs.post("/rounds/new/", values)
    # the other officer's sending is their own: it is not sent to the first officer's record as "already saved"
    assert second.status_code == 302 and second["Location"] != first["Location"]


def test_a_factory_visit_sent_ten_times_at_once_is_recorded_once(officer):
    rnd = TrainingRoundFactory(city="Taixing")
    enterprise = EnterpriseFactory(name="Yucheng Futong Electric")
    ParticipationFactory(training_round=rnd, enterprise=enterprise)
    trainer = TrainerFactory(name="Jia Hongwei")
    QualificationFactory(trainer=trainer, module=rnd.module, qualified_on=dt.date(2012, 1, 1))
    RoundTrainer.objects.create(training_round=rnd, trainer=trainer, role="lead")
    page = rnd.get_absolute_url()
    values = _form(
        officer, page, f"/rounds/{rnd.pk}/visits/add/",
        **{"v-enterprise": enterprise.pk, "v-trainer": trainer.pk, "v-visited_on": "2014-10-08", "v-notes": "EIT"},
    )  # fmt: skip
    responses = post_at_once(officer, f"/rounds/{rnd.pk}/visits/add/", lambda i: values)
    _one_record_for_all(responses)
    assert rnd.factory_visits.count() == 1


def test_an_expert_comment_and_a_person_quoted_sent_ten_times_are_saved_once(editor):
    values = _form(
        editor, "/newsletters/people/new/", "/newsletters/people/new/",
        name="Zhang Wei", role="SCORE module expert on OSH", organisation="ILO",
    )  # fmt: skip
    _one_record_for_all(post_at_once(editor, "/newsletters/people/new/", lambda i: values))
    assert QuotedPerson.objects.filter(name="Zhang Wei").count() == 1
    person = QuotedPerson.objects.get(name="Zhang Wei")
    values = _form(
        editor, "/newsletters/comments/new/", "/newsletters/comments/new/",
        person=person.pk, heading="Workplace cooperation", given_on="2014-11-20", quote="Workers speak up now.",
    )  # fmt: skip
    _one_record_for_all(post_at_once(editor, "/newsletters/comments/new/", lambda i: values))
    assert ExpertComment.objects.filter(heading="Workplace cooperation").count() == 1


def test_a_feature_section_sent_ten_times_at_once_is_added_once(editor):
    issue = Issue.objects.create(
        country=china(), number=5, period_start=dt.date(2014, 11, 1), title="Issue 5", language="en"
    )
    action = f"/newsletters/issues/{issue.pk}/sections/"
    values = _form(editor, issue.get_absolute_url(), action, kind="feature", heading="Gender equality strategy")
    _one_record_for_all(post_at_once(editor, action, lambda i: values))
    assert IssueSection.objects.filter(issue=issue, heading="Gender equality strategy").count() == 1


def test_a_trainer_sent_ten_times_at_once_is_created_once(officer):
    org = OrganisationFactory()
    values = _form(
        officer, "/trainers/new/", "/trainers/new/", name="Wang Li", sex="f", organisation=org.pk, role="trainer",
        active="on",
    )  # fmt: skip
    _one_record_for_all(post_at_once(officer, "/trainers/new/", lambda i: values))
    assert Trainer.objects.filter(name="Wang Li").count() == 1
