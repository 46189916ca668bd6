"""Two people editing one record: optimistic concurrency, one mechanism for every edit form.

A record that people edit carries ``edit_version`` (``EditVersioned``). Its edit form carries, in a signed
hidden field, the version the user started from and a digest of each value they saw. Its update service
claims the version (``edit_version_claim``: ``UPDATE ... SET edit_version = edit_version + 1 WHERE pk = ...
AND edit_version = <started from>``); when someone else saved in between, the claim fails and the service
raises ``EditConflict`` before writing anything. The view then answers 409 with the form as the user filled
it and a message naming what the other person changed (the form's labels and the new values), and a fresh
token, so that saving again is a choice made knowing it. Nothing is lost and nothing is overwritten unseen.

The digests also tell which lines of a formset the user really changed (``user_changed``), so a page that
saves many lines writes only those, never a line from the stale values it was opened with.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal

from django import forms
from django.core import signing
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.db.models import F
from django.utils import formats
from django.utils.text import Truncator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

TOKEN = "edit_token"
_SALT = "core.editing.edit-token"


class EditVersioned(models.Model):
    """A record two people may edit at once: each save through its update service counts one version."""

    edit_version = models.PositiveIntegerField(_("edit version"), default=0, editable=False)

    class Meta:
        abstract = True


class EditConflict(Exception):
    """Someone else saved the record since the user opened it: ``current`` is the record as it is now."""

    def __init__(self, current: models.Model):
        super().__init__(f"{current._meta.label} {current.pk} changed since it was opened")
        self.current = current


# --- The service's side -------------------------------------------------------------------------------


def edit_version_claim(instance: models.Model, expected: int | None) -> None:
    """Count a new version of ``instance`` in the database, if it is still at ``expected`` (the version the
    user started from; None: no check, e.g. a command or an import). Raises EditConflict otherwise. Call it in
    the service's transaction before saving; the row stays locked until the transaction ends."""
    if instance.pk is None:
        return
    manager = type(instance)._default_manager
    row = manager.filter(pk=instance.pk)
    if expected is None:
        row.update(edit_version=F("edit_version") + 1)
        instance.edit_version = row.values_list("edit_version", flat=True).get()
        return
    if not row.filter(edit_version=expected).update(edit_version=F("edit_version") + 1):
        raise EditConflict(manager.get(pk=instance.pk))
    instance.edit_version = expected + 1


# --- The form's side ----------------------------------------------------------------------------------


def _plain(value) -> str:
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, list | tuple | set | models.QuerySet):
        return ",".join(sorted(_plain(v) for v in value))
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if isinstance(value, dt.date):
        return value.isoformat()
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip().replace("\r\n", "\n")
    return str(value)


def _digest(value) -> str:
    return hashlib.sha256(_plain(value).encode()).hexdigest()[:16]


def _model_field(record: models.Model, name: str):
    try:
        return record._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def record_value(record: models.Model, name: str):
    """The value a form field of this name shows for the record (related records as their ids)."""
    field = _model_field(record, name)
    if field is None:
        return getattr(record, name, None)
    if field.many_to_many:
        return [obj.pk for obj in getattr(record, name).all()] if record.pk else []
    return field.value_from_object(record)


def _shown(record: models.Model, name: str) -> str:
    field = _model_field(record, name)
    if field is not None and field.many_to_many:
        text = ", ".join(str(obj) for obj in getattr(record, name).all())
    elif field is not None and field.choices:
        text = str(getattr(record, f"get_{name}_display")())
    elif field is not None and field.is_relation:
        text = str(getattr(record, name) or "")
    else:
        value = getattr(record, name, None)
        if isinstance(value, bool):
            text = gettext("yes") if value else gettext("no")
        elif isinstance(value, Decimal):
            text = formats.localize(value.normalize())
        elif isinstance(value, dt.date):
            text = formats.date_format(value, "Y-m-d")
        else:
            text = "" if value is None else str(value)
    return Truncator(text).chars(120) if text else "–"


def edit_token(record: models.Model, names) -> str:
    """The signed hidden value: which record, the version it is at, and a digest of each value shown."""
    digests = {n: _digest(record_value(record, n)) for n in names if _model_field(record, n) or hasattr(record, n)}
    return signing.dumps(
        {"m": record._meta.label_lower, "pk": record.pk, "v": record.edit_version, "d": digests}, salt=_SALT
    )


