"""Form widgets: a select for long lists (a few options, and Tom Select asking the server for the rest as the
person types). Tom Select (npm, static/vendor/) is started on the page by static/js/widgets.js: on every
SearchSelect, and on every multiple select (e.g. co-organisers)."""

from __future__ import annotations

from contextlib import contextmanager

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import ModelChoiceIterator
from django.urls import reverse
from django.utils.html import conditional_escape as escape
from django.utils.safestring import mark_safe


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


# The hand-written selects' switches, read on every render: bench/pieces.py turns one off to time a page without it
# (Django's Select and its templates; a SearchSelect with every row of its queryset as an option). Never switched
# off in the portal itself.
QUICK_SELECT = True
SEARCH_SELECT = True


class QuickSelect(forms.Select):
    """``forms.Select`` written out in Python: the HTML of Django's own templates (``select.html``,
    ``select_option.html``, ``attrs.html``) without an included template per option and per attribute, which
    made a list page's filters (a select of every organisation, every province) a fifth of its time.

    The options are written straight from ``choices`` with Django's rules (groups, ``None`` as "", the first
    matching option selected unless the select is multiple), without building Django's dictionary per option;
    a model field's options are read in one query rather than through a server-side cursor (Django's
    ``ModelChoiceIterator`` uses ``QuerySet.iterator()``: three round trips for a short list)."""

    def render(self, name, value, attrs=None, renderer=None):
        if not QUICK_SELECT:  # Django's own: select.html, a template per option and per attribute
            return super().render(name, value, attrs, renderer)
        attrs = self.build_attrs(self.attrs, attrs)
        if self.allow_multiple_selected:
            attrs["multiple"] = True
        wanted = set(self.format_value(value))
        multiple = self.allow_multiple_selected
        parts = [f'<select name="{escape(name)}"{_attrs(attrs)}>']
        for group_value, group_label in _choices(self.choices):
            grouped = isinstance(group_label, list | tuple)
            if grouped:
                parts.append(f'<optgroup label="{escape(group_value)}">')
            for option_value, option_label in group_label if grouped else [(group_value, group_label)]:
                option_value = "" if option_value is None else str(option_value)
                selected = option_value in wanted
                if selected and not multiple:
                    wanted = set()  # Django selects the first match only
                parts.append(
                    f'<option value="{escape(option_value)}"{" selected" if selected else ""}>'
                    f"{escape(option_label)}</option>"
                )
            if grouped:
                parts.append("</optgroup>")
        parts.append("</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every value is escaped (conditional_escape)


def _choices(choices):
    """A select's (value, label) pairs; a model field's read with one query of its queryset."""
    if not isinstance(choices, ModelChoiceIterator):
        return choices
    field = choices.field
    empty = [("", field.empty_label)] if field.empty_label is not None else []
    return empty + [(field.prepare_value(obj), field.label_from_instance(obj)) for obj in field.queryset.all()]


class SearchSelect(QuickSelect):
    """Renders at most ``limit`` options (and the selected ones); in the browser, Tom Select fetches
    ``{"results": [{"id": ..., "label": ...}]}`` from ``search_url?q=...`` as the person types and offers what
    the server finds (the search and its scoping stay on the server, in the autocomplete views).

    The field still validates against its whole queryset; only the page stays small, whatever
    the number of rows (a round's page would otherwise carry every enterprise of the programme).
    """

    def __init__(self, *, search_url_name: str, limit: int = 50, attrs=None):
        super().__init__(attrs)
        self.search_url_name = search_url_name
        self.limit = limit

    def render(self, name, value, attrs=None, renderer=None):
        with self._shown(value):
            return super().render(name, value, self._search_attrs(attrs), renderer)

    def get_context(self, name, value, attrs):
        with self._shown(value):
            return super().get_context(name, value, self._search_attrs(attrs))

    def _pk(self, value):
        """A selected value as a primary key; None for an empty or malformed one (a bound form's bad input)."""
        if value in (None, ""):
            return None
        value = getattr(value, "pk", value)
        try:
            return self.choices.field.queryset.model._meta.pk.to_python(value)
        except ValidationError:
            return None

    def _search_attrs(self, attrs) -> dict:
        return {**(attrs or {}), "data-search-url": reverse(self.search_url_name)}

    @contextmanager
    def _shown(self, value):
        """The choices while rendering: the first ``limit`` rows of the field's queryset and the selected ones."""
        full = self.choices
        if not SEARCH_SELECT or not isinstance(full, ModelChoiceIterator):  # every row an option
            yield
            return
        field = full.field
        shown = list(field.queryset[: self.limit])
        shown_pks = {obj.pk for obj in shown}
        selected = {pk for pk in map(self._pk, value if isinstance(value, list | tuple) else [value]) if pk is not None}
        if selected - shown_pks:
            shown += list(field.queryset.filter(pk__in=selected - shown_pks))
        empty = [("", field.empty_label)] if field.empty_label is not None else []
        self.choices = empty + [(field.prepare_value(obj), field.label_from_instance(obj)) for obj in shown]
        try:
            yield
        finally:
            self.choices = full


def _attrs(attrs: dict) -> str:
    """Django's ``attrs.html``: ``name="value"``, a bare name for True, nothing for False or None."""
    return "".join(
        f" {escape(k)}" if v is True else f' {escape(k)}="{escape(v)}"'
        for k, v in attrs.items()
        if v is not False and v is not None
    )
