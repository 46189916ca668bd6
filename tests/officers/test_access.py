"""Deny by default: every URL of the officer portal, walked as every role.

Officers may do everything; a partner reads the rounds and enterprises of its own organisation (another
organisation's are a 404) and nothing else; editors and users without a role get 403; anonymous visitors
are sent to the login page.
"""

import pytest

pytestmark = pytest.mark.django_db

LOGIN = "login"
OK, FORBIDDEN, NOT_FOUND, NOT_ALLOWED, REDIRECT = 200, 403, 404, 405, 302


def urls(p):
    """(method, url, expected for officer, for a partner of CEC, for a partner of another organisation)."""
    r, e, t = p.round.pk, p.enterprise.pk, p.trainer.pk
    return [
        # readable by partners, scoped
        ("get", "/rounds/", OK, OK, OK),
        ("get", "/rounds/?_export=csv", OK, OK, OK),
        ("get", "/rounds/?_export=xlsx", OK, OK, OK),
        ("get", f"/rounds/{r}/", OK, OK, NOT_FOUND),
        ("get", "/enterprises/", OK, OK, OK),
        ("get", "/enterprises/?_export=csv", OK, OK, OK),
        ("get", f"/enterprises/{e}/", OK, OK, NOT_FOUND),
        ("post", f"/rounds/{r}/", NOT_ALLOWED, FORBIDDEN, FORBIDDEN),
        ("post", f"/enterprises/{e}/", NOT_ALLOWED, FORBIDDEN, FORBIDDEN),
        # officers only (a remove or delete asks first: the confirmation page, core/confirm.py)
        ("get", "/rounds/new/", OK, FORBIDDEN, FORBIDDEN),
        ("get", f"/rounds/{r}/edit/", OK, FORBIDDEN, FORBIDDEN),
        ("post", f"/rounds/{r}/status/", REDIRECT, FORBIDDEN, FORBIDDEN),
        ("get", f"/rounds/{r}/status/", NOT_ALLOWED, FORBIDDEN, FORBIDDEN),
        ("post", f"/rounds/{r}/enterprises/add/", 400, FORBIDDEN, FORBIDDEN),
        ("get", f"/rounds/{r}/enterprises/{p.participation.pk}/edit/", OK, FORBIDDEN, FORBIDDEN),
        ("post", f"/rounds/{r}/enterprises/{p.participation.pk}/remove/", OK, FORBIDDEN, FORBIDDEN),
        ("get", f"/rounds/{r}/enterprises/{p.participation.pk}/remove/", OK, FORBIDDEN, FORBIDDEN),
        ("post", f"/rounds/{r}/trainers/add/", 400, FORBIDDEN, FORBIDDEN),
        ("post", f"/rounds/{r}/trainers/{p.round_trainer.pk}/remove/", OK, FORBIDDEN, FORBIDDEN),
        ("get", f"/rounds/{r}/trainers/{p.round_trainer.pk}/remove/", OK, FORBIDDEN, FORBIDDEN),
        ("post", f"/rounds/{r}/visits/add/", 400, FORBIDDEN, FORBIDDEN),
        ("post", f"/rounds/{r}/visits/{p.visit.pk}/remove/", OK, FORBIDDEN, FORBIDDEN),
        ("get", f"/rounds/{r}/visits/{p.visit.pk}/remove/", OK, FORBIDDEN, FORBIDDEN),
        ("get", "/enterprises/new/", OK, FORBIDDEN, FORBIDDEN),
        ("get", f"/enterprises/{e}/edit/", OK, FORBIDDEN, FORBIDDEN),
        ("get", "/organisations/", OK, FORBIDDEN, FORBIDDEN),
        ("get", "/organisations/?_export=xlsx", OK, FORBIDDEN, FORBIDDEN),
        ("get", "/organisations/new/", OK, FORBIDDEN, FORBIDDEN),
        ("get", f"/organisations/{p.cec.pk}/", OK, FORBIDDEN, FORBIDDEN),
        ("get", f"/organisations/{p.cec.pk}/edit/", OK, FORBIDDEN, FORBIDDEN),
        ("get", f"/organisations/{p.cec.pk}/agreements/new/", OK, FORBIDDEN, FORBIDDEN),
        ("get", f"/agreements/{p.agreement.pk}/edit/", OK, FORBIDDEN, FORBIDDEN),
        ("post", f"/agreements/{p.agreement.pk}/delete/", OK, FORBIDDEN, FORBIDDEN),
        ("get", f"/agreements/{p.agreement.pk}/delete/", OK, FORBIDDEN, FORBIDDEN),
        ("get", "/trainers/", OK, FORBIDDEN, FORBIDDEN),
        ("get", "/trainers/?_export=csv", OK, FORBIDDEN, FORBIDDEN),
        ("get", "/trainers/new/", OK, FORBIDDEN, FORBIDDEN),
        ("get", f"/trainers/{t}/", OK, FORBIDDEN, FORBIDDEN),
        ("get", f"/trainers/{t}/edit/", OK, FORBIDDEN, FORBIDDEN),
        ("get", "/trainers/tot-rounds/autocomplete/?q=tai", OK, FORBIDDEN, FORBIDDEN),
        ("post", f"/trainers/{t}/qualifications/add/", 400, FORBIDDEN, FORBIDDEN),
        ("post", f"/qualifications/{p.qualification.pk}/remove/", OK, FORBIDDEN, FORBIDDEN),
        ("get", f"/qualifications/{p.qualification.pk}/remove/", OK, FORBIDDEN, FORBIDDEN),
    ]


