"""The rows kept from participations, rounds and organisation links (which organisations reach which enterprises,
the modules each enterprise has taken, each round's counts) are written by the services that change their sources,
in the same transaction, and ``manage.py rebuild_derived`` rebuilds them without an empty moment."""

from __future__ import annotations

import datetime as dt
import random
import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection, connections, transaction

from enterprises import services as enterprise_services
from enterprises.models import EnterpriseModule, EnterpriseReach, Participation, RoundTally
from enterprises.scope import reach_pairs
from enterprises.taken import taken_pairs
from enterprises.tally import ATTENDANCE
from programmes import services as programme_services
from programmes.models import Organisation, TrainingRound
from tests.factories import EnterpriseFactory, OrganisationFactory, ParticipationFactory, TrainingRoundFactory, module


def counts_kept() -> dict[int, tuple[int, int]]:
    rows = RoundTally.objects.values_list("training_round_id", "enterprises", "participants")
    return {r: (e, p) for r, e, p in rows if (e, p) != (0, 0)}


def counts_from_sources() -> dict[int, tuple[int, int]]:
    counts: dict[int, tuple[int, int]] = {}
    for round_id, attendance in Participation.objects.values_list("training_round_id", ATTENDANCE):
        enterprises, participants = counts.get(round_id, (0, 0))
        counts[round_id] = (enterprises + 1, participants + attendance)
    return {r: c for r, c in counts.items() if c != (0, 0)}


def assert_derived_rows_match_their_sources(history: list[str]) -> None:
    steps = "\n".join(history)
    assert set(EnterpriseReach.objects.values_list("organisation_id", "enterprise_id")) == reach_pairs(), steps
    assert set(EnterpriseModule.objects.values_list("module_id", "enterprise_id")) == taken_pairs(), steps
    assert counts_kept() == counts_from_sources(), steps


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [20141021, 7])
def test_random_changes_through_the_services_keep_the_derived_rows_equal_to_their_sources(seed, officer):
    # given a small programme: organisations, rounds of three modules, enterprises
    rng = random.Random(seed)
    orgs = [OrganisationFactory(kind=Organisation.Kind.IMPLEMENTING_PARTNER) for _ in range(4)]
    modules = [module("M1"), module("M2"), module("M3")]
    rounds = [
        TrainingRoundFactory(
            module=modules[i % 3],
            organiser=orgs[i % 4],
            start=dt.date(2014, 3, 1) + dt.timedelta(days=40 * i),
            end=dt.date(2014, 3, 20) + dt.timedelta(days=40 * i),
        )
        for i in range(6)
    ]
    enterprises = [EnterpriseFactory() for _ in range(8)]
    history: list[str] = []

    def fresh(training_round: TrainingRound) -> TrainingRound:
        return TrainingRound.objects.get(pk=training_round.pk)

    def add():
        r, e = fresh(rng.choice(rounds)), rng.choice(enterprises)
        exception = "" if r.module.is_foundation else rng.choice(["", "Took Module 1 with another programme"])
        counts = {f: rng.randint(0, 5) for f in ("managers_women", "managers_men", "workers_women", "workers_men")}
        enterprise_services.participation_add(
            training_round=r, enterprise=e, module_order_exception=exception, by=officer, **counts
        )
        return f"add {e.pk} to round {r.pk}"

    def change():
        p = rng.choice(list(Participation.objects.select_related("training_round__module", "enterprise")))
        enterprise_services.participation_update(participation=p, by=officer, workers_men=rng.randint(0, 9))
        return f"attendance of {p.pk}"

    def remove():
        p = rng.choice(list(Participation.objects.select_related("training_round__module", "enterprise")))
        enterprise_services.participation_remove(participation=p, by=officer)
        return f"remove {p.pk}"

    def bring_in():
        e, chosen = rng.choice(enterprises), rng.sample(orgs, rng.randint(0, 2))
        enterprise_services.enterprise_save(enterprise=e, organisations=chosen, by=officer)
        return f"enterprise {e.pk} brought in by {[o.pk for o in chosen]}"

    def co_organise():
        r, chosen = fresh(rng.choice(rounds)), rng.sample(orgs, rng.randint(0, 2))
        programme_services.round_update(training_round=r, co_organisers=chosen, by=officer)
        return f"round {r.pk} co-organised by {[o.pk for o in chosen]}"

    def hand_over():
        r, organiser = fresh(rng.choice(rounds)), rng.choice(orgs)
        programme_services.round_update(training_round=r, organiser=organiser, by=officer)
        return f"round {r.pk} organised by {organiser.pk}"

    def change_module():
        r, chosen = fresh(rng.choice(rounds)), rng.choice(modules)
        programme_services.round_update(training_round=r, module=chosen, by=officer)
        return f"round {r.pk} of module {chosen.code}"

    def move_on():
        r = fresh(rng.choice(rounds))
        allowed = programme_services.TRANSITIONS[r.status]
        if not allowed:
            return f"round {r.pk} stays {r.status}"
        to_status = rng.choice(allowed)
        programme_services.round_transition(training_round=r, to_status=to_status, by=officer)
        return f"round {r.pk} now {to_status}"

    operations = [add] * 6 + [change, remove, remove, bring_in, bring_in, co_organise, hand_over, change_module]
    operations += [move_on]

    # when random changes are made through the services (some refused by the programme's rules)
    for _ in range(60):
        operation = rng.choice(operations)
        try:
            with transaction.atomic():
                history.append(operation())
        except (ValidationError, IndexError) as refused:  # a rule said no, or nothing to change yet
            history.append(f"{operation.__name__} refused: {refused}")
        # then after each one the kept rows are what their sources say
        assert_derived_rows_match_their_sources(history)
    assert Participation.objects.count() >= 3 and EnterpriseReach.objects.exists() and EnterpriseModule.objects.exists()
    assert sum("refused" not in step for step in history) >= 30  # most changes were made


