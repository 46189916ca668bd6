import os
import re
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


def run_check_deploy(env: dict) -> subprocess.CompletedProcess:
    # The test process's own settings stay out, and so does the browser tests' DJANGO_ALLOW_ASYNC_UNSAFE
    # (Playwright's fixtures set it in the same worker): a deployment has neither.
    prefixes = ("DEBUG", "SECRET_KEY", "SECURE_", "SESSION_", "DJANGO_ALLOW_ASYNC_UNSAFE", "CACHE_URL")
    clean = {k: v for k, v in os.environ.items() if not k.startswith(prefixes)}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "score_portal.settings", **env},
        capture_output=True,
        text=True,
    )


def test_check_deploy_leaves_only_the_hsts_subdomain_and_preload_choices():
    # given a production environment with nothing but the required variables
    secret = __import__("secrets").token_urlsafe(50)
    # when Django's deployment checklist runs
    proc = run_check_deploy(
        {"DEBUG": "0", "SECRET_KEY": secret, "ALLOWED_HOSTS": "example.org", "CACHE_URL": "redis://127.0.0.1:6379/1"}
    )
    # then it warns of the two HSTS choices only (they bind every subdomain and the browsers' list)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output
    warnings = sorted(set(re.findall(r"\(([a-z_]+\.[A-Z]\d+)\)", output)))
    assert warnings == ["security.W005", "security.W021"], output
    assert "System check identified 2 issues" in output


def test_check_deploy_warns_when_each_process_keeps_its_own_cache():
    # given a production environment that names no shared cache
    secret = __import__("secrets").token_urlsafe(50)
    proc = run_check_deploy({"DEBUG": "0", "SECRET_KEY": secret, "ALLOWED_HOSTS": "example.org"})
    # then the checklist says the figures kept there would go stale in the other processes
    output = proc.stdout + proc.stderr
    assert "score_portal.W001" in output and "CACHE_URL" in output, output


def test_check_deploy_names_an_insecure_choice_made_in_the_environment():
    # the safe defaults can be turned off, and the checklist then says so
    secret = __import__("secrets").token_urlsafe(50)
    proc = run_check_deploy(
        {
            "DEBUG": "0",
            "SECRET_KEY": secret,
            "ALLOWED_HOSTS": "example.org",
            "SESSION_COOKIE_SECURE": "0",
            "SECURE_SSL_REDIRECT": "0",
            "SECURE_HSTS_SECONDS": "0",
        }
    )
    output = proc.stdout + proc.stderr
    warnings = set(re.findall(r"\(([a-z_]+\.[A-Z]\d+)\)", output))
    assert {"security.W004", "security.W008", "security.W012"} <= warnings, output
