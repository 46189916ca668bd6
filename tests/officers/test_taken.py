"""Which modules each enterprise has taken is kept as rows (enterprises.taken): the enterprises list's "took
module" filter reads them, and they follow every participation added or removed and every round whose module
or status changes through the services, the same as working it out from the participations; and two changes to one
enterprise's rounds at the same moment do not lose one another (nor the organisations that reach it,
enterprises.scope, which takes the same lock)."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connections, transaction

from enterprises import services as enterprise_services
from enterprises.models import EnterpriseModule, EnterpriseReach
from enterprises.taken import taken_pairs, taken_rebuild
from programmes import services as programme_services
from programmes.models import TrainingRound
from tests.factories import (
    EnterpriseFactory,
    OrganisationFactory,
    ParticipationFactory,
    TrainingRoundFactory,
    module,
)


def kept() -> set[tuple[int, int]]:
    return set(EnterpriseModule.objects.values_list("module_id", "enterprise_id"))


def took(client, code: str) -> set[str]:
    table = client.get(f"/enterprises/?module={module(code).pk}").context["table"]
    return {row.record.name for row in table.page.object_list}


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


@pytest.mark.django_db
def test_the_module_filter_follows_every_change(officer_client, officer):
    foundation = TrainingRoundFactory(module=module("M1"), city="Taixing")
    quality = TrainingRoundFactory(module=module("M2"), city="Deyang", start=foundation.end)
    anhui, bolt = EnterpriseFactory(name="Anhui Valves"), EnterpriseFactory(name="Bolt Works")
    assert took(officer_client, "M1") == set()

    enterprise_services.participation_add(training_round=foundation, enterprise=anhui, managers_women=1, by=officer)
    enterprise_services.participation_add(training_round=foundation, enterprise=bolt, managers_men=1, by=officer)
    taking = enterprise_services.participation_add(
        training_round=quality, enterprise=anhui, workers_women=2, by=officer
    )
    assert took(officer_client, "M1") == {"Anhui Valves", "Bolt Works"}
    assert took(officer_client, "M2") == {"Anhui Valves"}

    # the round was recorded under the wrong module
    programme_services.round_update(training_round=quality, module=module("M3"), by=officer)
    assert took(officer_client, "M2") == set() and took(officer_client, "M3") == {"Anhui Valves"}

    # the participation belonged to the other enterprise: removed and added again
    enterprise_services.participation_remove(participation=taking, by=officer)
    enterprise_services.participation_add(training_round=quality, enterprise=bolt, workers_women=2, by=officer)
    assert took(officer_client, "M3") == {"Bolt Works"}

    programme_services.round_transition(training_round=quality, to_status=TrainingRound.Status.CANCELLED, by=officer)
    assert took(officer_client, "M3") == set()  # a cancelled round teaches nothing
    assert took(officer_client, "M1") == {"Anhui Valves", "Bolt Works"}

    enterprise_services.participation_remove(participation=anhui.participations.get(), by=officer)
    assert took(officer_client, "M1") == {"Bolt Works"}
    assert kept() == taken_pairs()


@pytest.mark.django_db
def test_a_rebuild_finds_what_bulk_loads_left_out(officer_client):
    ParticipationFactory(training_round=TrainingRoundFactory(module=module("M1")), enterprise__name="Loaded Ltd")
    EnterpriseModule.objects.all().delete()  # as after a COPY, which bypasses the services
    assert took(officer_client, "M1") == set()
    taken_rebuild()
    assert took(officer_client, "M1") == {"Loaded Ltd"}
    assert kept() == taken_pairs()


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_a_module_left_and_taken_again_at_the_same_moment_stays_taken(officer):
    """One officer removes the enterprise from one Module 2 round while another adds it to a second one: the
    second refresh waits for the first to commit and sees its removal (without the lock it finished first,
    saw the row still there, and the first's delete then left the enterprise without Module 2)."""
    foundation = TrainingRoundFactory(module=module("M1"))
    partner = OrganisationFactory()  # its two rounds: it reaches the enterprise through either
    old, new = (TrainingRoundFactory(module=module("M2"), organiser=partner, start=foundation.end) for _ in range(2))
    enterprise = EnterpriseFactory()
    for rnd in (foundation, old):
        ParticipationFactory(training_round=rnd, enterprise=enterprise)
    removed, added = threading.Event(), threading.Event()
    errors = []

    def remove():
        try:
            with transaction.atomic():
                enterprise_services.participation_remove(participation=old.participations.get(), by=officer)
                removed.set()
                added.wait(timeout=1.5)  # the other change runs (or waits for this one) before this commits
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    def add():
        try:
            removed.wait(timeout=5)
            enterprise_services.participation_add(training_round=new, enterprise=enterprise, by=officer)
            added.set()
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=remove), threading.Thread(target=add)]
    for t in threads:
        t.start()
    started = time.monotonic()
    for t in threads:
        t.join(timeout=20)
    assert not errors and time.monotonic() - started < 20
    assert (module("M2").pk, enterprise.pk) in kept()
    assert kept() == taken_pairs()
    assert EnterpriseReach.objects.filter(organisation=partner, enterprise=enterprise).exists()  # scope: the same
