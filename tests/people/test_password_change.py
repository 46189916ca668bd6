"""The password-change form cannot be used to guess the current password without limit (docs/lockouts.md)."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

CHANGE = "/accounts/password_change/"


def _change(client, old: str):
    return client.post(
        CHANGE, {"old_password": old, "new_password1": "Tea-garden-2026", "new_password2": "Tea-garden-2026"}
    )


def test_ten_wrong_current_passwords_lock_the_account_even_with_the_right_one(django_user_model):
    # given amy, logged in (a stolen session), and bob at the same address
    amy = django_user_model.objects.create_user(username="amy", password="right-password")
    django_user_model.objects.create_user(username="bob", password="bobs-password")
    client = Client()
    client.force_login(amy)
    # when the current password is guessed ten times
    statuses = [_change(client, f"guess-{n}").status_code for n in range(10)]
    # then the guesses stop counting as guesses: the right one is refused too, and so is amy's login
    assert all(status in (200, 429) for status in statuses) and statuses[-1] == 429
    response = _change(client, "right-password")
    assert response.status_code in (200, 429)
    assert "Too many" in response.content.decode()
    amy.refresh_from_db()
    assert amy.check_password("right-password")
    assert Client().post("/accounts/login/", {"username": "amy", "password": "right-password"}).status_code == 429
    # and bob is not affected
    bob = Client()
    assert bob.post("/accounts/login/", {"username": "bob", "password": "bobs-password"}).status_code == 302


def test_the_right_current_password_changes_it(django_user_model):
    amy = django_user_model.objects.create_user(username="amy", password="right-password")
    client = Client()
    client.force_login(amy)
    _change(client, "guess")
    assert _change(client, "right-password").status_code == 302
    amy.refresh_from_db()
    assert amy.check_password("Tea-garden-2026")
