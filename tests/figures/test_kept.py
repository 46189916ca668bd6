"""The figures are kept between visits (core.datacache) and counted again after any change under them; what is
kept for one user's part of the programme is never shown to another."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core import datacache
from enterprises import services as enterprise_services
from enterprises.models import Participation, Result
from programmes.models import TrainingRound
from tests.factories import EnterpriseFactory, ParticipationFactory

pytestmark = pytest.mark.django_db


def visit(client, url="/figures/?year=2014"):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return response, len(ctx.captured_queries)


def headline(response) -> dict:
    return response.context["figures"].headline


def test_figures_are_kept_and_follow_every_change_under_them(client, officer, two_partners):
    cec, _bsci = two_partners
    client.force_login(officer)
    first, counted = visit(client)
    again, kept = visit(client)
    # the second visit reads what the first counted: far fewer queries, the same figures
    assert kept < counted - 10
    assert headline(again) == headline(first)
    participants, rounds = headline(first)["participants"], headline(first)["rounds"]

    # an enterprise joins a 2014 round through the service: the next visit counts it
    training_round = (
        TrainingRound.objects.filter(start__year=2014, organiser=cec, module__code="M1")
        .exclude(status="cancelled")
        .first()
    )
    enterprise_services.participation_add(
        training_round=training_round, enterprise=EnterpriseFactory(), managers_women=3, workers_men=4, by=officer
    )
    assert headline(visit(client)[0])["participants"] == participants + 7

    # a round is cancelled with a plain save (as the admin does): it no longer counts
    training_round.status = TrainingRound.Status.CANCELLED
    training_round.save()
    after = headline(visit(client)[0])
    assert after["rounds"] == rounds - 1

    # a participation deleted, a result's approval withdrawn: both counted again
    other = Participation.objects.filter(training_round__start__year=2014).exclude(training_round=training_round)
    gone = other.first()
    gone.delete()
    assert headline(visit(client)[0])["participants"] < after["participants"]
    approved = Result.objects.filter(status=Result.Status.APPROVED, approved_at__year=2014).count()
    kpi_rows = lambda response: response.context["figures"].get("kpi_outcomes").rows  # noqa: E731
    before = sum(row[3] for row in kpi_rows(visit(client)[0]))
    Result.objects.filter(status=Result.Status.APPROVED, approved_at__year=2014).first().delete()
    assert sum(row[3] for row in kpi_rows(visit(client)[0])) == before - 1 and approved > 1


def test_what_is_kept_for_one_user_is_never_shown_to_another(client, officer, make_partner, two_partners):
    cec, bsci = two_partners
    client.force_login(officer)
    everything = headline(visit(client)[0])
    client.force_login(make_partner(cec))
    own = visit(client)[0]
    client.force_login(make_partner(bsci))
    theirs = visit(client)[0]
    # each partner gets its own count, not the officer's kept one, nor the other partner's
    assert (
        headline(own)["rounds"]
        == TrainingRound.objects.filter(start__year=2014, organiser=cec)
        .exclude(status=TrainingRound.Status.CANCELLED)
        .count()
    )
    assert headline(theirs)["rounds"] == 4
    assert headline(own)["rounds"] + headline(theirs)["rounds"] == everything["rounds"]
    assert "CEC" not in theirs.content.decode().replace("CECS", "")
    # and a language's labels stay in that language
    client.force_login(officer)
    chinese = client.get("/figures/?year=2014", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "按模块统计的参训人数" in chinese
    assert "Participants by module" not in chinese


def test_a_partner_sees_a_new_round_of_its_own_at_once(client, make_partner, two_partners):
    cec, _bsci = two_partners
    client.force_login(make_partner(cec))
    before = headline(visit(client)[0])
    training_round = (
        TrainingRound.objects.filter(start__year=2014, organiser=cec, module__code="M1")
        .exclude(status="cancelled")
        .first()
    )
    ParticipationFactory(training_round=training_round, managers_men=5, managers_women=0, workers_women=0)
    assert headline(visit(client)[0])["participants"] >= before["participants"] + 5


def test_an_answer_counted_while_the_data_changed_is_not_served_afterwards(db):
    # given an answer whose counting overlaps a change (here: made while it counts)
    calls = []

    def count():
        calls.append(1)
        n = Participation.objects.count()
        if len(calls) == 1:
            ParticipationFactory()  # the change lands after the count was read
        return n

    first = datacache.cached("participations", count)
    # then the next request counts again, and sees the change
    second = datacache.cached("participations", count)
    assert (first, second) == (0, 1) and len(calls) == 2
    # and an answer with no change since is kept
    assert datacache.cached("participations", count) == 1 and len(calls) == 2


def test_a_lost_cache_never_brings_an_old_answer_back(db):
    from django.core.cache import cache

    assert datacache.cached("answer", lambda: "old") == "old"
    version = datacache.data_version()
    cache.delete(datacache.VERSION_KEY)  # the cache lost the version (restart, eviction)
    assert datacache.data_version() != version
    assert datacache.cached("answer", lambda: "new") == "new"


def test_a_filters_province_choices_follow_a_new_enterprise(client, officer, make_partner, two_partners):
    cec, _bsci = two_partners
    client.force_login(officer)
    assert 'value="Hainan"' not in client.get("/enterprises/").content.decode()
    EnterpriseFactory(province="Hainan")
    # the choices kept for the list are counted again after the save
    assert 'value="Hainan"' in client.get("/enterprises/").content.decode()
    # and a partner's choices are its own enterprises' provinces only
    client.force_login(make_partner(cec))
    assert 'value="Hainan"' not in client.get("/enterprises/").content.decode()
