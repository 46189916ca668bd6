"""Each round's enterprises and participants are kept with it (enterprises.tally): the rounds list shows and sorts
by them, and they follow every participation added, changed or removed, also when added at the same moment."""

from __future__ import annotations

import threading

import pytest
from django.db import connections

from enterprises import services as enterprise_services
from enterprises.models import RoundTally
from enterprises.tally import tally_rebuild
from tests.factories import EnterpriseFactory, OrganisationFactory, ParticipationFactory, TrainingRoundFactory


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


def listed(client, query=""):
    table = client.get(f"/rounds/{query}").context["table"]
    return [(row.record.city, row.record.n_enterprises, row.record.n_participants) for row in table.page.object_list]


@pytest.mark.django_db
def test_the_list_shows_and_sorts_by_counts_that_follow_each_change(officer_client, officer):
    org = OrganisationFactory()
    small = TrainingRoundFactory(organiser=org, city="Small")
    big = TrainingRoundFactory(organiser=org, city="Big")
    TrainingRoundFactory(organiser=org, city="Empty")
    for _ in range(3):
        ParticipationFactory(training_round=big, managers_women=1, managers_men=1, workers_women=0, workers_men=0)
    ParticipationFactory(training_round=small, managers_women=2, managers_men=0, workers_women=0, workers_men=3)
    assert listed(officer_client, "?sort=-n_enterprises") == [("Big", 3, 6), ("Small", 1, 5), ("Empty", 0, 0)]

    # an enterprise joins the small round through the service; one attendance changes; one leaves the big round
    enterprise_services.participation_add(
        training_round=small, enterprise=EnterpriseFactory(), managers_women=4, by=officer
    )
    one = big.participations.first()
    enterprise_services.participation_update(participation=one, by=officer, managers_men=10)
    enterprise_services.participation_remove(participation=big.participations.exclude(pk=one.pk).first(), by=officer)
    assert listed(officer_client, "?sort=-n_participants") == [("Big", 2, 13), ("Small", 2, 9), ("Empty", 0, 0)]
    assert listed(officer_client, "?sort=n_enterprises")[0] == ("Empty", 0, 0)


@pytest.mark.django_db
def test_a_rebuild_counts_what_bulk_loads_left_uncounted(officer_client):
    rnd = TrainingRoundFactory(city="Loaded")
    ParticipationFactory(training_round=rnd, managers_women=1, managers_men=0, workers_women=0, workers_men=0)
    RoundTally.objects.all().delete()  # as after a COPY, which bypasses the services
    assert listed(officer_client) == [("Loaded", 0, 0)]
    tally_rebuild()
    assert listed(officer_client) == [("Loaded", 1, 1)]


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_participations_added_at_the_same_moment_are_all_counted(officer):
    rnd = TrainingRoundFactory(city="Busy")
    enterprises = [EnterpriseFactory() for _ in range(8)]
    start = threading.Barrier(len(enterprises))
    errors = []

    def add(enterprise):
        try:
            start.wait()
            enterprise_services.participation_add(
                training_round=rnd, enterprise=enterprise, managers_women=1, by=officer
            )
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=add, args=(e,)) for e in enterprises]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    tally = RoundTally.objects.get(pk=rnd.pk)
    assert (tally.enterprises, tally.participants) == (8, 8)


@pytest.mark.django_db
def test_rounds_with_the_same_count_keep_one_order_on_every_page(officer_client):
    org = OrganisationFactory()
    rounds = [TrainingRoundFactory(organiser=org, city=f"City {i:02d}") for i in range(30)]
    for rnd in rounds[::3]:
        ParticipationFactory(training_round=rnd)
    seen = [row for page in (1, 2) for row in listed(officer_client, f"?sort=-n_enterprises&page={page}")]
    ones = [f"City {i:02d}" for i in range(30)][::3]
    zeros = [f"City {i:02d}" for i in range(30) if i % 3]
    assert [city for city, _n, _p in seen] == ones[::-1] + zeros[::-1]  # most enterprises first, then newest id
