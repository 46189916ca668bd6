import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from enterprises.models import Enterprise, KPILine, Participation, PhotoPair, Result, ResultStep
from newsletters.models import Event, ExpertComment, Issue, NewsItem
from programmes.models import Agreement, PartnerMembership, TrainingRound

pytestmark = pytest.mark.django_db

COUNTED = [
    Enterprise,
    Result,
    ResultStep,
    KPILine,
    PhotoPair,
    NewsItem,
    Event,
    ExpertComment,
    Issue,
    Agreement,
    TrainingRound,
]


def load():
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def test_load_demo_twice_changes_nothing(settings):
    settings.DEBUG = True
    load()
    counts = {m: m.objects.count() for m in COUNTED}
    photo_files = sorted(p.before.image.name for p in PhotoPair.objects.all())
    output = load()
    assert "nothing changed" in output
    assert "Demo programme loaded." not in output  # it loaded nothing this time
    assert {m: m.objects.count() for m in COUNTED} == counts
    assert sorted(p.before.image.name for p in PhotoPair.objects.all()) == photo_files


def test_dumpdata_holds_the_programme_of_the_seed_documents(settings):
    settings.DEBUG = True
    load()
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
    licence = Agreement.objects.get(kind="licence")
    assert licence.organisation.name == "TÜV Rheinland China"
    assert (str(licence.signed_on), str(licence.end)) == ("2014-10-21", "2017-10-20")
    titles = {r["fields"]["title"] for r in records if r["model"] == "newsletters.newsitem"}
    assert "Implementation Agreements Signed with CEC and SAWS" in titles  # issue 1
    assert "Capacity Building Workshop for Partners" in titles  # issue 2
    assert 'ToE on Module 2 "Quality Management"' in titles  # issue 5
    events = {r["fields"]["title"] for r in records if r["model"] == "newsletters.event"}
    assert {"Implementation Agreement with Chongqing CEC", "ToT for SGS trainers"} <= events
    # issue 5's records carry a Chinese text (a translation made for the demo), the older ones none
    chinese = {r["fields"]["title"]: r["fields"]["title_zh"] for r in records if r["model"] == "newsletters.newsitem"}
    assert chinese['ToE on Module 2 "Quality Management"'] == "模块二“质量管理”企业培训"
    assert chinese["Capacity Building Workshop for Partners"] == ""
    assert ExpertComment.objects.get(trainer__name="Asia Wang").quote_zh.startswith("在SCORE实施过程中")


def test_taixing_results_carry_their_kpis(settings):
    settings.DEBUG = True
    load()
    yucheng = Result.objects.get(enterprise__name="Yucheng Futong Electric", module__code="M1")
    defect = yucheng.kpi_lines.get(kpi__name="Defect / reject rate")
    assert (str(defect.baseline_value.normalize()), str(defect.followup_value.normalize())) == ("4.13", "0.61")
    assert defect.improved is True
    assert yucheng.status == Result.Status.APPROVED


def test_demo_accounts_log_in_with_their_roles(settings, client):
    settings.DEBUG = True
    load()
    assert PartnerMembership.objects.get(user__username="partner-cec").organisation.short_name == "CEC"
    assert PartnerMembership.objects.get(user__username="partner-bsci").organisation.short_name == "BSCI"
    for username in ("officer", "partner-cec", "partner-bsci", "editor", "trainer"):
        assert client.login(username=username, password="demo"), username
    # the demo trainer, Jia Hongwei, sees the rounds he delivers: Taixing M1 and M2, Deyang's second round
    client.login(username="trainer", password="demo")
    home = client.get("/").content.decode()
    rounds = client.get("/rounds/").content.decode()
    assert "Jia Hongwei in SCORE" in home and home.count("Taixing</strong>") == 2
    assert "3 records" in rounds and "Taixing" in rounds and "Guangzhou" not in rounds


def test_demo_accounts_are_refused_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="only created when DEBUG is on"):
        call_command("load_demo", stdout=io.StringIO())
    assert not Enterprise.objects.exists()  # nothing half-loaded


def test_records_without_accounts_load_when_debug_is_off(settings):
    settings.DEBUG = False
    call_command("load_demo", "--no-accounts", stdout=io.StringIO())
    assert Enterprise.objects.filter(city="Taixing").count() == 5


def test_demo_results_carry_their_approval_trail(settings):
    settings.DEBUG = True
    load()
    result = Result.objects.get(enterprise__name="Teho Metal", module__code="M1")
    steps = list(result.steps.values_list("to_status", "by__username"))
    assert steps == [("submitted", "partner-cec"), ("approved", "officer")]
    assert result.author.username == "partner-cec"


def test_bsci_pilot_records_why_it_began_with_module_3(settings):
    settings.DEBUG = True
    load()
    later = Participation.objects.filter(enterprise__name="BSCI supplier factory 1")
    assert {p.training_round.module.code: bool(p.module_order_exception) for p in later} == {
        "M3": True,
        "M4": True,
        "M5": True,
    }
