"""Benchmark: import 5,000 KPI-line rows from an .xlsx through the preview and the services.

    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/score_bench .venv/bin/python bench/import_results.py

It creates a throwaway partner organisation with 1,000 enterprises (five KPI lines each), builds the
workbook, then times reading + checking (the preview) and the all-or-nothing import, and prints the
seconds. The target is under 30 s on the project's machine. It runs in a transaction that it rolls
back, so the database is left as it was (it needs a migrated database).
"""

from __future__ import annotations

import datetime as dt
import io
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "score_portal.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import Group, User  # noqa: E402
from django.db import transaction  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from core import roles  # noqa: E402
from enterprises.models import KPI, Enterprise, KPILine, Result  # noqa: E402
from enterprises.results import imports  # noqa: E402
from programmes.models import Organisation, PartnerMembership  # noqa: E402

ROWS = int(os.environ.get("BENCH_ROWS", "5000"))
LINES_PER_RESULT = 5


class Rollback(Exception):
    pass


def main() -> None:
    try:
        with transaction.atomic():
            org = Organisation.objects.create(
                name="Import benchmark partner", short_name="IMPORT-BENCH", kind="implementing"
            )
            user = User.objects.create_user("bench-import-partner", email="bench@example.org")
            user.groups.add(Group.objects.get(name=roles.PARTNERS))
            PartnerMembership.objects.create(user=user, organisation=org)
            enterprises = Enterprise.objects.bulk_create(
                Enterprise(name=f"Bench enterprise {i:05}", city="Taixing", province="Jiangsu", sector="machinery")
                for i in range(ROWS // LINES_PER_RESULT)
            )
            org.enterprises.add(*enterprises)
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

            started = time.perf_counter()
            preview = imports.upload_preview(user, data)
            checked = time.perf_counter()
            assert preview.ok, preview.file_errors or preview.bad_rows[0].errors
            count = imports.import_rows(user, preview)
            done = time.perf_counter()
            assert count == ROWS
            assert KPILine.objects.filter(result__organisation=org).count() == ROWS
            assert Result.objects.filter(organisation=org).count() == ROWS // LINES_PER_RESULT
            print(f"preview (read + check): {checked - started:.2f} s")
            print(f"import (save {count} rows): {done - checked:.2f} s")
            print(f"total: {done - started:.2f} s (target < 30 s)")
            raise Rollback
    except Rollback:
        pass


if __name__ == "__main__":
    main()
