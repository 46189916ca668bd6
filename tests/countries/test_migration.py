"""Existing databases get China by a data migration; the demo loader makes China through the services."""

import importlib

import pytest
import yaml
from django.apps import apps

from newsletters.models import Masthead
from programmes.models import Country, Region
from score_portal.demo import DEMO_FILE, DemoReport, _Loader
from tests.factories import CountryFactory, TrainingRoundFactory

pytestmark = pytest.mark.django_db

china_migration = importlib.import_module("programmes.migrations.0010_china")


def test_every_migrated_database_has_china(china):
    assert (china.name, china.time_zone, china.currency, china.languages) == (
        "China",
        "Asia/Shanghai",
        "CNY",
        ["en", "zh-hans"],
    )


def test_the_migration_makes_china_with_its_rounds_provinces_and_the_mastheads_office():
    # given a database from before countries: rounds in three provinces, and the newsletter's masthead (the
    # rounds belong to another programme here, since a round has a country now and China is to be made)
    elsewhere = CountryFactory()
    Masthead.objects.update(country=elsewhere)  # a masthead has a country now too (newsletters 0020)
    Country.objects.exclude(pk=elsewhere.pk).delete()
    for province in ("Sichuan", "Guangdong", "Chongqing", "Guangdong", " Sichuan "):
        TrainingRoundFactory(province=province, country=elsewhere, organiser__countries=[elsewhere])
    masthead = Masthead.objects.get(language="en")
    # when the migration runs (twice: a second run changes nothing)
    china_migration.forwards(apps, None)
    china_migration.forwards(apps, None)
    # then China has each province once, and the office the footer prints
    china = Country.objects.get(code="CN")
    regions = {r.name: r.kind for r in Region.objects.filter(country=china)}
    assert regions == {"Chongqing": "municipality", "Guangdong": "province", "Sichuan": "province"}
    assert (china.office_name, china.address, china.telephone, china.fax, china.web) == (
        masthead.office_name,
        masthead.address,
        masthead.telephone,
        masthead.fax,
        masthead.web,
    )
    assert china.office_name == "ILO Country Office for China and Mongolia"


def test_without_a_masthead_the_office_is_left_blank():
    Masthead.objects.all().delete()
    Country.objects.all().delete()
    china_migration.forwards(apps, None)
    china = Country.objects.get(code="CN")
    assert (china.office_name, china.address, china.email, china.web) == ("", "", "", "")
    assert not china.regions.exists()


def test_the_demo_makes_china_through_the_services_and_again_changes_nothing():
    data = yaml.safe_load(DEMO_FILE.read_text(encoding="utf-8"))
    Masthead.objects.all().delete()  # China's newsletter's (newsletters 0020), which would keep China
    Country.objects.all().delete()
    first = DemoReport()
    _Loader(data, first).countries()
    china = Country.objects.get(code="CN")
    assert first.created == {"country programmes": 1, "regions": 9}
    assert china.history.count() == 1  # written by country_create, which keeps the history
    assert set(china.regions.values_list("name", flat=True)) >= {"Guangdong", "Sichuan", "Zhejiang", "Jiangsu"}
    again = DemoReport()
    _Loader(data, again).countries()
    assert again.created == {}
    assert Country.objects.filter(code="CN").count() == 1 and china.regions.count() == 9
    assert china.history.count() == 1