class EditVersionMixin:
    """For the edit form of an ``EditVersioned`` record (first in the form's bases).

    The record is the ModelForm's instance or ``edit_record=``; a form in a formset gets its token through
    its initial data (``edit_token(record, names)``). After ``is_valid()``: ``edit_version`` is the version
    the user started from (None when the page sent none), ``user_changed()`` whether they changed anything."""

    def __init__(self, *args, edit_record: models.Model | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        record = edit_record if edit_record is not None else getattr(self, "instance", None)
        self.edit_record = record if record is not None and record.pk is not None else None
        self.edit_version: int | None = None
        self.edit_started: dict[str, str] = {}
        self.edit_pk = None
        names = [n for n in self.fields if n != TOKEN]
        self.fields[TOKEN] = forms.CharField(widget=forms.HiddenInput, required=False)
        if self.edit_record is not None and TOKEN not in self.initial:
            self.initial[TOKEN] = edit_token(self.edit_record, names)

    # crispy-forms renders only the fields a helper's layout names: let it render the token too
    @property
    def helper(self):
        try:
            return self.__dict__["_edit_helper"]
        except KeyError:
            raise AttributeError("helper") from None

    @helper.setter
    def helper(self, value) -> None:
        value.render_hidden_fields = True
        self.__dict__["_edit_helper"] = value

    def clean(self):
        cleaned = super().clean()
        token = self.cleaned_data.pop(TOKEN, "")
        if token:
            try:
                payload = signing.loads(token, salt=_SALT)
            except signing.BadSignature:
                raise ValidationError(
                    gettext("This page was changed on its way here. Open the record again and redo your changes.")
                ) from None
            if self.edit_record is not None and (payload["m"], payload["pk"]) != (
                self.edit_record._meta.label_lower,
                self.edit_record.pk,
            ):
                raise ValidationError(gettext("This page belongs to another record. Open the record again."))
            self.edit_version, self.edit_started, self.edit_pk = payload["v"], payload["d"], payload["pk"]
        elif self.edit_record is not None and self.is_bound:
            # A post without its token cannot say which version it started from: stale, never fresh (saving it
            # would write over whatever it never saw). The form comes back with the user's values and a token.
            current = type(self.edit_record)._default_manager.filter(pk=self.edit_record.pk).first()
            self.add_error(None, conflict_message([]))
            self.restart_from(current if current is not None else self.edit_record)
        return cleaned

    def user_changed(self) -> bool:
        """Whether the user changed a value they were shown (not merely: whether it differs from the database)."""
        if not self.edit_started:
            return self.has_changed()
        data = self.cleaned_data
        return any(name in data and _digest(data[name]) != digest for name, digest in self.edit_started.items())

    def changes_since_start(self, current: models.Model | None) -> list[tuple[str, str]]:
        """(label, value now) of each field someone else changed since the user opened the page."""
        if current is None or not self.edit_started:
            return []
        return [
            (str(self.fields[name].label or name), _shown(current, name))
            for name, digest in self.edit_started.items()
            if name in self.fields and _digest(record_value(current, name)) != digest
        ]

    def restart_from(self, current: models.Model) -> None:
        """Start the form again from the record as it is now, with the user's changes on top: a value the user
        changed stays theirs, a value they left shows what the other person saved. Saving again then keeps
        both; the form carries the current version."""
        data = self.data.copy()
        cleaned = getattr(self, "cleaned_data", {})
        for name, digest in self.edit_started.items():
            field = self.fields.get(name)
            if field is None or field.disabled or name not in cleaned or _digest(cleaned[name]) != digest:
                continue  # the user's own change (or a value the form does not post): kept as they typed it
            key, value = self.add_prefix(name), record_value(current, name)
            if isinstance(field, forms.BooleanField):
                if value:
                    data[key] = "on"
                else:
                    data.pop(key, None)
            elif isinstance(value, list):
                data.setlist(key, [str(v) for v in value])
            else:
                data[key] = _plain(value)
        data[self.add_prefix(TOKEN)] = edit_token(current, list(self.edit_started) or list(self.fields))
        self.data = data
        self.edit_record = current


def conflict_message(changes: list[tuple[str, str]]) -> str:
    """What the user is told on a refused save: that someone else saved, and what they changed."""
    head = gettext(
        "Someone else saved this record while you were editing it, so your changes are not saved yet. "
        "The form below shows their changes together with yours: check it, then save again."
    )
    if not changes:
        return head
    listed = "; ".join(
        gettext("%(field)s is now “%(value)s”") % {"field": label, "value": value} for label, value in changes
    )
    return f"{head} {gettext('What changed:')} {listed}."


def edit_conflict(form, exc: EditConflict, *, more: list[tuple[str, str]] = ()) -> None:
    """Put the conflict on the form: the message above it, a fresh token in it."""
    form.add_error(None, conflict_message([*form.changes_since_start(exc.current), *more]))
    form.restart_from(exc.current)
