"""The admin keeps the derived rows (a partner's scope, the modules taken, a round's counts) as the portal does:
it saves through the services, which work them out again in their transaction."""

import pytest

from enterprises.models import EnterpriseModule, EnterpriseReach, RoundTally
from enterprises.scope import reach_pairs
from enterprises.taken import taken_pairs
from tests.factories import OrganisationFactory

from .conftest import change_form

pytestmark = pytest.mark.django_db


def reach() -> set[tuple[int, int]]:
    return set(EnterpriseReach.objects.values_list("organisation_id", "enterprise_id"))


def test_an_enterprise_brought_in_and_a_participation_deleted_in_the_admin(officer_client, programme):
    # given another partner organisation
    newcomer = OrganisationFactory(name="Newcomer Partner")
    assert (newcomer.pk, programme.enterprise.pk) not in reach()

    # when the admin says it brought the enterprise in
    url = f"/admin/enterprises/enterprise/{programme.enterprise.pk}/change/"
    data = change_form(officer_client, url)
    data["organisations"] = [str(programme.cec.pk), str(newcomer.pk)]
    assert officer_client.post(url, data).status_code == 302
    # then it reaches the enterprise at once
    assert (newcomer.pk, programme.enterprise.pk) in reach()

    # when the admin deletes the enterprise's participation in the round
    programme.visit.delete()  # (a participation with factory visits is refused)
    url = f"/admin/enterprises/participation/{programme.participation.pk}/delete/"
    assert officer_client.post(url, {"post": "yes"}).status_code == 302
    # then the round counts nobody, and the module is no longer taken
    assert RoundTally.objects.get(training_round=programme.round).enterprises == 0
    assert not EnterpriseModule.objects.filter(enterprise=programme.enterprise).exists()
    assert reach() == reach_pairs()
    assert set(EnterpriseModule.objects.values_list("module_id", "enterprise_id")) == taken_pairs()
