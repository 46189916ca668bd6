"""Login throttling (django-axes): usernames and addresses locked out after repeated failures, on the portal's and
the admin's login; officers lift lockouts; password-reset e-mails limited per address (docs/lockouts.md)."""

import pytest
from django.contrib.auth.models import User

from people.models import PersonChange

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/"


def _login(client, username: str, password: str, *, url: str = LOGIN, **extra):
    return client.post(url, {"username": username, "password": password}, **extra)


def _logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def _fail(client, username: str, times: int, **extra):
    return [_login(client, username, "wrong-password", **extra).status_code for _ in range(times)]


def test_ten_failed_logins_lock_the_username_even_with_the_right_password(client, django_user_model):
    # given
    django_user_model.objects.create_user(username="amy", password="right-password")
    django_user_model.objects.create_user(username="bob", password="bobs-password")
    # when someone fails ten times with amy's user name
    statuses = _fail(client, "amy", 10)
    # then the first nine are the form's error, the tenth and every attempt after it the lockout page
    assert statuses == [200] * 9 + [429]
    response = _login(client, "amy", "right-password")
    page = response.content.decode()
    assert response.status_code == 429 and not _logged_in(client)
    assert "Too many failed logins" in page and "refused for 15 minutes" in page
    assert 'class="navbar' in page  # the portal's shell, not a bare page
    # and another user at the same address logs in
    assert _login(client, "bob", "bobs-password").status_code == 302 and _logged_in(client)


