import os
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]
# Every interface language's catalogue: each folder under locale/ (zh_Hans, vi, ...), a test of each below.
CATALOGUES = sorted(p.parent.parent.name for p in (ROOT / "locale").glob("*/LC_MESSAGES/django.po"))
ENV = {**os.environ, "LC_ALL": "C.UTF-8"}


def po(locale: str) -> Path:
    return ROOT / "locale" / locale / "LC_MESSAGES" / "django.po"


def test_every_interface_language_has_its_catalogue():
    """Each language of the switcher but English (the source) has a catalogue under locale/, and each catalogue
    is a language of the switcher."""
    from django.utils.translation import to_locale

    assert sorted(to_locale(code) for code, _name in settings.LANGUAGES if code != "en") == CATALOGUES


@pytest.mark.parametrize("locale", CATALOGUES)
def test_every_string_has_a_translation(locale):
    """No message is left untranslated or fuzzy, msgfmt accepts the catalogue (placeholders kept, see
    `msgfmt --check`), and its header names the language and its plural forms."""
    text = po(locale).read_text(encoding="utf-8")
    entries = re.split(r"\n\n+", text.strip())[1:]  # the first entry is the header
    untranslated = [
        e for e in entries if re.search(r'^msgstr(\[0\])? ""\n?$', e, re.M) and '\n"' not in e.split("msgstr")[-1]
    ]
    fuzzy = [e for e in entries if "#, fuzzy" in e]
    assert not untranslated, f"{locale}: {len(untranslated)} untranslated, e.g. {untranslated[:3]}"
    assert not fuzzy, f"{locale}: {len(fuzzy)} fuzzy, e.g. {fuzzy[:3]}"
    assert f'"Language: {locale}\\n"' in text and '"Plural-Forms: nplurals=' in text
    if shutil.which("msgfmt"):
        checked = subprocess.run(
            ["msgfmt", "--check", "--statistics", "-o", os.devnull, po(locale)], env=ENV, capture_output=True, text=True
        )
        assert checked.returncode == 0, checked.stderr
        assert "untranslated" not in checked.stderr and "fuzzy" not in checked.stderr, checked.stderr


@pytest.fixture(scope="module")
def marked_strings(tmp_path_factory):
    """What the code marks today: makemessages, run into a temporary locale folder as `make messages` runs it
    (once for every catalogue: the messages are the same in each)."""
    if not shutil.which("xgettext"):
        pytest.skip("gettext is not installed (scripts/system-packages.sh installs it)")
    tmp = tmp_path_factory.mktemp("messages")
    # given a copy of the sources (makemessages writes beside the code it reads), extracted afresh
    copy = tmp / "portal"
    skipped = shutil.ignore_patterns(".*", "var", "node_modules", "locale", "tests", "bench", "static", "__pycache__")
    shutil.copytree(ROOT, copy, ignore=skipped, symlinks=True)
    (copy / "locale").mkdir()
    here = Path.cwd()
    os.chdir(copy)
    try:
        with override_settings(LOCALE_PATHS=[copy / "locale"]):
            call_command("makemessages", locale=["zh_Hans"], verbosity=0)
    finally:
        os.chdir(here)
    return copy / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


@pytest.mark.parametrize("locale", CATALOGUES)
def test_every_marked_string_is_in_the_catalogue(locale, marked_strings, tmp_path):
    """The catalogue holds every string the code marks: merged with what makemessages finds, nothing is left
    untranslated."""
    # when the committed catalogue is merged with what the code marks today
    merged = tmp_path / "merged.po"
    subprocess.run(
        ["msgmerge", "--quiet", "--no-fuzzy-matching", "-o", merged, po(locale), marked_strings], check=True, env=ENV
    )
    missing = subprocess.run(
        ["msgattrib", "--untranslated", "--no-obsolete", merged], check=True, env=ENV, capture_output=True, text=True
    ).stdout
    # then nothing is left untranslated but the header
    messages = [m for m in re.findall(r'^msgid "(.*)"', missing, re.M) if m]
    assert not messages, f"{len(messages)} marked strings have no {locale} translation, e.g. {messages[:5]}"


@pytest.mark.django_db
def test_login_page_speaks_chinese(client):
    response = client.get("/accounts/login/", headers={"accept-language": "zh-hans"})
    html = response.content.decode()
    assert 'lang="zh-hans"' in html
    assert "SCORE" in html and "登录" in html


