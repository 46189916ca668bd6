"""Nothing irreversible in one click (issue 20 §2): every destructive or final action, posted the old way (one
click, no ``confirm``), changes nothing and shows what it would do; only the confirmation page's own POST acts.

Each test: the one-click POST and the GET show the confirmation page with its consequence (the record named,
real counts), the database is as before; the confirmed POST performs it through the service.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from enterprises.models import FactoryVisit, Participation, Result
from newsletters.mailing.models import Mailing
from newsletters.models import Issue
from programmes.models import Agreement, TrainingRound
from tests.factories import EnterpriseFactory, ParticipationFactory, QualificationFactory, china, module
from tests.results.conftest import draft, pair_add
from trainers.models import Qualification, RoundTrainer

pytestmark = pytest.mark.django_db


def asks_first(client, url: str, data: dict | None = None, *, says: list[str]) -> str:
    """The one-click POST and the GET both answer with the confirmation page that says all of `says`."""
    data = data or {}
    posted = client.post(url, data)
    assert posted.status_code == 200, posted.status_code
    page = posted.content.decode()
    assert 'name="confirm" value="yes"' in page
    for text in says:
        assert text in page, text
    shown = client.get(url, data)
    assert shown.status_code == 200 and says[0] in shown.content.decode()
    return page


def confirm(client, url: str, data: dict | None = None) -> str:
    """The confirmation page's POST; the page the user lands on after the redirect."""
    response = client.post(url, {**(data or {}), "confirm": "yes"}, follow=True)
    assert response.redirect_chain, "the confirmed action redirects back"
    return response.content.decode()


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


# --- A round's page ----------------------------------------------------------------------------------------


def test_cancelling_a_round_asks_first_with_what_is_kept(officer_client, programme):
    rnd = programme.round
    url = reverse("programmes:round_transition", args=[rnd.pk])
    ParticipationFactory(training_round=rnd, managers_women=2, workers_men=3)  # 1+1+1+1 and 2+1+1+3: 11 in all

    asks_first(
        officer_client,
        url,
        {"to_status": "cancelled"},
        says=[
            f"Cancel the round {rnd}?",
            "A cancelled round cannot be reopened",
            "2 enterprises keep their attendance (11 participants in all).",
            "1 trainer and 1 factory visits stay recorded.",
        ],
    )
    rnd.refresh_from_db()
    assert rnd.status == TrainingRound.Status.PLANNED

    page = confirm(officer_client, url, {"to_status": "cancelled"})
    rnd.refresh_from_db()
    assert rnd.status == TrainingRound.Status.CANCELLED and "This round was cancelled." in page
    assert Participation.objects.filter(training_round=rnd).count() == 2


def test_completing_a_round_asks_first_and_says_it_is_final(officer_client, programme):
    rnd = programme.round
    TrainingRound.objects.filter(pk=rnd.pk).update(status=TrainingRound.Status.CLASSROOM)
    url = reverse("programmes:round_transition", args=[rnd.pk])
    # an everyday move does not ask (and is never made by a GET)
    assert officer_client.get(url, {"to_status": "consulting"}).status_code == 405
    assert officer_client.post(url, {"to_status": "consulting"}).status_code == 302
    rnd.refresh_from_db()
    assert rnd.status == TrainingRound.Status.CONSULTING

    asks_first(
        officer_client,
        url,
        {"to_status": "completed"},
        says=[f"Complete the round {rnd}?", "Completed is final", "1 enterprise keeps its attendance (4 participants"],
    )
    rnd.refresh_from_db()
    assert rnd.status == TrainingRound.Status.CONSULTING

    confirm(officer_client, url, {"to_status": "completed"})
    rnd.refresh_from_db()
    assert rnd.status == TrainingRound.Status.COMPLETED


def test_the_round_page_puts_cancel_in_a_danger_zone_after_everything_else(officer_client, programme):
    page = officer_client.get(programme.round.get_absolute_url()).content.decode()
    header = page[: page.index('id="enterprises"')]
    assert "Cancel the round" not in header and "Move to Classroom" in header
    danger = page[page.index('id="danger-zone"') :]
    assert f'href="/rounds/{programme.round.pk}/status/?to_status=cancelled"' in danger
    assert page.index('id="danger-zone"') > page.index('id="results"')


