"""The admin of trainers, qualifications and round trainers refuses what trainers.services refuses."""

import pytest

from programmes import services as programme_services
from programmes.models import TrainingRound
from trainers import services
from trainers.models import Qualification, RoundTrainer, Trainer

from .conftest import change_form

pytestmark = pytest.mark.django_db


def test_trainer_cannot_be_deleted_in_the_admin(officer_client, programme):
    url = f"/admin/trainers/trainer/{programme.trainer.pk}/delete/"
    assert officer_client.get(url).status_code == 403
    officer_client.post(url, {"post": "yes"})
    assert Trainer.objects.filter(pk=programme.trainer.pk).exists()
    assert RoundTrainer.objects.filter(pk=programme.round_trainer.pk).exists()


def test_stale_trainer_form_cannot_undo_a_portal_edit(officer_client, programme):
    url = f"/admin/trainers/trainer/{programme.trainer.pk}/change/"
    data = change_form(officer_client, url)
    services.trainer_save(trainer=programme.trainer, edit_version=0, position="Senior consultant")
    data["phone"] = "+86 10 1234"
    response = officer_client.post(url, data)
    assert "Someone else saved this record" in response.content.decode()
    programme.trainer.refresh_from_db()
    assert (programme.trainer.position, programme.trainer.phone) == ("Senior consultant", "")


def test_qualification_a_round_relies_on_cannot_be_changed_or_deleted_in_the_admin(officer_client, programme):
    # the trainer delivers the M1 ToE round on this qualification alone
    q = programme.qualification
    assert services.qualification_remove_check(qualification=q)
    officer_client.post(
        f"/admin/trainers/qualification/{q.pk}/change/",
        {"trainer": q.trainer.pk, "module": q.module.pk, "qualified_on": "2012-01-01", "expires_on": "2013-01-01"},
    )
    assert officer_client.get(f"/admin/trainers/qualification/{q.pk}/delete/").status_code == 403
    # nor through the trainer's page (its qualifications are shown there to read)
    data = change_form(officer_client, f"/admin/trainers/trainer/{programme.trainer.pk}/change/")
    data["qualifications-0-DELETE"] = "on"
    officer_client.post(f"/admin/trainers/trainer/{programme.trainer.pk}/change/", data)
    q.refresh_from_db()
    assert q.expires_on is None


def test_round_trainer_of_a_cancelled_round_cannot_be_removed_in_the_admin(officer_client, programme):
    programme_services.round_transition(training_round=programme.round, to_status=TrainingRound.Status.CANCELLED)
    url = f"/admin/trainers/roundtrainer/{programme.round_trainer.pk}/delete/"
    assert officer_client.get(url).status_code == 403
    officer_client.post(url, {"post": "yes"})
    assert RoundTrainer.objects.filter(pk=programme.round_trainer.pk).exists()
    assert Qualification.objects.filter(pk=programme.qualification.pk).exists()
