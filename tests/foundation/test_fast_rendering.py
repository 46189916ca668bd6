"""What the lists write in Python instead of through the template engine is what the template wrote: a
django-tables2 table's rows (core/templatetags/portal_tables.py) and the links of a round's rows
(core.pages.url_maker)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import django_tables2 as tables
import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from django_tables2.utils import signature

from core import tables as core_tables
from core.pages import url_maker


class Sample(tables.Table):
    name = tables.Column(linkify=lambda record: f"/things/{record['pk']}/")
    amount = tables.Column(attrs={"td": {"class": "text-end", "data-amount": lambda value: value}})
    raw = tables.Column(accessor="amount", localize=False, verbose_name="Raw")
    localized = tables.Column(accessor="amount", localize=True)
    when = tables.Column()
    note = tables.Column(default="—")
    twice = tables.Column(accessor="pk")
    arguments = tables.Column(accessor="missing", empty_values=())
    unknown = tables.Column(accessor="pk")

    class Meta:
        attrs = {"class": "table", "tbody": {"id": "rows"}}
        row_attrs = {"data-pk": lambda record: record["pk"]}
        empty_text = "Nothing <here> yet"

    def render_twice(self, value, bound_row, table):  # the arguments it names, and only those
        return f"{value * 2} {bound_row.record['name'][:4]} {type(table).__name__}"

    def render_arguments(self, value, **kwargs):  # a value that is not there, not empty here; every argument
        return f"{value} {' '.join(sorted(kwargs))}"

    def render_unknown(self, value, other):  # an argument django-tables2 does not give: not called, None
        raise AssertionError


class OrganisationSample(tables.Table):
    """Model records: a choice field's label (get_FOO_display), also across a relation that may be empty, a link
    to the record, td attributes computed per cell."""

    name = tables.Column(linkify=True)
    kind = tables.Column()
    parent_kind = tables.Column(accessor="parent__kind", default="none")
    parent = tables.Column(attrs={"td": {"data-parent": lambda record: record.parent_id or "-", "class": "x"}})


ROWS = [
    {"pk": 1, "name": "Anhui <Valves> & Co", "amount": Decimal("12345.5"), "when": dt.date(2014, 9, 1), "note": None},
    {"pk": 2, "name": "Bolt 'Works'", "amount": 7, "when": dt.date(2015, 1, 31), "note": "<b>bold</b>"},
]


def rendered(rows, template: str, language: str, table_class=Sample) -> str:
    table = table_class(rows, template_name=template)
    request = RequestFactory().get("/things/", {"sort": "-amount"})
    table.paginate(per_page=25)
    with translation.override(language):
        html = render_to_string(template, {"table": table, "request": request})
    return re.sub(r"\s*(<[^>]*>)\s*", r"\1", re.sub(r"<(t[rd]|tbody) >", r"<\1>", html))


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("rows", [ROWS, []], ids=["rows", "empty"])
def test_the_rows_are_what_django_tables2s_template_writes(rows, language):
    ours = rendered(rows, "django_tables2/portal.html", language)
    theirs = rendered(rows, "django_tables2/bootstrap5-responsive.html", language)
    # the one addition: each cell names its column (the phone's stacked cards show it before the cell)
    labels = re.findall(r'<td[^>]*?data-label="([^"]*)"', ours)
    headings = ["Name", "Amount", "Raw", "Localized", "When", "Note", "Twice", "Arguments", "Unknown"]
    assert labels == headings * len(rows)
    assert re.sub(r' ?data-label="[^"]*"', "", ours).replace("<td >", "<td>") == theirs
    if rows:
        assert "Anhui &lt;Valves&gt; &amp; Co" in ours and "&lt;b&gt;bold&lt;/b&gt;" in ours
        assert 'data-pk="2"' in ours and 'data-amount="7"' in ours
        assert ">4 Bolt Sample<" in ours and ">None bound_column bound_row column record table<" in ours
        assert ours.count(">None</td>") == len(rows)  # the unknown argument
    else:
        assert "Nothing &lt;here&gt; yet" in ours


def test_each_columns_signature_is_read_once_per_table(monkeypatch):
    read = []
    monkeypatch.setattr(core_tables, "signature", lambda fn: read.append(fn) or signature(fn))
    rendered(ROWS * 10, "django_tables2/portal.html", "en")
    assert len(read) == len(Sample.base_columns)  # django-tables2 reads it for each of the 20 rows' cells


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_model_rows_are_what_django_tables2s_template_writes(language):
    from programmes.models import Organisation

    ilo = Organisation(pk=1, name="ILO <Geneva>", kind=Organisation.Kind.ILO_OFFICE)
    rows = [ilo, Organisation(pk=2, name="Sfax Centre", kind=Organisation.Kind.LICENSED_PROVIDER, parent=ilo)]
    ours = rendered(rows, "django_tables2/portal.html", language, OrganisationSample)
    theirs = rendered(rows, "django_tables2/bootstrap5-responsive.html", language, OrganisationSample)
    assert re.sub(r' ?data-label="[^"]*"', "", ours).replace("<td >", "<td>") == theirs
    with translation.override(language):
        label = str(Organisation.Kind.ILO_OFFICE.label)
    assert ours.count(f">{label}</td>") == 2  # its own kind, and its child's parent's
    assert 'data-parent="1"' in ours and 'data-parent="-"' in ours and ">none</td>" in ours
    assert f'<a href="{ilo.get_absolute_url()}">ILO &lt;Geneva&gt;</a>' in ours


@pytest.mark.parametrize(
    "viewname, args",
    [
        ("enterprises:enterprise_detail", [7]),
        ("enterprises:participation_update", [12, 12]),
        ("enterprises:participation_remove", [3, 1234567]),
        ("enterprises:factory_visit_remove", [2147483646, 5]),
    ],
)
def test_a_url_made_from_one_reverse_is_the_url_reverse_gives(viewname, args):
    assert url_maker(viewname, *args[:-1])(args[-1]) == reverse(viewname, args=args)
