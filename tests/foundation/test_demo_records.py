"""The demo programme's records, as the seed documents tell them, read after one load (a load renders four newsletter
editions, most of its time, so the checks share it). The tests of loading itself (twice, with DEBUG off) are in
test_demo.py."""

import io
import json

import pytest
from django.core.management import call_command

from core.translated import text
from enterprises.models import Enterprise, Participation, Result, ResultStep
from newsletters.models import ExpertComment
from programmes.models import Agreement, Country, PartnerMembership, TrainingRound

pytestmark = pytest.mark.django_db


def test_the_demo_holds_the_seed_documents_programme_with_its_accounts_results_and_exceptions(settings, client):
    settings.DEBUG = True
    call_command("load_demo", stdout=io.StringIO())
    dumpdata_holds_the_programme_of_the_seed_documents()
    taixing_results_carry_their_kpis()
    demo_accounts_log_in_with_their_roles(client)
    demo_results_carry_their_approval_trail()
    bsci_pilot_records_why_it_began_with_module_3()
    viet_nam_is_a_smaller_illustrative_programme_beside_china(client)
    the_archive_lists_the_viet_nam_newsletter_and_its_vietnamese_edition_reads_in_vietnamese(client)
    each_countrys_officer_sees_their_country_and_the_global_officer_both(client)


def dumpdata_holds_the_programme_of_the_seed_documents():
    out = io.StringIO()
    call_command("dumpdata", "programmes", "enterprises", "newsletters", stdout=out)
    records = json.loads(out.getvalue())
    names = {r["fields"].get("name") for r in records if r["model"] == "enterprises.enterprise"}
    assert {
        "Yucheng Futong Electric",
        "Shengbao Vehicle",
        "Runyuan Warp Knitting Machinery",
        "Teho Metal",
        "Tailai Decelerator",
    } <= names
    assert [r["fields"]["code"] for r in records if r["model"] == "programmes.module"] == ["M1", "M2", "M3", "M4", "M5"]
    licence = Agreement.objects.get(kind="licence", country__code="CN")
    assert licence.organisation.name == "TÜV Rheinland China"
    assert (str(licence.signed_on), str(licence.end)) == ("2014-10-21", "2017-10-20")
    titles = {r["fields"]["title"] for r in records if r["model"] == "newsletters.newsitem"}
    assert "Implementation Agreements Signed with CEC and SAWS" in titles  # issue 1
    assert "Capacity Building Workshop for Partners" in titles  # issue 2
    assert 'ToE on Module 2 "Quality Management"' in titles  # issue 5
    events = {r["fields"]["title"] for r in records if r["model"] == "newsletters.event"}
    assert {"Implementation Agreement with Chongqing CEC", "ToT for SGS trainers"} <= events
    # issue 5's records carry a Chinese text (a translation made for the demo), the older ones none
    chinese = {
        r["fields"]["title"]: (r["fields"]["i18n"] or {}).get("title_zh_hans", "")
        for r in records
        if r["model"] == "newsletters.newsitem"
    }
    assert chinese['ToE on Module 2 "Quality Management"'] == "模块二“质量管理”企业培训"
    assert chinese["Capacity Building Workshop for Partners"] == ""
    assert text(ExpertComment.objects.get(trainer__name="Asia Wang"), "quote", "zh-hans").startswith(
        "在SCORE实施过程中"
    )


def taixing_results_carry_their_kpis():
    yucheng = Result.objects.get(enterprise__name="Yucheng Futong Electric", module__code="M1")
    defect = yucheng.kpi_lines.get(kpi__name="Defect / reject rate")
    assert (str(defect.baseline_value.normalize()), str(defect.followup_value.normalize())) == ("4.13", "0.61")
    assert defect.improved is True
    assert yucheng.status == Result.Status.APPROVED


def demo_accounts_log_in_with_their_roles(client):
    assert PartnerMembership.objects.get(user__username="partner-cec").organisation.short_name == "CEC"
    assert PartnerMembership.objects.get(user__username="partner-bsci").organisation.short_name == "BSCI"
    assert PartnerMembership.objects.get(user__username="partner-vn").organisation.short_name == "VCCI"
    for username in (
        "officer",
        "partner-cec",
        "partner-bsci",
        "editor",
        "trainer",
        "officer-cn",
        "officer-vn",
        "editor-vn",
        "partner-vn",
    ):
        assert client.login(username=username, password="demo"), username
    # the demo trainer, Jia Hongwei, sees the rounds he delivers: Taixing M1 and M2, Deyang's second round
    client.login(username="trainer", password="demo")
    home = client.get("/").content.decode()
    rounds = client.get("/rounds/").content.decode()
    assert "Jia Hongwei in SCORE" in home and home.count("Taixing</strong>") == 2
    assert "3 records" in rounds and "Taixing" in rounds and "Guangzhou" not in rounds


def demo_results_carry_their_approval_trail():
    result = Result.objects.get(enterprise__name="Teho Metal", module__code="M1")
    steps = list(result.steps.values_list("to_status", "by__username"))
    assert steps == [("submitted", "partner-cec"), ("approved", "officer")]
    assert result.author.username == "partner-cec"