@pytest.mark.django_db
def test_rebuild_derived_rebuilds_every_table_from_its_sources():
    # given rows written as a bulk load writes them, the derived rows gone
    rnd = TrainingRoundFactory(module=module("M1"), organiser=OrganisationFactory())
    ParticipationFactory(training_round=rnd, managers_women=2, managers_men=1, workers_women=0, workers_men=0)
    for model in (EnterpriseReach, EnterpriseModule, RoundTally):
        model.objects.all().delete()
    # when the command runs
    call_command("rebuild_derived", stdout=open("/dev/null", "w"))  # noqa: SIM115
    # then every table is back
    assert set(EnterpriseReach.objects.values_list("organisation_id", "enterprise_id")) == reach_pairs() != set()
    assert set(EnterpriseModule.objects.values_list("module_id", "enterprise_id")) == taken_pairs() != set()
    assert counts_kept() == counts_from_sources() == {rnd.pk: (1, 3)}


def _waiting_for_a_lock(timeout: float = 10) -> bool:
    deadline = time.monotonic() + timeout
    with connections["default"].cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return True
            time.sleep(0.05)
    return False


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_pages_never_see_an_empty_scope_while_it_is_rebuilt():
    """The rebuild is held while it reads the participations (another transaction locks their table): a page
    reading the scope meanwhile still sees every row (the old ones, until the rebuild commits). Before, the rows
    were deleted in a transaction of their own, and every partner saw an empty list until they were inserted."""
    # given an enterprise its organisation reaches
    org = OrganisationFactory()
    ParticipationFactory(training_round=TrainingRoundFactory(organiser=org))
    before = set(EnterpriseReach.objects.values_list("organisation_id", "enterprise_id"))
    assert before
    holding, release, errors = threading.Event(), threading.Event(), []

    def hold_the_participations():
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute(f"LOCK TABLE {Participation._meta.db_table} IN ACCESS EXCLUSIVE MODE")
                holding.set()
                release.wait(timeout=20)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    def rebuild():
        try:
            holding.wait(timeout=10)
            call_command("rebuild_derived", stdout=open("/dev/null", "w"))  # noqa: SIM115
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=hold_the_participations), threading.Thread(target=rebuild)]
    for t in threads:
        t.start()
    try:
        # when the rebuild waits to read the participations
        assert _waiting_for_a_lock()
        # then a reader still sees the scope
        seen = set(EnterpriseReach.objects.values_list("organisation_id", "enterprise_id"))
    finally:
        release.set()
        for t in threads:
            t.join(timeout=30)
    assert not errors
    assert seen == before
    assert set(EnterpriseReach.objects.values_list("organisation_id", "enterprise_id")) == before