def call(client, method, url):
    return getattr(client, method)(url)


def test_every_url_sends_anonymous_visitors_to_login(client, programme):
    for method, url, *_ in urls(programme):
        response = call(client, method, url)
        assert response.status_code == 302, (method, url)
        assert "/accounts/login/" in response.url, (method, url)


@pytest.mark.parametrize("who", ["nobody", "editor"])
def test_every_url_is_forbidden_to_users_without_a_programme_role(client, programme, who, request):
    client.force_login(request.getfixturevalue(who))
    for method, url, *_ in urls(programme):
        assert call(client, method, url).status_code == FORBIDDEN, (who, method, url)


def test_every_url_as_an_officer(client, programme, officer):
    client.force_login(officer)
    for method, url, expected, *_ in urls(programme):
        assert call(client, method, url).status_code == expected, (method, url)


def test_every_url_as_a_partner_of_the_organisation(client, programme, make_partner):
    client.force_login(make_partner(programme.cec))
    for method, url, _, expected, _ in urls(programme):
        assert call(client, method, url).status_code == expected, (method, url)


def test_every_url_as_a_partner_of_another_organisation(client, programme, make_partner):
    client.force_login(make_partner(programme.other))
    for method, url, *_, expected in urls(programme):
        assert call(client, method, url).status_code == expected, (method, url)


def test_partner_reads_a_round_without_edit_buttons_or_forms(client, programme, make_partner):
    client.force_login(make_partner(programme.cec))
    html = client.get(f"/rounds/{programme.round.pk}/").content.decode()
    assert "Yucheng Futong Electric" in html
    assert "Jia Hongwei" in html
    assert "307 suggestions" in html
    for officer_only in ("Add an enterprise", "Add a trainer", "Record a factory visit", "Edit round", "Move to"):
        assert officer_only not in html
    assert f"/trainers/{programme.trainer.pk}/" not in html  # trainer pages are for officers


def test_partner_lists_show_only_their_own(client, programme, make_partner):
    client.force_login(make_partner(programme.other))
    rounds = client.get("/rounds/").content.decode()
    assert "Guangzhou" in rounds and "Taixing" not in rounds
    enterprises = client.get("/enterprises/").content.decode()
    assert "BSCI supplier factory 1" in enterprises and "Yucheng" not in enterprises
    csv = b"".join(client.get("/enterprises/?_export=csv").streaming_content).decode()
    assert "BSCI supplier factory 1" in csv and "Yucheng" not in csv
    assert "New enterprise" not in enterprises


def test_officer_nav_links_to_every_list(client, officer):
    client.force_login(officer)
    html = client.get("/").content.decode()
    for url in ("/rounds/", "/enterprises/", "/trainers/", "/organisations/"):
        assert f'href="{url}"' in html


def test_partner_cannot_add_to_their_own_round(client, programme, make_partner):
    client.force_login(make_partner(programme.cec))
    response = client.post(
        f"/rounds/{programme.round.pk}/enterprises/add/", {"p-enterprise": programme.other_enterprise.pk}
    )
    assert response.status_code == FORBIDDEN
    assert not programme.round.participations.filter(enterprise=programme.other_enterprise).exists()
