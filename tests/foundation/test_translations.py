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
