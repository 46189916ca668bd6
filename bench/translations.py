"""Benchmark: a record's text in any number of languages, django-modeltrans (one JSON field) or django-parler
(translation rows), on the list queries a user feels at 100,000 records.

Chosen: **django-modeltrans**. The base column stays a real column (English, ``LANGUAGE_CODE``), every other
language is a key of one ``jsonb`` field ``i18n`` on the same row (``name_zh_hans``, ``name_vi``), so a list reads
one table with no join; parler keeps every language, the base one included, in a translation table, so a list
that orders or searches by name joins it (two joins for the active language and its fallback) and a record is
two queries (itself and its translations) and its write one INSERT per language. The figures below (and in
docs/performance.md) say by how much on each query; a language added to a country costs neither library a
column or a migration, and with modeltrans not even a row.

Each library is the real one on a throwaway model defined here: the script configures Django itself (no project
settings), creates a scratch database (``sp_bench_translations`` unless ``--database``), creates both models'
tables with the schema editor, fills each with ``--rows`` records (every one in English and Simplified Chinese,
one in three in Vietnamese too) by ``bulk_create``, runs ``VACUUM ANALYZE``, times each query ``--repeat`` times
(median, ms, after one warm-up) and drops the database at the end.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/translations.py --rows 100000

Only the server (host, port, user, password) of ``DATABASE_URL`` is used; the database named there is untouched.
Parler's translation cache is off (``PARLER_ENABLE_CACHING = False``): the figures are the database's, as a
first request after a change pays them.

The queries, with Simplified Chinese active and English its fallback:
- ``page``: 50 records ordered by the name in the active language, else the English one (what a list shows);
- ``search``: the records whose name in any language contains a string, counted and their first page of 50;
- ``count``: every record, and the records that lack a Chinese name (the editor's "what lacks this language");
- ``one``: one record with all its languages;
- ``write``: one new record in three languages (English, Chinese, Vietnamese), in a transaction.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from urllib.parse import urlparse

import django
from django.conf import settings

LANGUAGES = ["en", "zh-hans", "vi"]
ACTIVE = "zh-hans"


def _server() -> dict:
    url = urlparse(os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/postgres")
    return {
        "HOST": url.hostname or "127.0.0.1",
        "PORT": str(url.port or 5432),
        "USER": url.username or "postgres",
        "PASSWORD": url.password or "",
    }


def _throwaway_app() -> str:
    """An installed app for the two models, made in memory (Django relates models of installed apps only: parler's
    ``translations`` is a reverse relation)."""
    import types

    from django.apps import AppConfig

    module = types.ModuleType("bench_translations")
    module.__path__ = []

    class BenchConfig(AppConfig):
        name = "bench_translations"
        path = os.path.dirname(os.path.abspath(__file__))

    module.BenchConfig = BenchConfig
    sys.modules["bench_translations"] = module
    return "bench_translations.BenchConfig"


def configure(database: str) -> None:
    settings.configure(
        DEBUG=False,
        DATABASES={"default": {"ENGINE": "django.db.backends.postgresql", "NAME": database, **_server()}},
        INSTALLED_APPS=["django.contrib.contenttypes", "parler", "modeltrans", _throwaway_app()],
        USE_I18N=True,
        LANGUAGE_CODE="en",
        LANGUAGES=[(code, code) for code in LANGUAGES],
        MODELTRANS_AVAILABLE_LANGUAGES=LANGUAGES,
        PARLER_DEFAULT_LANGUAGE_CODE="en",
        PARLER_LANGUAGES={
            None: tuple({"code": code} for code in LANGUAGES),
            "default": {"fallbacks": ["en"], "hide_untranslated": False},
        },
        PARLER_ENABLE_CACHING=False,
        DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
    )
    django.setup()


def scratch_database(name: str, *, create: bool) -> None:
    import psycopg2

    server = _server()
    connection = psycopg2.connect(
        host=server["HOST"], port=server["PORT"], user=server["USER"], password=server["PASSWORD"], dbname="postgres"
    )
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        if create:
            cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


def define_models():
    from django.db import models
    from modeltrans.fields import TranslationField
    from modeltrans.translator import translate_model
    from parler.models import TranslatableModel, TranslatedFields

    class JsonEnterprise(models.Model):  # noqa: DJ008 (a throwaway model)
        name = models.CharField(max_length=200)
        sector = models.CharField(max_length=50)
        i18n = TranslationField(fields=("name",))

        class Meta:
            app_label = "bench_translations"

    class RowsEnterprise(TranslatableModel):  # noqa: DJ008
        sector = models.CharField(max_length=50)
        translations = TranslatedFields(name=models.CharField(max_length=200))

        class Meta:
            app_label = "bench_translations"

    # modeltrans adds its virtual fields (name_zh_hans, name_i18n) and manager to the installed apps' models in
    # its AppConfig.ready(); a model defined after setup asks for them itself.
    translate_model(JsonEnterprise)
    return JsonEnterprise, RowsEnterprise


CITIES = [
    ("Ningbo", "宁波", "Ninh Ba"),
    ("Taixing", "泰兴", "Thai Hung"),
    ("Suzhou", "苏州", "To Chau"),
    ("Chongqing", "重庆", "Trung Khanh"),
    ("Wuxi", "无锡", "Vo Tich"),
    ("Haiphong", "海防", "Hai Phong"),
]
TRADES = [
    ("Precision Castings", "精密铸造", "Đúc chính xác"),
    ("Garment", "服装", "May mặc"),
    ("Electronics", "电子", "Điện tử"),
    ("Furniture", "家具", "Nội thất"),
    ("Auto Parts", "汽车配件", "Phụ tùng ô tô"),
    ("Textiles", "纺织", "Dệt may"),
]
KINDS = [("Co., Ltd.", "有限公司", "Công ty TNHH"), ("Works", "厂", "Nhà máy")]


def names(number: int, rng: random.Random) -> dict[str, str]:
    city, trade, kind = rng.choice(CITIES), rng.choice(TRADES), rng.choice(KINDS)
    return {
        "en": f"{city[0]} {trade[0]} {number:06d} {kind[0]}",
        "zh-hans": f"{city[1]}{trade[1]}{number:06d}{kind[1]}",
        "vi": f"{kind[2]} {trade[2]} {city[2]} {number:06d}",
    }


def fill(JsonEnterprise, RowsEnterprise, rows: int) -> None:
    from django.db import connection

    rng = random.Random(22)
    translation = RowsEnterprise._parler_meta.root_model
    batch = 5000
    for start in range(0, rows, batch):
        records = [
            (n, names(n, rng), rng.choice(["textiles", "electronics", "auto"]))
            for n in range(start, min(rows, start + batch))
        ]
        JsonEnterprise.objects.bulk_create(
            JsonEnterprise(
                name=text["en"],
                sector=sector,
                i18n={"name_zh_hans": text["zh-hans"], **({"name_vi": text["vi"]} if n % 3 == 0 else {})},
            )
            for n, text, sector in records
        )
        masters = RowsEnterprise.objects.bulk_create(RowsEnterprise(sector=sector) for _, _, sector in records)
        translation.objects.bulk_create(
            translation(master=master, language_code=language, name=text[language])
            for master, (n, text, _) in zip(masters, records, strict=True)
            for language in (LANGUAGES if n % 3 == 0 else LANGUAGES[:2])
        )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def queries(JsonEnterprise, RowsEnterprise, needle: str) -> dict[str, dict]:
    from django.db import transaction
    from django.db.models import Exists, F, FilteredRelation, OuterRef, Q
    from django.db.models.functions import Coalesce

    translation = RowsEnterprise._parler_meta.root_model
    counter = iter(range(10**9, 2 * 10**9))

    def json_page():
        return [e.name_i18n for e in JsonEnterprise.objects.order_by("name_i18n", "pk")[:50]]

    def rows_page():
        records = (
            RowsEnterprise.objects.annotate(
                local=FilteredRelation("translations", condition=Q(translations__language_code=ACTIVE)),
                base=FilteredRelation("translations", condition=Q(translations__language_code="en")),
            )
            .annotate(local_name=Coalesce(F("local__name"), F("base__name")))
            .order_by("local_name", "pk")
            .prefetch_related("translations")[:50]
        )
        return [e.safe_translation_getter("name", any_language=True) for e in records]

    def json_search():
        found = JsonEnterprise.objects.filter(
            Q(name__icontains=needle) | Q(name_zh_hans__icontains=needle) | Q(name_vi__icontains=needle)
        )
        return found.count(), [e.name_i18n for e in found.order_by("name_i18n", "pk")[:50]]

    def rows_search():
        found = RowsEnterprise.objects.filter(
            Exists(translation.objects.filter(master=OuterRef("pk"), name__icontains=needle))
        )
        page = (
            found.annotate(
                local=FilteredRelation("translations", condition=Q(translations__language_code=ACTIVE)),
                base=FilteredRelation("translations", condition=Q(translations__language_code="en")),
            )
            .annotate(local_name=Coalesce(F("local__name"), F("base__name")))
            .order_by("local_name", "pk")
            .prefetch_related("translations")[:50]
        )
        return found.count(), [e.safe_translation_getter("name", any_language=True) for e in page]

    def json_count():
        return JsonEnterprise.objects.count(), JsonEnterprise.objects.exclude(i18n__has_key="name_zh_hans").count()

    def rows_count():
        lacking = RowsEnterprise.objects.exclude(
            Exists(translation.objects.filter(master=OuterRef("pk"), language_code=ACTIVE))
        )
        return RowsEnterprise.objects.count(), lacking.count()

    json_ids = list(JsonEnterprise.objects.values_list("pk", flat=True)[::997])
    rows_ids = list(RowsEnterprise.objects.values_list("pk", flat=True)[::997])

    def json_one():
        record = JsonEnterprise.objects.get(pk=random.choice(json_ids))
        return {
            language: record.name if language == "en" else record.i18n.get(f"name_{language.replace('-', '_')}")
            for language in LANGUAGES
        }

    def rows_one():
        record = RowsEnterprise.objects.prefetch_related("translations").get(pk=random.choice(rows_ids))
        return {t.language_code: t.name for t in record.translations.all()}

    def json_write():
        text = names(next(counter), random.Random(1))
        with transaction.atomic():
            JsonEnterprise.objects.create(
                name=text["en"], sector="auto", i18n={"name_zh_hans": text["zh-hans"], "name_vi": text["vi"]}
            )

    def rows_write():
        text = names(next(counter), random.Random(1))
        with transaction.atomic():
            record = RowsEnterprise(sector="auto")
            for language in LANGUAGES:
                record.set_current_language(language)
                record.name = text[language]
            record.save()

    return {
        "page": {"json": json_page, "rows": rows_page},
        "search": {"json": json_search, "rows": rows_search},
        "count": {"json": json_count, "rows": rows_count},
        "one": {"json": json_one, "rows": rows_one},
        "write": {"json": json_write, "rows": rows_write},
    }


def timed(run, repeat: int) -> tuple[float, int, object]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        result = run()
    spent = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        spent.append((time.perf_counter() - start) * 1000)
    return statistics.median(spent), len(captured.captured_queries), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--database", default="sp_bench_translations")
    parser.add_argument("--needle", default="铸造000", help="what the search looks for (default: a Chinese trade)")
    options = parser.parse_args()

    configure(options.database)
    scratch_database(options.database, create=True)
    try:
        from django.db import connection
        from django.utils import translation

        JsonEnterprise, RowsEnterprise = define_models()
        with connection.schema_editor() as editor:
            editor.create_model(JsonEnterprise)
            editor.create_model(RowsEnterprise)
            editor.create_model(RowsEnterprise._parler_meta.root_model)
        started = time.perf_counter()
        fill(JsonEnterprise, RowsEnterprise, options.rows)
        print(f"{options.rows:,} records in each layout, filled in {time.perf_counter() - started:.0f} s")
        with connection.cursor() as cursor:
            for table in (
                JsonEnterprise._meta.db_table,
                RowsEnterprise._meta.db_table,
                RowsEnterprise._parler_meta.root_model._meta.db_table,
            ):
                cursor.execute("SELECT pg_total_relation_size(%s)", [table])
                print(f"  {table}: {cursor.fetchone()[0] / 2**20:.1f} MiB with its indexes")
        print(f"median of {options.repeat} runs, ms (queries per run); active language {ACTIVE}, fallback en\n")
        print(f"{'query':<8} {'modeltrans (JSON)':>20} {'parler (rows)':>16} {'parler / modeltrans':>20}")
        translation.activate(ACTIVE)
        random.seed(22)
        for name, runs in queries(JsonEnterprise, RowsEnterprise, options.needle).items():
            json_ms, json_queries, json_result = timed(runs["json"], options.repeat)
            rows_ms, rows_queries, rows_result = timed(runs["rows"], options.repeat)
            if name in ("page", "search", "count"):
                assert json_result == rows_result, f"{name}: the two layouts answer differently"
            json_figure, rows_figure = f"{json_ms:.2f} ({json_queries})", f"{rows_ms:.2f} ({rows_queries})"
            print(f"{name:<8} {json_figure:>20} {rows_figure:>16} {rows_ms / json_ms:>19.1f}×")
    finally:
        from django.db import connections

        connections.close_all()
        scratch_database(options.database, create=False)


if __name__ == "__main__":
    sys.exit(main())
