"""A partner's scope is kept as rows (enterprises.scope): every way an organisation comes to reach an
enterprise, or stops reaching it, changes what its partner sees at once, the same as counting it from the
sources; and the partner's lists read the rows instead of the union over every round's participations."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from enterprises.models import EnterpriseReach
from enterprises.scope import reach_pairs, reach_rebuild
from enterprises.services import enterprise_save, participation_add, participation_remove
from programmes.services import round_update
from tests.factories import EnterpriseFactory, OrganisationFactory, ParticipationFactory, TrainingRoundFactory

pytestmark = pytest.mark.django_db


def kept() -> set[tuple[int, int]]:
    return set(EnterpriseReach.objects.values_list("organisation_id", "enterprise_id"))


def listed(client, partner) -> str:
    client.force_login(partner)
    return client.get("/enterprises/").content.decode()


def test_every_change_of_the_sources_through_the_services_changes_the_partners_list(client, programme, make_partner):
    partner = make_partner(programme.other)
    newcomer = EnterpriseFactory(name="Newcomer Garments")
    assert "Newcomer Garments" not in listed(client, partner)

    enterprise_save(enterprise=newcomer, organisations=[programme.other])  # brought in
    assert "Newcomer Garments" in listed(client, partner)
    enterprise_save(enterprise=newcomer, organisations=[])
    assert "Newcomer Garments" not in listed(client, partner)

    taking = participation_add(training_round=programme.round, enterprise=newcomer)  # CEC's round
    assert "Newcomer Garments" not in listed(client, partner)
    round_update(training_round=programme.round, co_organisers=[programme.other])  # co-organised: reached
    assert "Newcomer Garments" in listed(client, partner) and "Yucheng" in listed(client, partner)
    round_update(training_round=programme.round, co_organisers=[])
    assert "Newcomer Garments" not in listed(client, partner)

    round_update(training_round=programme.round, organiser=programme.other)  # the round changes hands
    assert "Newcomer Garments" in listed(client, partner)
    assert "Newcomer Garments" not in listed(client, make_partner(programme.cec))
    participation_remove(participation=taking)  # no longer in the round
    assert "Newcomer Garments" not in listed(client, partner)
    assert kept() == reach_pairs()


def test_the_rows_are_what_the_sources_say(programme):
    third = OrganisationFactory(name="Third Partner", short_name="TP")
    shared = TrainingRoundFactory(organiser=third, city="Wuxi")
    shared.co_organisers.set([programme.cec, programme.other])
    ParticipationFactory(training_round=shared, enterprise=programme.other_enterprise)
    assert kept() == reach_pairs()
    assert (programme.cec.pk, programme.other_enterprise.pk) in kept()
    EnterpriseReach.objects.all().delete()
    reach_rebuild()
    assert kept() == reach_pairs()


def test_the_partners_list_reads_the_rows_not_every_round(client, programme, make_partner):
    client.force_login(make_partner(programme.cec))
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/enterprises/").status_code == 200
    scoped = [q["sql"] for q in ctx.captured_queries if '"enterprises_enterprise"."name"' in q["sql"]]
    assert scoped and all("enterprises_enterprisereach" in sql for sql in scoped)
    assert not any("programmes_traininground_co_organisers" in sql for sql in scoped)
