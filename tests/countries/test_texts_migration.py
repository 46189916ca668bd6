"""Issue 22 §4: the ``*_zh`` columns go, and every Chinese text they held is read in Chinese after the migration."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from core.translated import text

BEFORE = [
    ("programmes", "0013_exchange_rates"),
    ("enterprises", "0021_country"),
    ("newsletters", "0021_issue_edition_any_language"),
]
AFTER = [
    ("programmes", "0014_texts_in_languages"),
    ("enterprises", "0022_texts_in_languages"),
    ("newsletters", "0022_texts_in_languages"),
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture(autouse=True)
def _latest_schema_after():
    """Whatever happens in the test, the database ends with every migration applied, the later ones included
    (going back to BEFORE unapplies them too), for the tests that run after it in the same process."""
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_every_chinese_text_is_read_in_chinese_after_the_migration_and_back_in_its_column_when_reversed():
    # given a database from before: records with Chinese text in their *_zh columns, and one without
    old = _migrate(BEFORE)
    Module = old.get_model("programmes", "Module")
    module = Module.objects.create(code="M9", name="Energy", short_name="", name_zh="能源", short_name_zh="")
    NewsItem = old.get_model("newsletters", "NewsItem")
    china = old.get_model("programmes", "Country").objects.get(code="CN")
    news = NewsItem.objects.create(
        country_id=china.pk,
        title="ToE on Module 2",
        title_zh="模块二企业培训",
        place="Taixing",
        place_zh="江苏泰兴",
        body="Body.",
        body_zh="贾宏伟先生讲授了培训课程。",
        date="2014-12-11",
    )
    english_only = NewsItem.objects.create(country_id=china.pk, title="English only", body="Body.", date="2014-12-12")
    KPI = old.get_model("enterprises", "KPI")
    kpi = KPI.objects.create(name="Scrap", unit="kg", name_zh="废料", unit_zh="千克", direction="lower")
    Photo = old.get_model("enterprises", "Photo")
    photo = Photo.objects.create(image="photos/x.jpg", caption="Before", caption_zh="改善前")

    # when the migrations run
    _migrate(AFTER)

    # then each text reads in Chinese, and in English where the portal speaks English
    from enterprises.models import KPI as KPINow
    from enterprises.models import Photo as PhotoNow
    from newsletters.models import NewsItem as NewsItemNow
    from programmes.models import Module as ModuleNow

    news_now = NewsItemNow.objects.get(pk=news.pk)
    assert [text(news_now, f, "zh-hans") for f in ("title", "place", "body")] == [
        "模块二企业培训",
        "江苏泰兴",
        "贾宏伟先生讲授了培训课程。",
    ]
    assert text(news_now, "title", "en") == "ToE on Module 2"
    assert NewsItemNow.objects.get(pk=english_only.pk).i18n in (None, {})
    assert text(ModuleNow.objects.get(pk=module.pk), "name", "zh-hans") == "能源"
    kpi_now = KPINow.objects.get(pk=kpi.pk)
    assert (text(kpi_now, "name", "zh-hans"), text(kpi_now, "unit", "zh-hans")) == ("废料", "千克")
    assert text(PhotoNow.objects.get(pk=photo.pk), "caption", "zh-hans") == "改善前"

    # and reversed, the columns hold their text again
    old = _migrate(BEFORE)
    assert old.get_model("newsletters", "NewsItem").objects.get(pk=news.pk).place_zh == "江苏泰兴"
    assert old.get_model("enterprises", "KPI").objects.get(pk=kpi.pk).unit_zh == "千克"
    _migrate(AFTER)
