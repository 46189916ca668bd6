"""Celery beat's schedules belong to superusers and to code: officers cannot schedule tasks in the admin."""

import pytest
from django_celery_beat.models import IntervalSchedule, PeriodicTask

pytestmark = pytest.mark.django_db


def _task_data(interval):
    return {
        "name": "Mail anyone",
        "regtask": "",
        "task": "core.tasks.send_mail",  # any task, any arguments, from the portal's sender
        "enabled": "on",
        "interval": interval.pk,
        "args": '["to@example.org"]',
        "kwargs": "{}",
        "priority": "",
        "headers": "{}",
        "expire_seconds": "",
        "queue": "",
        "exchange": "",
        "routing_key": "",
        "description": "",
    }


def test_officer_cannot_schedule_a_task_in_the_admin(officer_client):
    interval = IntervalSchedule.objects.create(every=1, period=IntervalSchedule.MINUTES)
    assert officer_client.get("/admin/django_celery_beat/periodictask/add/").status_code == 403
    officer_client.post("/admin/django_celery_beat/periodictask/add/", _task_data(interval))
    assert not PeriodicTask.objects.filter(name="Mail anyone").exists()
    assert officer_client.get("/admin/django_celery_beat/intervalschedule/add/").status_code == 403
    assert "django_celery_beat" not in officer_client.get("/admin/").content.decode()


def test_officer_cannot_change_or_delete_a_schedule_in_the_admin(officer_client):
    interval = IntervalSchedule.objects.create(every=1, period=IntervalSchedule.HOURS)
    task = PeriodicTask.objects.create(name="Nightly", task="core.tasks.nightly", interval=interval)
    officer_client.post(f"/admin/django_celery_beat/periodictask/{task.pk}/delete/", {"post": "yes"})
    assert officer_client.get(f"/admin/django_celery_beat/periodictask/{task.pk}/change/").status_code in (302, 403)
    assert PeriodicTask.objects.filter(pk=task.pk).exists()


def test_superuser_still_manages_schedules(admin_client):
    assert admin_client.get("/admin/django_celery_beat/periodictask/add/").status_code == 200
