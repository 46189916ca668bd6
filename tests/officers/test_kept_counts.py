"""A list's count is kept until the data under it changes (core.pages.KeptCountPaginator): the count a user
reads always matches the data, after every kind of change, for each user's own scope; a list that reads a
table no change is watched on is counted every time."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core import datacache
from enterprises.models import Enterprise, EnterpriseModule
from enterprises.selectors import enterprises_visible_to
from tests.factories import (
    EnterpriseFactory,
    ParticipationFactory,
    ResultFactory,
    TrainingRoundFactory,
    co_organise,
    module,
)

pytestmark = pytest.mark.django_db


def count(client, url: str) -> int:
    return client.get(url).context["table"].paginator.count


def counts_queried(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    return sum('SELECT COUNT(*) AS "__count"' in q["sql"] for q in ctx.captured_queries)


def test_the_count_follows_every_change_and_each_users_scope(client, officer, programme, make_partner):
    client.force_login(officer)
    url = f"/enterprises/?module={module('M1').pk}"
    before = count(client, url)
    assert counts_queried(client, url) == 0  # kept: the second request does not count again
    enterprise = EnterpriseFactory(name="Counted Castings")
    assert count(client, url) == before  # not in a Module 1 round yet
    ParticipationFactory(training_round=TrainingRoundFactory(module=module("M1")), enterprise=enterprise)
    assert count(client, url) == before + 1
    assert count(client, url + "&q=Counted") == 1

    Enterprise.objects.filter(pk=enterprise.pk).update(name="Renamed Castings")  # no signal: the bulk path
    datacache.data_changed()  # which such code calls (core.datacache)
    assert count(client, url + "&q=Counted") == 0

    partner = make_partner(programme.other)  # the same list in another scope: its own count
    client.force_login(partner)
    theirs = enterprises_visible_to(partner).filter(
        pk__in=EnterpriseModule.objects.filter(module=module("M1")).values("enterprise_id")
    )
    assert count(client, url) == theirs.count() < before + 1


def test_a_list_of_unwatched_tables_is_counted_every_time(client, officer):
    client.force_login(officer)
    client.get("/")  # the navigation's count of results to review is kept from the first page on
    assert counts_queried(client, "/people/") == 1
    assert counts_queried(client, "/people/") == 1
    assert counts_queried(client, "/enterprises/") == 1
    assert counts_queried(client, "/enterprises/") == 0


def test_a_sections_count_and_the_results_count_follow_each_change(client, officer, programme):
    client.force_login(officer)
    page = f"/organisations/{programme.other.pk}/"
    rounds_before = client.get(page).context["rounds"].paginator.count
    assert counts_queried(client, page) == 1  # kept: its sections; only its number of enterprises is counted
    shared = TrainingRoundFactory(organiser=programme.cec)
    assert client.get(page).context["rounds"].paginator.count == rounds_before
    co_organise(shared, programme.other)  # a many-to-many change: the section counts it
    assert client.get(page).context["rounds"].paginator.count == rounds_before + 1

    results_before = client.get("/results/").context["page_obj"].paginator.count
    ResultFactory(enterprise=EnterpriseFactory(), organisation=programme.cec, author=officer)
    assert client.get("/results/").context["page_obj"].paginator.count == results_before + 1