@pytest.mark.django_db
def test_modules_and_kpis_are_named_in_the_portals_language():
    from django.utils import translation

    from enterprises.models import KPI
    from programmes.models import Module

    m3 = Module.objects.get(code="M3")
    kpi = KPI.objects.get(name="On-time delivery")
    assert (str(m3), str(kpi), kpi.local_unit) == ("M3 Clean Production", "On-time delivery", "% of orders")
    with translation.override("zh-hans"):
        assert (str(m3), m3.local_name) == ("M3 清洁生产", "通过清洁生产提高生产率")
        assert (str(kpi), kpi.local_unit) == ("准时交货率", "占订单的百分比")
    # a record without a Chinese name keeps its own
    new = Module.objects.create(code="M6", name="Lean Manufacturing", order=6)
    with translation.override("zh-hans"):
        assert str(new) == "M6 Lean Manufacturing"


@pytest.mark.django_db
def test_login_page_speaks_vietnamese(client):
    response = client.get("/accounts/login/", headers={"accept-language": "vi"})
    html = unicodedata.normalize("NFC", response.content.decode())  # Django's own name_local is decomposed
    assert '<html lang="vi"' in html
    assert "Đăng nhập Cổng thông tin SCORE" in html and "Quên mật khẩu?" in html
    # the switcher offers Vietnamese, named in Vietnamese, and keeps naming the others in their own language
    assert '<option value="vi" lang="vi" selected>Tiếng Việt</option>' in html
    assert '<option value="zh-hans" lang="zh-hans">简体中文</option>' in html


@pytest.mark.django_db
def test_an_officers_round_list_speaks_vietnamese_with_its_dates_and_plural(client, officer):
    from tests.factories import TrainingRoundFactory

    TrainingRoundFactory(city="Hải Phòng")
    client.force_login(officer)
    client.cookies["django_language"] = "vi"
    html = client.get(reverse("programmes:round_list")).content.decode()
    assert '<html lang="vi"' in html
    assert "Đợt đào tạo" in html and "Lọc danh sách" in html
    assert "01/09/2014" in html  # d/m/Y, score_portal/formats/vi
    # one plural form in Vietnamese: "1 hồ sơ", "2 hồ sơ"
    assert re.search(r">\s*1 hồ sơ\s*<", html), "the count of one record"
    TrainingRoundFactory(city="Đà Nẵng")
    html = client.get(reverse("programmes:round_list")).content.decode()
    assert re.search(r">\s*2 hồ sơ\s*<", html), "the count of two records"


@pytest.mark.django_db
def test_a_vietnamese_page_counts_with_its_one_plural_form(client, officer):
    """A round's page with two enterprises says '2 doanh nghiệp' (msgstr[0], the only Vietnamese form)."""
    from tests.factories import ParticipationFactory, TrainingRoundFactory

    training_round = TrainingRoundFactory()
    ParticipationFactory.create_batch(2, training_round=training_round)
    client.force_login(officer)
    client.cookies["django_language"] = "vi"
    html = client.get(reverse("programmes:round_detail", args=[training_round.pk])).content.decode()
    assert '<html lang="vi"' in html
    assert "2 doanh nghiệp" in html and "Doanh nghiệp và tham dự" in html


@pytest.mark.django_db
def test_an_interface_language_is_not_a_newsletter_edition(client, editor):
    """Vietnamese is a language of the interface, not of the SCORE China newsletter: a subscriber to both
    editions receives the English and the Chinese one, and an editor is offered no Vietnamese edition."""
    from newsletters.mailing.models import Subscriber
    from tests.factories import china

    subscriber = Subscriber(country=china(), email="a@example.org", language=Subscriber.Language.BOTH)
    assert subscriber.languages == ["en", "zh-hans"]
    client.force_login(editor)
    client.cookies["django_language"] = "vi"
    html = client.get(reverse("newsletters:issue_create")).content.decode()
    assert "Số bản tin mới" in html
    edition_languages = re.search(r'<select[^>]*id="id_language".*?</select>', html, re.S)[0]
    assert 'value="zh-hans"' in edition_languages and 'value="vi"' not in edition_languages
