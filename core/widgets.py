"""Form widgets: a select for long lists (a few options, and Tom Select asking the server for the rest as the
person types), and the marking of the fields that hold Chinese text. Tom Select (npm, static/vendor/) is started
on the page by static/js/widgets.js: on every SearchSelect, and on every multiple select (e.g. co-organisers)."""

from __future__ import annotations

from django import forms
from django.urls import reverse


class ChineseFieldsMixin:
    """Marks every `*_zh` field of the form as Chinese text (`lang="zh-Hans"`), for input methods, fonts and
    screen readers."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name.endswith("_zh"):
                field.widget.attrs["lang"] = "zh-Hans"


class SearchSelect(forms.Select):
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
