"""The filters' select (core.widgets.QuickSelect) writes the same HTML as Django's template-rendered one."""

import pytest
from django import forms

from core.widgets import QuickSelect

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
