"""Substring search that an index can answer on PostgreSQL, and still works on SQLite.

Django's ``icontains`` is ``UPPER(column::text) LIKE UPPER('%term%')`` on PostgreSQL. A trigram GIN index
on ``UPPER(column::text)`` (pg_trgm) answers exactly that expression, so the lists' search boxes keep
using ``icontains`` and PostgreSQL reads the index instead of every row. The migrations create the
indexes with ``trigram_indexes`` (a no-op on other databases: ``make run`` on SQLite scans, which is fine
for a demo's few hundred rows).
"""

from __future__ import annotations

from django.db import migrations


def _name(table: str, column: str) -> str:
    return f"{table}_{column}_trgm"[:63]


def trigram_indexes(table: str, columns: list[str]) -> migrations.RunPython:
    """A migration operation that creates (and on reverse drops) a GIN trigram index on UPPER(column) for
    each column, on PostgreSQL only. The pg_trgm extension must exist (TrigramExtension in a migration)."""

    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for column in columns:
            schema_editor.execute(
                f'CREATE INDEX IF NOT EXISTS "{_name(table, column)}" ON "{table}" '
                f'USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
            )

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for column in columns:
            schema_editor.execute(f'DROP INDEX IF EXISTS "{_name(table, column)}"')

    return migrations.RunPython(forwards, backwards, elidable=False)
