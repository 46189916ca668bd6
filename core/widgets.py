"""Form widgets: a select for long lists (a few options, and Tom Select asking the server for the rest as the
person types), and the marking of the fields that hold Chinese text. Tom Select (npm, static/vendor/) is started
on the page by static/js/widgets.js: on every SearchSelect, and on every multiple select (e.g. co-organisers)."""

from __future__ import annotations

from django import forms
from django.urls import reverse
from django.utils.html import conditional_escape as escape
from django.utils.safestring import mark_safe


class ChineseFieldsMixin:
    """Marks every `*_zh` field of the form as Chinese text (`lang="zh-Hans"`), for input methods, fonts and
    screen readers."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name.endswith("_zh"):
                field.widget.attrs["lang"] = "zh-Hans"


class QuickSelect(forms.Select):
    """``forms.Select`` written out in Python: the HTML of Django's own templates (``select.html``,
    ``select_option.html``, ``attrs.html``) without an included template per option and per attribute, which
    made a list page's filters (a select of every organisation, every province) a fifth of its time. The
    options, groups, selection and attributes come from Django's ``get_context``, as for the template."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [f'<select name="{escape(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'<optgroup label="{escape(group_name)}">')
            parts.extend(
                f'<option value="{escape(option["value"])}"{_attrs(option["attrs"])}>{escape(option["label"])}</option>'
                for option in options
            )
            if group_name:
                parts.append("</optgroup>")
        parts.append("</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every value is escaped (conditional_escape)


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

    def get_context(self, name, value, attrs):
        attrs = {**(attrs or {}), "data-search-url": reverse(self.search_url_name)}
        queryset = getattr(self.choices, "queryset", None)
        if queryset is None:
            return super().get_context(name, value, attrs)
        selected = [v for v in (value if isinstance(value, list | tuple) else [value]) if v not in (None, "")]
        shown = list(queryset[: self.limit])
        shown_pks = {obj.pk for obj in shown}
        shown += [obj for obj in queryset.filter(pk__in=selected) if obj.pk not in shown_pks]
        full = self.choices
        empty = [("", full.field.empty_label)] if full.field.empty_label is not None else []
        self.choices = empty + [full.choice(obj) for obj in shown]
        try:
            return super().get_context(name, value, attrs)
        finally:
            self.choices = full


def _attrs(attrs: dict) -> str:
    """Django's ``attrs.html``: ``name="value"``, a bare name for True, nothing for False or None."""
    return "".join(
        f" {escape(k)}" if v is True else f' {escape(k)}="{escape(v)}"'
        for k, v in attrs.items()
        if v is not False and v is not None
    )
