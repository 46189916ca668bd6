"""The filters' select (core.widgets.QuickSelect) writes the same HTML as Django's template-rendered one."""

import pytest
from django import forms
from django.utils.safestring import mark_safe

from core.widgets import QuickSelect
from programmes.models import Module

CASES = [
    ([("", "Any"), ("a", "A & B"), (1, "<One>")], "a", {"class": "form-select", "id": "x", "required": True}),
    ([("", "Any"), ("Group <g>", [("1", "x"), ("2", "y")])], "2", {"disabled": False}),
    ([("1", "x"), ("2", '"quoted"')], None, {"data-x": '"q"', "aria-label": "Province"}),
    ([], "", {}),
]


@pytest.mark.parametrize(("choices", "value", "attrs"), CASES)
def test_quick_select_writes_what_django_writes(choices, value, attrs):
    ours = QuickSelect(choices=choices).render("province", value, attrs)
    django = forms.Select(choices=choices).render("province", value, attrs)
    assert "".join(ours.split()) == "".join(django.split())
    assert "<One>" not in ours and "&lt;One&gt;" in ours or "<One>" not in str(choices)


MORE_CASES = [
    ([("", "Any"), ("a", "A"), ("a", "A again")], "a", {}),  # the first match only
    ([(None, "None"), ("1", "One")], None, {}),
    ([("1", "x"), ("2", "y"), ("3", "z")], ["1", "3"], {"multiple": True}),
    ([("1", mark_safe("<b>safe</b>")), ("2", "ü & 中文")], "2", {"lang": "zh-Hans"}),
]


@pytest.mark.parametrize(("choices", "value", "attrs"), MORE_CASES)
def test_quick_select_follows_django_rules(choices, value, attrs):
    multiple = attrs.pop("multiple", False)
    ours_class = type("Multiple", (QuickSelect,), {"allow_multiple_selected": True}) if multiple else QuickSelect
    theirs_class = forms.SelectMultiple if multiple else forms.Select
    ours = ours_class(choices=choices).render("f", value, attrs)
    django = theirs_class(choices=choices).render("f", value, attrs)
    assert "".join(ours.split()) == "".join(django.split())


@pytest.mark.django_db
def test_quick_select_of_a_model_field_writes_what_django_writes():
    Module.objects.get_or_create(code="M9", defaults={"order": 9, "name": "Test <module>"})
    modules = Module.objects.order_by("order", "code")
    chosen = modules.last()
    ours = forms.ModelChoiceField(modules, widget=QuickSelect).widget.render("module", chosen.pk, {"id": "m"})
    django = forms.ModelChoiceField(modules).widget.render("module", chosen.pk, {"id": "m"})
    assert "".join(ours.split()) == "".join(django.split())
    assert f'value="{chosen.pk}" selected' in ours