def test_removing_an_enterprise_asks_first_with_its_attendance(officer_client, programme):
    rnd = programme.round
    newcomer = ParticipationFactory(
        training_round=rnd, enterprise=EnterpriseFactory(name="Teho Metal"), managers_women=2, workers_women=3
    )
    url = reverse("enterprises:participation_remove", args=[rnd.pk, newcomer.pk])

    asks_first(
        officer_client,
        url,
        says=[
            f"Remove Teho Metal from the round {rnd}?",
            "Its attendance is deleted: 7 participants, 5 of them women.",
            "It can be added again from the round",
        ],
    )
    assert Participation.objects.filter(pk=newcomer.pk).exists()

    page = confirm(officer_client, url)
    assert not Participation.objects.filter(pk=newcomer.pk).exists()
    assert "Teho Metal removed from the round. It can be added again with “Add an enterprise”." in page


def test_an_enterprise_with_factory_visits_is_refused_before_the_click(officer_client, programme):
    url = reverse("enterprises:participation_remove", args=[programme.round.pk, programme.participation.pk])
    page = officer_client.post(url).content.decode()
    assert "This enterprise has factory visits in this round: remove those visits first." in page
    assert 'name="confirm"' not in page
    assert Participation.objects.filter(pk=programme.participation.pk).exists()


def test_removing_a_trainer_asks_first_and_says_how_to_add_them_again(officer_client, programme):
    rnd, rt = programme.round, programme.round_trainer
    url = reverse("trainers:round_trainer_remove", args=[rnd.pk, rt.pk])

    asks_first(
        officer_client,
        url,
        says=[
            f"Remove Jia Hongwei (lead trainer) from the round {rnd}?",
            "1 factory visit by this trainer in this round stays recorded.",
            "The trainer can be added again from the round",
        ],
    )
    assert RoundTrainer.objects.filter(pk=rt.pk).exists()

    page = confirm(officer_client, url)
    assert not RoundTrainer.objects.filter(pk=rt.pk).exists()
    assert "Jia Hongwei removed from the round. The trainer can be added again with “Add a trainer”." in page


def test_removing_a_factory_visit_asks_first(officer_client, programme):
    rnd, visit = programme.round, programme.visit
    url = reverse("enterprises:factory_visit_remove", args=[rnd.pk, visit.pk])

    asks_first(
        officer_client,
        url,
        says=["Remove the factory visit to Yucheng Futong Electric on", "The visit by Jia Hongwei is deleted"],
    )
    assert FactoryVisit.objects.filter(pk=visit.pk).exists()

    confirm(officer_client, url)
    assert not FactoryVisit.objects.filter(pk=visit.pk).exists()


# --- Organisations, trainers, people -----------------------------------------------------------------------


def test_deleting_an_agreement_asks_first(officer_client, programme):
    agreement = programme.agreement
    url = reverse("programmes:agreement_delete", args=[agreement.pk])

    asks_first(
        officer_client,
        url,
        says=[
            "Delete the implementation agreement of China Enterprise Confederation signed on",
            "0 other agreements of China Enterprise Confederation stay recorded.",
        ],
    )
    assert Agreement.objects.filter(pk=agreement.pk).exists()

    confirm(officer_client, url)
    assert not Agreement.objects.filter(pk=agreement.pk).exists()


def test_a_licence_rounds_ran_under_is_refused_on_the_confirmation_page_without_a_button(officer_client, programme):
    TrainingRound.objects.create(
        country=china(),
        module=module("M1"),
        kind=TrainingRound.Kind.TOE,
        organiser=programme.tuv,
        province="Jiangsu",
        city="Wuxi",
        start=dt.date(2015, 3, 2),
        end=dt.date(2015, 5, 29),
    )
    page = officer_client.get(reverse("programmes:agreement_delete", args=[programme.licence.pk])).content.decode()
    assert 'data-testid="refused"' in page and 'name="confirm"' not in page
    assert Agreement.objects.filter(pk=programme.licence.pk).exists()


def test_removing_a_qualification_asks_first(officer_client, programme):
    m2 = QualificationFactory(trainer=programme.trainer, module=module("M2"), qualified_on=dt.date(2013, 1, 1))
    url = reverse("trainers:qualification_remove", args=[m2.pk])

    asks_first(
        officer_client,
        url,
        says=[
            "Remove the qualification M2",
            "of Jia Hongwei?",
            "1 other qualification stays recorded.",
            "It can be added again on the trainer",
        ],
    )
    assert Qualification.objects.filter(pk=m2.pk).exists()

    page = confirm(officer_client, url)
    assert not Qualification.objects.filter(pk=m2.pk).exists()
    assert "Qualification removed. It can be added again with “Add a qualification”." in page


