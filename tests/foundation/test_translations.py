import re
from pathlib import Path

import pytest

PO = Path(__file__).resolve().parents[2] / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_every_string_has_a_chinese_translation():
    text = PO.read_text(encoding="utf-8")
    entries = re.split(r"\n\n+", text.strip())[1:]  # the first entry is the header
    untranslated = [
        e for e in entries if re.search(r'^msgstr(\[0\])? ""\n?$', e, re.M) and '\n"' not in e.split("msgstr")[-1]
    ]
    fuzzy = [e for e in entries if "#, fuzzy" in e]
    assert not untranslated, f"{len(untranslated)} untranslated, e.g. {untranslated[:3]}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy, e.g. {fuzzy[:3]}"


@pytest.mark.django_db
def test_login_page_speaks_chinese(client):
    response = client.get("/accounts/login/", headers={"accept-language": "zh-hans"})
    html = response.content.decode()
    assert 'lang="zh-hans"' in html
    assert "SCORE" in html and "登录" in html