def test_the_lockout_page_is_translated(client, django_user_model):
    django_user_model.objects.create_user(username="amy", password="right-password")
    _fail(client, "amy", 10)
    client.cookies["django_language"] = "zh-hans"
    response = _login(client, "amy", "right-password", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()


def test_thirty_failures_from_one_address_lock_it_whatever_the_usernames(client, django_user_model):
    # given
    django_user_model.objects.create_user(username="bob", password="bobs-password")
    office = {"REMOTE_ADDR": "203.0.113.9"}
    # when 30 logins fail from one address, each with another user name (none reaches ten)
    statuses = [_login(client, f"guess{i}", "wrong", **office).status_code for i in range(30)]
    # then the 30th and what follows from that address are refused, bob's right password included
    assert statuses == [200] * 29 + [429]
    assert _login(client, "bob", "bobs-password", **office).status_code == 429 and not _logged_in(client)
    # and bob logs in from elsewhere
    assert _login(client, "bob", "bobs-password", REMOTE_ADDR="198.51.100.4").status_code == 302


def test_the_admin_login_is_throttled_the_same_way(client, officer):
    statuses = _fail(client, officer.username, 10, url=ADMIN_LOGIN)
    assert statuses[-1] == 429
    response = _login(client, officer.username, "pw", url=ADMIN_LOGIN)
    assert response.status_code == 429 and "Too many failed logins" in response.content.decode()
    assert not _logged_in(client)
    # the portal's login refuses the same user name too: one count for both
    assert _login(client, officer.username, "pw").status_code == 429


def test_an_officer_sees_and_lifts_a_lockout_and_the_person_logs_in(client, officer, django_user_model):
    # given amy locked out
    amy = django_user_model.objects.create_user(username="amy", password="right-password")
    _fail(client, "amy", 10, REMOTE_ADDR="198.51.100.20")
    # when an officer opens the lockouts page
    client.force_login(officer)
    page = client.get("/accounts/lockouts/").content.decode()
    assert "amy" in page and "Lift the lockout of amy" in page
    # and lifts it
    response = client.post("/accounts/lockouts/lift/", {"kind": "username", "value": "amy"}, follow=True)
    assert "The lockout of amy is lifted" in response.content.decode()
    assert "No user name or address is locked out." in client.get("/accounts/lockouts/").content.decode()
    assert PersonChange.objects.filter(person=amy, by=officer, action=PersonChange.Action.LOCKOUT_LIFTED).exists()
    # then amy logs in with her password
    client.logout()
    assert _login(client, "amy", "right-password", REMOTE_ADDR="198.51.100.20").status_code == 302
    assert _logged_in(client)


def test_an_officer_lifts_an_address_lockout(client, officer, django_user_model):
    django_user_model.objects.create_user(username="bob", password="bobs-password")
    office = {"REMOTE_ADDR": "203.0.113.30"}
    for i in range(30):
        _login(client, f"guess{i}", "wrong", **office)
    client.force_login(officer)
    assert "203.0.113.30" in client.get("/accounts/lockouts/").content.decode()
    client.post("/accounts/lockouts/lift/", {"kind": "address", "value": "203.0.113.30"})
    client.logout()
    assert _login(client, "bob", "bobs-password", **office).status_code == 302


def test_only_officers_see_or_lift_lockouts(client, make_partner, editor, django_user_model):
    from tests.factories import OrganisationFactory

    django_user_model.objects.create_user(username="amy", password="right-password")
    _fail(client, "amy", 10)
    # anonymous visitors are sent to log in
    assert client.get("/accounts/lockouts/").status_code == 302
    # a partner and an editor are refused the page and the action
    for user in (make_partner(OrganisationFactory()), editor):
        client.force_login(user)
        assert client.get("/accounts/lockouts/").status_code == 403
        assert client.post("/accounts/lockouts/lift/", {"kind": "username", "value": "amy"}).status_code == 403
    # and the lockout stands
    client.logout()
    assert _login(client, "amy", "right-password").status_code == 429


def test_behind_a_proxy_the_address_is_the_one_the_proxy_saw(client, settings, django_user_model):
    # given the portal behind one proxy (10.0.0.2), which appends the address it got the request from
    settings.AXES_IPWARE_PROXY_COUNT = 1
    django_user_model.objects.create_user(username="bob", password="bobs-password")

    def via_proxy(client_address: str, spoofed: str = ""):
        forwarded = f"{spoofed}, {client_address}" if spoofed else client_address
        return {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": forwarded}

    # when one client fails 30 times, writing another made-up address in front of its own each time
    for i in range(30):
        _login(client, f"guess{i}", "wrong", **via_proxy("198.51.100.7", spoofed=f"192.0.2.{i}"))
    # then that client is locked out, and another client behind the same proxy is not
    assert _login(client, "bob", "bobs-password", **via_proxy("198.51.100.7")).status_code == 429
    assert _login(client, "bob", "bobs-password", **via_proxy("198.51.100.8")).status_code == 302


def test_without_a_proxy_a_forwarded_for_header_is_not_believed(client, django_user_model):
    # (the default: AXES_IPWARE_PROXY_COUNT=0) a client cannot dodge the address limit by sending the header
    django_user_model.objects.create_user(username="bob", password="bobs-password")
    for i in range(30):
        _login(client, f"guess{i}", "wrong", REMOTE_ADDR="203.0.113.50", HTTP_X_FORWARDED_FOR=f"192.0.2.{i}")
    assert _login(client, "bob", "bobs-password", REMOTE_ADDR="203.0.113.50").status_code == 429


def test_at_most_three_password_reset_emails_an_hour_to_one_address(
    client, smtp_inbox, django_capture_on_commit_callbacks
):
    # given
    User.objects.create_user(username="amy", password="pw", email="amy@example.org")
    # when a reset is asked four times for amy's address, and four times for an address no account has
    with django_capture_on_commit_callbacks(execute=True):  # the e-mail leaves in a task once the request commits
        answers = [client.post("/accounts/password_reset/", {"email": "amy@example.org"}) for _ in range(4)]
        unknown = [client.post("/accounts/password_reset/", {"email": "nobody@example.org"}) for _ in range(4)]
    # then three e-mails reach amy, and the fourth is not sent
    messages = smtp_inbox.wait_for(3)
    import time

    time.sleep(0.5)  # (a fourth would have arrived by now)
    assert len(smtp_inbox.messages) == 3
    assert {tuple(m["To"].addresses[0].addr_spec for _ in [0]) for m in messages} == {("amy@example.org",)}
    # and every answer is the same, whether sent, refused, or for no account: nothing tells them apart
    assert {(a.status_code, a["Location"]) for a in answers + unknown} == {(302, "/accounts/password_reset/done/")}
