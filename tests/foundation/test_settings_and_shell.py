import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import Group

from core import roles

ROOT = Path(__file__).resolve().parents[2]


def run_django(env: dict) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY")}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('ok')"],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "score_portal.settings", **env},
        capture_output=True,
        text=True,
    )


def test_production_refuses_to_start_without_a_secret_key():
    proc = run_django({"DEBUG": "off"})
    assert proc.returncode != 0
    assert "SECRET_KEY must be set" in proc.stderr


def test_production_starts_with_a_secret_key():
    proc = run_django({"DEBUG": "off", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "score.example.org"})
    assert proc.returncode == 0, proc.stderr


@pytest.mark.django_db
def test_role_groups_exist():
    assert set(Group.objects.values_list("name", flat=True)) >= set(roles.ROLE_GROUPS)


@pytest.mark.django_db
def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


@pytest.mark.django_db
def test_user_without_role_is_told_so(client, nobody):
    client.force_login(nobody)
    response = client.get("/")
    assert "Your account has no role yet" in response.content.decode()


@pytest.mark.django_db
def test_login_page_serves_bootstrap_from_our_own_static_files(client):
    html = client.get("/accounts/login/").content.decode()
    assert "/static/bootstrap/css/bootstrap.min.css" in html
    assert "cdn" not in html.lower()


@pytest.mark.django_db
def test_demo_officer_can_use_the_admin(client, officer):
    client.force_login(officer)
    response = client.get("/admin/programmes/traininground/")
    assert response.status_code == 200
    assert "Select training round to change" in response.content.decode()


@pytest.mark.django_db
def test_editor_and_partner_have_no_programme_permissions(editor):
    assert editor.has_perm("newsletters.change_issue")
    assert not editor.has_perm("programmes.change_traininground")