def test_a_qualification_a_round_relies_on_is_refused_before_the_click(officer_client, programme):
    url = reverse("trainers:qualification_remove", args=[programme.qualification.pk])
    page = officer_client.post(url).content.decode()
    assert "This qualification is what lets Jia Hongwei deliver" in page and 'name="confirm"' not in page
    assert Qualification.objects.filter(pk=programme.qualification.pk).exists()


def test_deactivating_a_person_asks_first_and_says_how_to_undo(officer_client, editor):
    url = reverse("people:person_deactivate", args=[editor.pk])

    asks_first(
        officer_client,
        url,
        says=["Deactivate editor1?", "can no longer log in", "An officer can reactivate the account"],
    )
    editor.refresh_from_db()
    assert editor.is_active

    page = confirm(officer_client, url)
    editor.refresh_from_db()
    assert not editor.is_active
    assert "“Reactivate” on this page gives the access back." in page
    assert 'id="danger-zone"' not in page  # the deactivated person's page offers Reactivate, not Deactivate


# --- Newsletters -------------------------------------------------------------------------------------------


def test_reopening_a_published_issue_asks_first(client, editor, published_issue):
    issue = published_issue(photos=False)
    client.force_login(editor)
    url = reverse("newsletters:issue_reopen", args=[issue.pk])

    asks_first(
        client,
        url,
        says=[
            "Reopen issue No. 7 for a correction?",
            "goes back to draft",
            "The archive keeps version 1, published on",
            "publishing again makes version 2.",
        ],
    )
    issue.refresh_from_db()
    assert issue.status == Issue.Status.PUBLISHED

    confirm(client, url)
    issue.refresh_from_db()
    assert issue.status == Issue.Status.DRAFT


def test_sending_to_subscribers_asks_first_with_their_number(
    client, editor, published_issue, make_subscriber, django_capture_on_commit_callbacks, settings
):
    settings.MAILING_RATE = 0
    issue = published_issue(photos=False)
    make_subscriber("en1@example.com", language="en")
    make_subscriber("both@example.com", language="both")
    make_subscriber("zh@example.com", language="zh-hans")
    client.force_login(editor)
    url = reverse("mailing:mailing_start", args=[issue.pk])

    asks_first(
        client,
        url,
        says=["Send issue No. 7 (English) to 2 subscribers?", "A sent e-mail cannot be recalled"],
    )
    assert not Mailing.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        confirm(client, url)
    assert Mailing.objects.get(issue=issue).deliveries.count() == 2


def test_sending_to_zero_subscribers_is_not_offered_nor_done(client, editor, published_issue):
    issue = published_issue(photos=False)
    client.force_login(editor)

    page = client.get(issue.get_absolute_url()).content.decode()
    assert "Send to 0 subscribers" not in page and 'data-testid="no-audience"' in page
    refused = client.post(reverse("mailing:mailing_start", args=[issue.pk]), {"confirm": "yes"}).content.decode()
    assert "there is nobody to send it to" in refused and 'name="confirm"' not in refused
    assert not Mailing.objects.exists()


# --- Results -----------------------------------------------------------------------------------------------


def test_deleting_a_draft_result_asks_first_with_its_lines_and_photos(client, side_a):
    result = draft(side_a, lines=3)
    pair_add(result, side_a.partner)
    client.force_login(side_a.partner)
    url = reverse("results:result_delete", args=[result.pk])

    asks_first(
        client,
        url,
        says=[
            "Delete the draft result of Yucheng Futong Electric for",
            "Its 3 KPI lines are deleted with it.",
            "Its 1 photo pair (2 photos) is deleted with it.",
        ],
    )
    assert Result.objects.filter(pk=result.pk).exists()

    confirm(client, url)
    assert not Result.objects.filter(pk=result.pk).exists()


def test_deleting_a_photo_pair_asks_first(client, side_a):
    result = draft(side_a)
    pair = pair_add(result, side_a.partner, caption="Oil barrels on a cart")
    client.force_login(side_a.partner)
    url = reverse("results:photo_pair_delete", args=[result.pk, pair.pk])

    asks_first(client, url, says=["Delete the photo pair “Oil barrels on a cart”?", "Both photos, before and after"])
    assert result.photo_pairs.count() == 1

    confirm(client, url)
    assert result.photo_pairs.count() == 0


def test_the_confirmation_page_speaks_chinese(client, officer, programme):
    client.force_login(officer)
    url = reverse("programmes:round_transition", args=[programme.round.pk])
    page = client.get(url, {"to_status": "cancelled"}, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert f"取消培训轮次 {programme.round}？" in page
    assert "1 家企业的出勤记录保留（共 4 名学员）。" in page
