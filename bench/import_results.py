"""Benchmark: import 5,000 KPI-line rows from an .xlsx through the preview and the services.

    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/score_bench .venv/bin/python bench/import_results.py

It creates a throwaway partner organisation with 1,000 enterprises (five KPI lines each), builds the
workbook, then times reading + checking (the preview) and the all-or-nothing import, and beside them the
floor: ``bulk_create_with_history`` of the same rows (1,000 draft results and 5,000 KPI lines, with their
history, nothing checked), which no import that keeps history can beat. The import's goal is within 3x
of the floor. It runs in a transaction that it rolls back, so the database is left as it was (it needs a
migrated database). ``BENCH_ROWS`` changes the 5,000; the last line is ``import vs bulk floor: R×``.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "score_portal.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import Group, User  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from openpyxl import Workbook  # noqa: E402
from simple_history.utils import bulk_create_with_history  # noqa: E402

from core import roles  # noqa: E402
from enterprises.models import KPI, Enterprise, KPILine, Result  # noqa: E402
from enterprises.results import imports  # noqa: E402
from enterprises.services import derived_refresh  # noqa: E402
from programmes.models import Country, Module, Organisation, PartnerMembership  # noqa: E402

ROWS = int(os.environ.get("BENCH_ROWS", "5000"))
LINES_PER_RESULT = 5


class Rollback(Exception):
    pass


def bulk_floor(user, org, enterprises, kpis) -> float:
    """Seconds to write the import's rows with bulk_create_with_history alone (then undone)."""
    module = Module.objects.get(code="M1")
    started = time.perf_counter()
    try:
        with transaction.atomic():
            results = bulk_create_with_history(
                [
                    Result(enterprise=e, module=module, organisation=org, author=user, status=Result.Status.DRAFT)
                    for e in enterprises
                ],
                Result,
                batch_size=1000,
                default_user=user,
            )
            lines = [
                KPILine(
                    result=r,
                    kpi=k,
                    baseline_value=Decimal("4.13"),
                    baseline_date=dt.date(2014, 8, 1),
                    followup_value=Decimal("0.61"),
                    followup_date=dt.date(2014, 11, 30),
                )
                for r in results
                for k in kpis
            ]
            bulk_create_with_history(lines, KPILine, batch_size=1000, default_user=user)
            elapsed = time.perf_counter() - started
            raise Rollback
    except Rollback:
        pass
    return elapsed


def main() -> None:
    try:
        with transaction.atomic():
            org = Organisation.objects.create(
                name="Import benchmark partner", short_name="IMPORT-BENCH", kind="implementing"
            )
            china = Country.objects.get(code="CN")
            org.countries.add(china)
            user = User.objects.create_user("bench-import-partner", email="bench@example.org")
            user.groups.add(Group.objects.get(name=roles.PARTNERS))
            PartnerMembership.objects.create(user=user, organisation=org)
            enterprises = Enterprise.objects.bulk_create(
                Enterprise(
                    name=f"Bench enterprise {i:05}",
                    country=china,
                    city="Taixing",
                    province="Jiangsu",
                    sector="machinery",
                )
                for i in range(ROWS // LINES_PER_RESULT)
            )
            org.enterprises.add(*enterprises)
            derived_refresh(enterprise_ids=[e.pk for e in enterprises])  # bulk, without the services
            kpis = list(KPI.objects.filter(active=True)[:LINES_PER_RESULT])
            wb = Workbook()
            ws = wb.active
            ws.title = imports.SHEET
            ws.append(imports.COLUMNS)
            for ent in enterprises:
                for k in kpis:
                    ws.append(
                        [
                            imports.enterprise_label(ent),
                            "M1",
                            k.name,
                            4.13,
                            dt.date(2014, 8, 1),
                            0.61,
                            dt.date(2014, 11, 30),
                            None,
                        ]
                    )
            buf = io.BytesIO()
            wb.save(buf)
            data = buf.getvalue()
            print(f"workbook: {ROWS} rows, {len(data) / 1024:.0f} KiB")

            floor = bulk_floor(user, org, enterprises, kpis)

            started = time.perf_counter()
            with CaptureQueriesContext(connection) as checking:
                preview = imports.upload_preview(user, data)
            checked = time.perf_counter()
            assert preview.ok, preview.file_errors or preview.bad_rows[0].errors
            with CaptureQueriesContext(connection) as saving:
                count = imports.import_rows(user, preview)
            done = time.perf_counter()
            assert count == ROWS
            assert KPILine.objects.filter(result__organisation=org).count() == ROWS
            assert KPILine.history.filter(result_id__in=Result.objects.filter(organisation=org)).count() == ROWS
            assert Result.objects.filter(organisation=org).count() == ROWS // LINES_PER_RESULT
            imported = done - checked
            print(f"preview (read + check): {checked - started:.2f} s, {len(checking)} queries")
            print(f"import (save {count} rows): {imported:.2f} s, {len(saving)} queries")
            print(f"bulk floor (bulk_create_with_history of the same results and lines): {floor:.2f} s")
            print(f"total with the preview: {done - started:.2f} s")
            print(f"import vs bulk floor: {imported / floor:.1f}×")
            raise Rollback
    except Rollback:
        pass


if __name__ == "__main__":
    main()
