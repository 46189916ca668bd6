import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_every_string_has_a_chinese_translation():
    text = PO.read_text(encoding="utf-8")
    entries = re.split(r"\n\n+", text.strip())[1:]  # the first entry is the header
    untranslated = [
        e for e in entries if re.search(r'^msgstr(\[0\])? ""\n?$', e, re.M) and '\n"' not in e.split("msgstr")[-1]
    ]
    fuzzy = [e for e in entries if "#, fuzzy" in e]
    assert not untranslated, f"{len(untranslated)} untranslated, e.g. {untranslated[:3]}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy, e.g. {fuzzy[:3]}"


def test_every_marked_string_is_in_the_catalogue(tmp_path, monkeypatch):
    """The catalogue holds every string the code marks: makemessages, run into a temporary locale folder as
    `make messages` runs it, finds no message the committed catalogue lacks (nor one it leaves untranslated)."""
    if not shutil.which("xgettext"):
        pytest.skip("gettext is not installed (scripts/system-packages.sh installs it)")
    # given a copy of the sources (makemessages writes beside the code it reads), extracted afresh
    copy = tmp_path / "portal"
    skipped = shutil.ignore_patterns(".*", "var", "node_modules", "locale", "tests", "bench", "static", "__pycache__")
    shutil.copytree(ROOT, copy, ignore=skipped, symlinks=True)
    (copy / "locale").mkdir()
    monkeypatch.chdir(copy)
    with override_settings(LOCALE_PATHS=[copy / "locale"]):
        call_command("makemessages", locale=["zh_Hans"], verbosity=0)
    fresh = copy / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
    # when the committed catalogue is merged with what the code marks today
    merged = tmp_path / "merged.po"
    env = {**os.environ, "LC_ALL": "C.UTF-8"}
    subprocess.run(["msgmerge", "--quiet", "--no-fuzzy-matching", "-o", merged, PO, fresh], check=True, env=env)
    missing = subprocess.run(
        ["msgattrib", "--untranslated", "--no-obsolete", merged], check=True, env=env, capture_output=True, text=True
    ).stdout
    # then nothing is left untranslated but the header
    messages = [m for m in re.findall(r'^msgid "(.*)"', missing, re.M) if m]
    assert not messages, f"{len(messages)} marked strings have no Chinese translation, e.g. {messages[:5]}"


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
