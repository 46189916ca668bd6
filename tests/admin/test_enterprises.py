"""The admin of enterprises, participation, visits and results refuses what their services refuse."""

from decimal import Decimal

import pytest

from enterprises import services
from enterprises.models import KPI, Enterprise, FactoryVisit, KPILine, Participation, PhotoPair, Result, ResultStep
from enterprises.results import services as result_services
from programmes import services as programme_services
from programmes.models import TrainingRound
from tests.factories import KPIFactory, KPILineFactory, PhotoPairFactory

from .conftest import change_form

pytestmark = pytest.mark.django_db


def test_enterprise_cannot_be_deleted_in_the_admin(officer_client, programme):
    url = f"/admin/enterprises/enterprise/{programme.enterprise.pk}/delete/"
    assert officer_client.get(url).status_code == 403
    officer_client.post(url, {"post": "yes"})
    assert Enterprise.objects.filter(pk=programme.enterprise.pk).exists()
    assert Participation.objects.filter(pk=programme.participation.pk).exists()


def test_participation_with_factory_visits_cannot_be_deleted_in_the_admin(officer_client, programme):
    # participation_remove refuses it: the visits would stay behind, orphaned
    url = f"/admin/enterprises/participation/{programme.participation.pk}/delete/"
    assert officer_client.get(url).status_code == 403
    officer_client.post(url, {"post": "yes"})
    response = officer_client.post(
        "/admin/enterprises/participation/",
        {"action": "delete_selected", "_selected_action": [programme.participation.pk], "post": "yes"},
    )
    assert response.status_code == 403
    assert Participation.objects.filter(pk=programme.participation.pk).exists()
    assert FactoryVisit.objects.filter(pk=programme.visit.pk).exists()


def test_participation_without_visits_is_deleted_through_the_service(officer_client, programme):
    programme.visit.delete()
    url = f"/admin/enterprises/participation/{programme.participation.pk}/delete/"
    response = officer_client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not Participation.objects.filter(pk=programme.participation.pk).exists()


def test_stale_participation_form_cannot_undo_counts_recorded_on_the_round_page(officer_client, programme):
    url = f"/admin/enterprises/participation/{programme.participation.pk}/change/"
    data = change_form(officer_client, url)
    services.participation_update(participation=programme.participation, edit_version=0, workers_women=12)
    data["managers_men"] = "3"
    response = officer_client.post(url, data)
    assert "Someone else saved this record" in response.content.decode()
    programme.participation.refresh_from_db()
    assert (programme.participation.workers_women, programme.participation.managers_men) == (12, 1)


def test_factory_visit_of_a_cancelled_round_cannot_be_deleted_in_the_admin(officer_client, programme):
    programme_services.round_transition(training_round=programme.round, to_status=TrainingRound.Status.CANCELLED)
    url = f"/admin/enterprises/factoryvisit/{programme.visit.pk}/delete/"
    assert officer_client.get(url).status_code == 403
    officer_client.post(url, {"post": "yes"})
    assert FactoryVisit.objects.filter(pk=programme.visit.pk).exists()


def test_factory_visit_cannot_be_moved_before_its_round_in_the_admin(officer_client, programme):
    # no service changes a visit: the admin shows it and offers no save
    url = f"/admin/enterprises/factoryvisit/{programme.visit.pk}/change/"
    officer_client.post(
        url,
        {
            "training_round": programme.round.pk,
            "enterprise": programme.enterprise.pk,
            "trainer": programme.trainer.pk,
            "visited_on": "2014-01-01",
            "notes": "",
        },
    )
    programme.visit.refresh_from_db()
    assert str(programme.visit.visited_on) == "2014-09-15"


def test_kpi_is_retired_not_deleted_in_the_admin(officer_client):
    kpi = KPIFactory(name="Defect rate")
    KPILineFactory(kpi=kpi)
    assert officer_client.get(f"/admin/enterprises/kpi/{kpi.pk}/delete/").status_code == 403
    officer_client.post(f"/admin/enterprises/kpi/{kpi.pk}/delete/", {"post": "yes"})
    assert KPI.objects.filter(pk=kpi.pk).exists()
    assert KPILine.objects.filter(kpi=kpi).exists()


def test_kpi_added_in_the_admin_goes_through_the_catalogue_rule(officer_client):
    KPIFactory(name="Defect rate")
    response = officer_client.post(
        "/admin/enterprises/kpi/add/",
        {"name": "DEFECT RATE", "unit": "%", "direction": KPI.Direction.LOWER, "order": "0"},
    )
    assert "already has a KPI with this name" in response.content.decode()
    assert KPI.objects.filter(name__iexact="defect rate").count() == 1


def test_results_are_read_only_in_the_admin(officer_client, programme):
    # given a submitted result: only the result pages move it, with its trail and e-mails
    result = programme.result
    Result.objects.filter(pk=result.pk).update(status=Result.Status.SUBMITTED)
    assert officer_client.get(f"/admin/enterprises/result/{result.pk}/delete/").status_code == 403
    officer_client.post(f"/admin/enterprises/result/{result.pk}/delete/", {"post": "yes"})
    officer_client.post(f"/admin/enterprises/result/{result.pk}/change/", {"title": "Changed by hand"})
    result.refresh_from_db()
    assert (result.title, result.status) == ("307 suggestions", Result.Status.SUBMITTED)


def test_kpi_line_values_are_not_changed_by_hand_in_the_admin(officer_client, programme):
    line = KPILineFactory(result=programme.result)
    url = f"/admin/enterprises/kpiline/{line.pk}/change/"
    officer_client.post(
        url,
        {"result": programme.result.pk, "kpi": line.kpi.pk, "baseline_value": "1", "followup_value": "99"},
    )
    assert officer_client.get(f"/admin/enterprises/kpiline/{line.pk}/delete/").status_code == 403
    line.refresh_from_db()
    assert line.followup_value == Decimal("92.58")


def test_photos_and_pairs_are_not_deleted_by_hand_in_the_admin(officer_client, programme):
    pair = PhotoPairFactory(result=programme.result)
    assert officer_client.get(f"/admin/enterprises/photopair/{pair.pk}/delete/").status_code == 403
    officer_client.post(f"/admin/enterprises/photopair/{pair.pk}/delete/", {"post": "yes"})
    officer_client.post(f"/admin/enterprises/photo/{pair.before.pk}/delete/", {"post": "yes"})
    assert PhotoPair.objects.filter(pk=pair.pk).exists()
    assert type(pair.before).objects.filter(pk=pair.before.pk).exists()


def test_result_approval_trail_is_append_only_in_the_admin(officer_client, programme, make_partner):
    # given a partner submitted a result and an officer approved it
    partner = make_partner(programme.cec)
    result = programme.result
    Result.objects.filter(pk=result.pk).update(organisation=programme.cec, author=partner)
    result.refresh_from_db()
    result_services.result_submit(result=result, by=partner)
    steps = list(ResultStep.objects.filter(result=result).values_list("pk", flat=True))
    assert steps
    # when an officer tries to delete a step of its trail, one by one or in bulk
    for pk in steps:
        assert officer_client.get(f"/admin/enterprises/resultstep/{pk}/delete/").status_code == 403
        officer_client.post(f"/admin/enterprises/resultstep/{pk}/delete/", {"post": "yes"})
    officer_client.post(
        "/admin/enterprises/resultstep/", {"action": "delete_selected", "_selected_action": steps, "post": "yes"}
    )
    # then the trail is whole
    assert sorted(ResultStep.objects.filter(result=result).values_list("pk", flat=True)) == sorted(steps)
