"""Each hand-written rendering piece has a switch that bench/pieces.py turns off to time a page without it; off,
the page does what the library or Django does instead (and the portal never turns one off)."""

from __future__ import annotations

import datetime as dt

import pytest
from django import forms
from django.urls import reverse

from core import pages, tables, widgets
from core.templatetags import portal_tables
from programmes.models import Module
from tests.foundation.test_fast_rendering import ROWS, rendered
from tests.officers.test_kept_counts import counts_queried


def test_every_piece_is_on_in_the_portal():
    assert portal_tables.ROWS_IN_PYTHON and widgets.QUICK_SELECT and widgets.SEARCH_SELECT
    assert pages.KEEP_COUNTS and pages.URLS_REVERSED_ONCE and tables.DATES_WITHOUT_TEMPLATE


def test_rows_switched_off_are_django_tables2s_own(monkeypatch):
    ours = rendered(ROWS, "django_tables2/portal.html", "en")
    assert 'data-label="Name"' in ours  # written in Python: each cell names its column
    monkeypatch.setattr(portal_tables, "ROWS_IN_PYTHON", False)
    assert rendered(ROWS, "django_tables2/portal.html", "en") == rendered(
        ROWS, "django_tables2/bootstrap5-responsive.html", "en"
    )


class CountingRenderer:
    """Django's form renderer, counting the templates it renders."""

    def __init__(self):
        from django.forms.renderers import DjangoTemplates

        self.inner, self.templates = DjangoTemplates(), []

    def render(self, template_name, context, request=None):
        self.templates.append(template_name)
        return self.inner.render(template_name, context, request)


def test_quick_select_switched_off_renders_djangos_templates(monkeypatch):
    choices = [("", "---------"), ("a", "Anhui"), ("b", "Bolt")]
    renderer = CountingRenderer()
    ours = widgets.QuickSelect(choices=choices).render("f", "b", renderer=renderer)
    assert renderer.templates == []  # written in Python
    monkeypatch.setattr(widgets, "QUICK_SELECT", False)
    django = widgets.QuickSelect(choices=choices).render("f", "b", renderer=renderer)
    assert renderer.templates == ["django/forms/widgets/select.html"]
    assert "".join(ours.split()) == "".join(django.split())


@pytest.mark.django_db
def test_search_select_switched_off_offers_every_row(monkeypatch):
    modules = Module.objects.order_by("code")
    widget = widgets.SearchSelect(search_url_name="results:enterprise_autocomplete", limit=2)
    field = forms.ModelChoiceField(modules, widget=widget)
    field.widget.choices = field.choices
    assert field.widget.render("m", None).count("<option") == 3  # the empty one and the first two
    monkeypatch.setattr(widgets, "SEARCH_SELECT", False)
    assert field.widget.render("m", None).count("<option") == modules.count() + 1


@pytest.mark.django_db
def test_counts_switched_off_are_counted_on_every_request(client, officer, monkeypatch):
    client.force_login(officer)
    client.get("/")
    assert counts_queried(client, "/enterprises/") == 1
    assert counts_queried(client, "/enterprises/") == 0  # kept
    monkeypatch.setattr(pages, "KEEP_COUNTS", False)
    assert counts_queried(client, "/enterprises/") == 1
    assert counts_queried(client, "/enterprises/") == 1


def test_url_maker_switched_off_reverses_every_link(monkeypatch):
    calls = []

    def counting_reverse(viewname, args):
        calls.append(viewname)
        return reverse(viewname, args=args)

    monkeypatch.setattr(pages, "reverse", counting_reverse)
    link = pages.url_maker("enterprises:participation_remove", 3)
    assert [link(n) for n in (1, 2)] == [reverse("enterprises:participation_remove", args=[3, n]) for n in (1, 2)]
    assert len(calls) == 1
    monkeypatch.setattr(pages, "URLS_REVERSED_ONCE", False)
    link = pages.url_maker("enterprises:participation_remove", 3)
    assert [link(n) for n in (1, 2)] == [reverse("enterprises:participation_remove", args=[3, n]) for n in (1, 2)]
    assert len(calls) == 3


def test_dates_switched_off_write_the_same_text_through_a_template(monkeypatch):
    start = dt.date(2014, 9, 1)
    column = tables.DateColumn()
    ours = column.render(start)
    compiled, template = [], tables.Template
    monkeypatch.setattr(tables, "Template", lambda code: compiled.append(code) or template(code))
    assert compiled == [] and ours
    monkeypatch.setattr(tables, "DATES_WITHOUT_TEMPLATE", False)
    assert column.render(start) == ours
    assert compiled == ['{{ value|date:"SHORT_DATE_FORMAT" }}']
