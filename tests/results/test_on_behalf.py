"""An officer enters and submits a result on behalf of a partner organisation; another officer approves it."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from core import roles
from enterprises.models import Result
from enterprises.results import services as result_services
from tests.conftest import give_countries
from tests.factories import module

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_officer(django_user_model):
    user = django_user_model.objects.create_user(username="officer2", password="pw", first_name="Li", last_name="Wei")
    user.groups.add(Group.objects.get(name=roles.OFFICERS))
    give_countries(user, everywhere=True)
    return user


def test_officer_enters_a_result_for_an_organisation_from_the_portal(client, officer, side_a):
    officer.first_name, officer.last_name = "Zhou", "Jie"
    officer.save()
    client.force_login(officer)

    form = client.get(reverse("results:result_create")).content.decode()
    response = client.post(
        reverse("results:result_create"),
        {
            "organisation": side_a.organisation.pk,
            "enterprise": side_a.enterprise.pk,
            "module": module("M1").pk,
            "training_round": side_a.training_round.pk,
            "title": "Defects halved",
            "narrative": "EIT met weekly.",
            "title_zh_hans": "",
            "narrative_zh_hans": "",
            "lines-TOTAL_FORMS": 0,
            "lines-INITIAL_FORMS": 0,
        },
    )

    assert "Reported for" in form
    result = Result.objects.get()
    assert response.status_code == 302
    assert (result.organisation, result.author) == (side_a.organisation, officer)
    page = client.get(result.get_absolute_url()).content.decode()
    assert "Entered by Zhou Jie for CEC" in page


def test_officer_must_name_the_organisation_and_stay_within_its_enterprises(officer, side_a, side_b):
    with pytest.raises(ValidationError, match="Choose the organisation"):
        result_services.result_create(by=officer, enterprise=side_a.enterprise, module=module("M1"))
    with pytest.raises(ValidationError, match="is not one of CEC's enterprises"):
        result_services.result_create(
            by=officer, enterprise=side_b.enterprise, module=module("M1"), organisation=side_a.organisation
        )
    assert not Result.objects.exists()


def test_the_officer_who_entered_a_result_cannot_approve_it(client, officer, second_officer, side_a):
    # given a result an officer entered and submitted for CEC
    result = result_services.result_create(
        by=officer,
        enterprise=side_a.enterprise,
        module=module("M1"),
        narrative="EIT met weekly.",
        organisation=side_a.organisation,
    )
    result_services.result_submit(result=result, by=officer)

    # when the same officer tries to approve it, they are refused (service and page)
    with pytest.raises(PermissionDenied, match="another officer approves it"):
        result_services.result_approve(result=result, by=officer)
    client.force_login(officer)
    page = client.post(reverse("results:result_approve", args=[result.pk]), follow=True).content.decode()
    assert "another officer approves it" in page
    result.refresh_from_db()
    assert result.status == Result.Status.SUBMITTED

    # then another officer approves it
    result_services.result_approve(result=result, by=second_officer)
    result.refresh_from_db()
    assert result.status == Result.Status.APPROVED


def test_partner_of_the_organisation_sees_and_may_correct_a_result_entered_for_it(client, officer, side_a):
    result = result_services.result_create(
        by=officer, enterprise=side_a.enterprise, module=module("M1"), organisation=side_a.organisation
    )
    client.force_login(side_a.partner)

    assert client.get(result.get_absolute_url()).status_code == 200
    assert result_services.result_can_edit(result=result, user=side_a.partner)