def bsci_pilot_records_why_it_began_with_module_3():
    later = Participation.objects.filter(enterprise__name="BSCI supplier factory 1")
    assert {p.training_round.module.code: bool(p.module_order_exception) for p in later} == {
        "M3": True,
        "M4": True,
        "M5": True,
    }


def viet_nam_is_a_smaller_illustrative_programme_beside_china(client):
    viet_nam = Country.objects.get(code="VN")
    assert (viet_nam.time_zone, viet_nam.currency, viet_nam.languages) == ("Asia/Ho_Chi_Minh", "VND", ["vi", "en"])
    assert viet_nam.illustrative and not Country.objects.get(code="CN").illustrative
    assert {r.name: r.kind for r in viet_nam.regions.all()} == {
        "Hà Nội": "municipality",
        "Thành phố Hồ Chí Minh": "municipality",
        "Đà Nẵng": "municipality",
        "Hải Phòng": "municipality",
        "Bình Dương": "province",
        "Đồng Nai": "province",
    }
    rounds = TrainingRound.objects.filter(country=viet_nam)
    assert set(rounds.values_list("city", flat=True)) == {"Thành phố Hồ Chí Minh", "Hà Nội", "Thủ Dầu Một", "Hải Phòng"}
    assert TrainingRound.objects.filter(country__code="CN").count() > rounds.count()  # the smaller programme
    assert set(Enterprise.objects.filter(country=viet_nam).values_list("name", flat=True)) >= {
        "Công ty TNHH May mặc Cánh Diều",
        "Công ty CP Linh kiện Điện tử Sao Khuê",
    }
    # its results were submitted by VCCI's partner user and approved by the Viet Nam officer, with their KPI lines
    approved = Result.objects.filter(enterprise__country=viet_nam, status=Result.Status.APPROVED)
    assert approved.count() == 3
    assert all(result.kpi_lines.exists() for result in approved)
    steps = set(ResultStep.objects.filter(result__in=approved).values_list("to_status", "by__username"))
    assert steps == {("submitted", "partner-vn"), ("approved", "officer-vn")}
    # the country's page says its data is invented; China's page does not
    client.login(username="officer", password="demo")
    page = client.get(viet_nam.get_absolute_url()).content.decode()
    assert "data is illustrative, not real" in page
    china = client.get(Country.objects.get(code="CN").get_absolute_url()).content.decode()
    assert "illustrative, not real" not in china


def the_archive_lists_the_viet_nam_newsletter_and_its_vietnamese_edition_reads_in_vietnamese(client):
    from tests.newsletters.conftest import pdffont_rows, pdftotext

    client.logout()
    index = client.get("/newsletter/").content.decode()
    assert 'href="/newsletter/vn/"' in index and "SCORE Viet Nam newsletter" in index
    archive = client.get("/newsletter/vn/").content.decode()
    assert "/newsletter/vn/1/en/" in archive and "/newsletter/vn/1/vi/" in archive
    assert "data is illustrative, not real" in archive
    response = client.get("/newsletter/vn/1/vi/pdf/")
    assert response["Content-Type"] == "application/pdf"
    data = b"".join(response.streaming_content)
    text = pdftotext(data)
    # Vietnamese with its diacritics (the masthead, the introduction, the headings in the edition's language)
    assert "Bản tin SCORE Việt Nam" in text
    assert "Chào mừng bạn đến với số đầu tiên của Bản tin SCORE Việt Nam" in text
    assert "Tin tức SCORE mới nhất" in text and "Hà Nội" in text
    # and its records' Vietnamese texts (a news item, an expert comment, a result)
    assert "Bắt đầu Học phần 2 về quản lý chất lượng tại Hà Nội" in text
    assert "Nhận xét của một Giảng viên chuyên gia SCORE (minh họa)" in text
    assert "Giao hàng đúng hạn từ 81 % lên 93 % (minh họa)" in text
    # the footer prints the country programme's office
    assert "SCORE Viet Nam (demo office)" in text and "score-vn@example.org" in text
    fonts = pdffont_rows(data)
    assert fonts and all(embedded for _name, embedded in fonts), fonts
    # China's issue 1 is another issue: the old address still leads to China's
    assert client.get("/newsletter/1/").headers["Location"] == "/newsletter/cn/1/"


def each_countrys_officer_sees_their_country_and_the_global_officer_both(client):
    """Issue 22's 'done when': officer-vn sees Viet Nam's rounds and no China round (no Ningbo in rounds, search,
    exports or figures); officer-cn the reverse; officer both."""
    pages = ["/rounds/", "/rounds/?q=Ningb", "/rounds/?_export=csv", "/enterprises/?_export=csv", "/figures/?year=all"]

    def read(username: str) -> str:
        client.logout()
        assert client.login(username=username, password="demo")
        texts = []
        for url in pages:
            response = client.get(url)
            assert response.status_code == 200, (username, url)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            texts.append(body.decode("utf-8"))
        return " ".join(texts)

    viet_nam, china, everyone = read("officer-vn"), read("officer-cn"), read("officer")
    assert "Hải Phòng" in viet_nam and "Ningbo" not in viet_nam and "Yucheng Futong Electric" not in viet_nam
    assert "Ningbo" in china and "Hải Phòng" not in china and "Công ty TNHH May mặc Cánh Diều" not in china
    assert "Ningbo" in everyone and "Hải Phòng" in everyone
