import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from enterprises.models import Enterprise, KPILine, PhotoPair, Result, ResultStep
from newsletters.models import Event, ExpertComment, Issue, NewsItem
from programmes.models import Agreement, Country, Region, TrainingRound

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
    Country,
    Region,
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


def test_demo_accounts_are_refused_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="only created when DEBUG is on"):
        call_command("load_demo", stdout=io.StringIO())
    assert not Enterprise.objects.exists()  # nothing half-loaded


def test_records_without_accounts_load_when_debug_is_off(settings):
    settings.DEBUG = False
    call_command("load_demo", "--no-accounts", stdout=io.StringIO())
    assert Enterprise.objects.filter(city="Taixing").count() == 5
