"""What a new user hits on the first day: the login page, the logs of `make run`, the filters, the dates."""

import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format

from tests.factories import TrainerFactory

pytestmark = pytest.mark.django_db


def demo_accounts_exist(django_user_model):
    """The demo's accounts, as `load_demo` creates them (without the rest of the programme, which takes long)."""
    import yaml

    from score_portal.demo import DEMO_FILE

    for row in yaml.safe_load(DEMO_FILE.read_text(encoding="utf-8"))["accounts"]:
        django_user_model.objects.create_user(username=row["username"], password="demo")


def test_login_page_in_debug_mode_lists_the_demo_accounts(client, settings, django_user_model):
    settings.DEBUG = True
    demo_accounts_exist(django_user_model)

    page = client.get(reverse("login")).content.decode()

    assert "Demo accounts (debug mode only)" in page and "<code>demo</code>" in page
    for username in ("officer", "partner-cec", "partner-bsci", "editor", "trainer"):
        assert f"<code>{username}</code>" in page
    assert "Partner user (CEC)" in page and "Trainer (Jia Hongwei)" in page


def test_login_page_lists_no_account_when_debug_is_off(client, settings, django_user_model):
    demo_accounts_exist(django_user_model)
    settings.DEBUG = False

    page = client.get(reverse("login")).content.decode()

    assert "Demo accounts" not in page and "<code>officer</code>" not in page


def test_every_log_line_is_printed_once():
    # given the portal's logging set up as `make run` has it (a fresh process, DEBUG on)
    script = (
        "import django, logging; django.setup(); "
        "logging.getLogger('django.request').warning('Not Found: /favicon.ico'); "
        "logging.getLogger('celery').warning('a worker line')"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "score_portal.settings", "DEBUG": "1"}

    # when a Django and a Celery logger each log one line
    done = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=django_settings.BASE_DIR,
        check=True,
    )

    # then each line appears once
    lines = done.stderr.splitlines()
    assert lines.count("Not Found: /favicon.ico") == 1, done.stderr
    assert lines.count("a worker line") == 1, done.stderr


def test_empty_yes_no_filters_read_any(client, officer):
    TrainerFactory()
    client.force_login(officer)

    page = client.get(reverse("trainers:trainer_list")).content.decode()

    assert '<option value="unknown" selected>Any</option>' in page
    assert "Unknown" not in page


def test_one_date_format_per_language():
    import datetime as dt

    day = dt.date(2014, 12, 9)
    with translation.override("en"):
        assert {date_format(day), date_format(day, "SHORT_DATE_FORMAT")} == {"2014-12-09"}
    with translation.override("zh-hans"):
        assert {date_format(day), date_format(day, "SHORT_DATE_FORMAT")} == {"2014年12月9日"}


def test_officer_opens_the_editors_pages(client, officer):
    client.force_login(officer)

    for url in (reverse("newsletters:dashboard"), reverse("newsletters:record_list", args=["news"])):
        assert client.get(url).status_code == 200, url


def test_pages_and_tables_write_dates_in_the_languages_format(client, officer):
    from tests.factories import TrainingRoundFactory

    training_round = TrainingRoundFactory()  # 2014-09-01 to 2014-11-30
    client.force_login(officer)

    english = client.get(training_round.get_absolute_url()).content.decode()
    chinese = client.get(training_round.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    chinese_list = client.get(reverse("programmes:round_list"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    assert "2014-09-01 – 2014-11-30" in english
    assert "2014年9月1日 – 2014年11月30日" in chinese
    assert "2014年9月1日" in chinese_list and "2014-09-01</td>" not in chinese_list
