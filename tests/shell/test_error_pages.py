"""403, 404 and 500 pages: in the portal's shell, in the visitor's language, with a way back."""

import pytest
from django.test import Client

from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_a_missing_page_is_in_the_portals_shell_with_a_way_back(client, officer):
    client.force_login(officer)
    response = client.get("/rounds/999999/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "This page does not exist, or it is not yours to see" in html
    assert 'aria-label="Main navigation"' in html and ">Enterprises</a>" in html  # the navigation bar is there
    assert 'href="/rounds/">Back to Rounds</a>' in html  # back to the list the address was under
    assert 'href="/">Go to the home page</a>' in html


def test_a_missing_page_speaks_chinese_to_a_chinese_visitor(client):
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = response.content.decode()
    assert response.status_code == 404
    assert '<html lang="zh-hans">' in html
    assert "此页面不存在，或您无权查看" in html
    assert "返回首页" in html and "登录" in html


def test_a_refused_page_explains_and_offers_a_way_back(client, make_partner):
    partner = make_partner(OrganisationFactory(short_name="CEC"))
    client.force_login(partner)
    response = client.get("/trainers/new/")
    html = response.content.decode()
    assert response.status_code == 403
    assert "You may not do this" in html and "403 Forbidden" not in html
    assert 'href="/">Go to the home page</a>' in html
    response = client.get("/trainers/new/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "您无权执行此操作" in response.content.decode()


@pytest.mark.urls("tests.shell.urls_with_a_failing_view")
def test_a_server_error_shows_the_portals_page_without_needing_the_request(settings):
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    for language, heading, home in (
        ("en", "Something went wrong on our side", "Go to the home page"),
        ("zh-hans", "我们这边出了问题", "返回首页"),
    ):
        response = client.get("/fails/", HTTP_ACCEPT_LANGUAGE=language)
        html = response.content.decode()
        assert response.status_code == 500
        assert f'<html lang="{language}">' in html
        assert heading in html and f'href="/">{home}</a>' in html
        assert "/static/css/portal.css" in html


def test_every_page_sends_a_content_security_policy_without_unsafe_inline(client, officer):
    client.force_login(officer)
    for path in ("/", "/rounds/", "/accounts/login/", "/newsletter/", "/no-such-page/"):
        policy = client.get(path).headers["Content-Security-Policy"]
        directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
        assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
        assert directives["default-src"] == "'self'" and directives["object-src"] == "'none'"
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def test_no_template_carries_inline_script_style_or_event_handlers():
    """The browser test catches what a page does; this names the template that would do it."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    # The newsletter's document is made for WeasyPrint (its <style> is dropped from the web edition).
    allowed = {root / "newsletters/templates/newsletters/issue_document.html"}
    pattern = re.compile(r"<style|style=|\son[a-z]+=|<script(?![^>]*\bsrc=)(?![^>]*application/(ld\+)?json)", re.I)
    found = [
        f"{path.relative_to(root)}:{n}: {line.strip()[:80]}"
        for path in root.glob("*/templates/**/*.html")
        if ".venv" not in path.parts and path not in allowed
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ] + [
        f"{path.relative_to(root)}:{n}: {line.strip()[:80]}"
        for path in (root / "templates").glob("**/*.html")
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert found == []


def test_a_form_refused_for_its_csrf_token_is_explained_in_the_portals_shell():
    client = Client(enforce_csrf_checks=True)
    for language, heading in (("en", "The form could not be sent"), ("zh-hans", "表单未能提交")):
        response = client.post("/accounts/login/", {"username": "a", "password": "b"}, HTTP_ACCEPT_LANGUAGE=language)
        html = response.content.decode()
        assert response.status_code == 403
        assert heading in html and 'class="navbar-brand' in html  # in the portal's shell
        assert "CSRF verification failed" not in html and "CSRF token" not in html


def test_an_address_opened_with_the_wrong_method_gets_the_portals_page(client, officer):
    client.force_login(officer)
    response = client.get("/accounts/lockouts/lift/")
    html = response.content.decode()
    assert response.status_code == 405 and response["Allow"] == "POST"
    assert "This address does not work this way" in html and 'aria-label="Main navigation"' in html
    response = client.get("/accounts/lockouts/lift/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "此地址不能这样使用" in response.content.decode()
