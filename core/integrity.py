"""The database's uniqueness, turned into the form's message.

A form's ``clean`` or a service's ``exists()`` check cannot see a row another request committed a
millisecond ago (a double click in two tabs, a phone retrying on a bad network): the second INSERT meets
the unique index and PostgreSQL refuses it. Every write service that creates a row with a unique
constraint runs inside ``unique_refused``: the write happens in a savepoint, so a refusal leaves nothing
half-saved and the caller's transaction usable, and the violated constraint becomes the same
``ValidationError`` the service raises for a duplicate it can see, next to the field it concerns.

    @unique_refused()
    @transaction.atomic
    def participation_add(...): ...

    with unique_refused({"result_one_per_enterprise_module": lambda: already_reported(enterprise, module)}):
        result.save()
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext

UNIQUE_VIOLATION = "23505"  # PostgreSQL's SQLSTATE for unique_violation (SQLite says it in words)
_KEY = re.compile(r"Key \((?P<columns>.+?)\)=")

Messages = dict[str, Callable[[], ValidationError] | ValidationError | str]


@cache
def _model_of_table(table: str) -> type[models.Model] | None:
    return next((m for m in apps.get_models(include_auto_created=True) if m._meta.db_table == table), None)


def _unique_constraint(model: type[models.Model], name: str) -> models.UniqueConstraint | None:
    return next((c for c in model._meta.constraints if isinstance(c, models.UniqueConstraint) and c.name == name), None)


def _constraint_fields(model: type[models.Model], constraint: str, detail: str) -> list[str]:
    found = _unique_constraint(model, constraint)
    if found is not None and found.fields:
        return list(found.fields)
    found = _KEY.search(detail or "")  # a unique=True column: its name is the database's, the key is in the detail
    if not found:
        return []
    by_column = {f.column: f.name for f in model._meta.concrete_fields}
    return [
        by_column[col.strip().strip('"')] for col in found["columns"].split(",") if col.strip().strip('"') in by_column
    ]


# SQLite names the columns ("UNIQUE constraint failed: table.a, table.b") or, for a constraint on expressions,
# its index ("UNIQUE constraint failed: index 'name'"), never the constraint of a list of columns.
_SQLITE_UNIQUE = re.compile(r"UNIQUE constraint failed: (?:index '(?P<index>[^']+)'|(?P<columns>.+))")


def _sqlite_unique_violation(exc: IntegrityError) -> tuple[str, type[models.Model] | None, list[str]] | None:
    found = _SQLITE_UNIQUE.match(str(exc))
    if not found:
        return None
    if found["index"]:
        for model in apps.get_models(include_auto_created=True):
            constraint = _unique_constraint(model, found["index"])
            if constraint is not None:
                return constraint.name, model, list(constraint.fields)
        return found["index"], None, []
    pairs = [part.strip().rsplit(".", 1) for part in found["columns"].split(",")]
    model = _model_of_table(pairs[0][0])
    if model is None:
        return "", None, []
    by_column = {f.column: f.name for f in model._meta.concrete_fields}
    fields = [by_column.get(column, column) for _table, column in pairs]
    constraint = next(
        (
            c
            for c in model._meta.constraints
            if isinstance(c, models.UniqueConstraint) and c.fields and set(c.fields) == set(fields)
        ),
        None,
    )
    return (constraint.name if constraint else ""), model, list(constraint.fields) if constraint else fields


def unique_violation(exc: IntegrityError) -> tuple[str, type[models.Model] | None, list[str]] | None:
    """(constraint name, model, field names) of a unique violation, or None for any other integrity error."""
    if exc.__cause__ is not None and type(exc.__cause__).__module__ == "sqlite3":
        return _sqlite_unique_violation(exc)
    cause = exc.__cause__
    # psycopg 3 says sqlstate, psycopg2 pgcode
    if (getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)) != UNIQUE_VIOLATION:
        return None
    diag = cause.diag
    model = _model_of_table(diag.table_name or "")
    fields = _constraint_fields(model, diag.constraint_name or "", diag.message_detail or "") if model else []
    return diag.constraint_name or "", model, fields


def violation_error(exc: IntegrityError, messages: Messages | None = None) -> ValidationError | None:
    """The ValidationError a unique violation stands for (None when ``exc`` is not one)."""
    found = unique_violation(exc)
    if found is None:
        return None
    constraint, model, fields = found
    chosen = (messages or {}).get(constraint)
    if chosen is not None:
        error = chosen() if callable(chosen) else chosen
        return error if isinstance(error, ValidationError) else ValidationError(error)
    if model is None or not fields:
        return ValidationError(gettext("This record already exists."))
    declared = _unique_constraint(model, constraint)
    if declared is not None and declared.violation_error_message != declared.default_violation_error_message:
        return ValidationError(declared.get_violation_error_message())  # the model's own words for it
    # Django's words for it, where full_clean() puts them: by the field of a one-field key, above the
    # form for a key of several fields
    error = model().unique_error_message(model, tuple(fields))
    return ValidationError({fields[0]: error}) if len(fields) == 1 else error


@contextmanager
def unique_refused(messages: Messages | None = None) -> Iterator[None]:
    """Run the block in a savepoint; a unique violation inside it becomes a ValidationError (see the module).

    ``messages`` maps a constraint's name to the error to raise instead of the generic "... already
    exists" (a ValidationError, a string, or a callable returning either). Usable as a decorator."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError as exc:
        error = violation_error(exc, messages)
        if error is None:
            raise
        raise error from exc
