"""The chart function: figures in, SVG out, fit for a page under a strict CSP and for WeasyPrint."""

from __future__ import annotations

import re
import warnings
import xml.etree.ElementTree as ET

from core.charts import bar_chart

SVG = "{http://www.w3.org/2000/svg}"


def chart(**overrides):
    args = {
        "chart_id": "by-module",
        "title": "Participants by module",
        "description": "M1: 40 women, 60 men; M2: 10 women, 20 men",
        "categories": ["M1 Workplace Cooperation", "M2 Quality Management"],
        "series": [("Women", [40, 10]), ("Men", [60, 20])],
        "stacked": True,
    }
    args.update(overrides)
    return bar_chart(**args)


def test_a_chart_is_svg_labelled_by_its_title_and_text_alternative():
    root = ET.fromstring(chart())
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    assert root.get("aria-labelledby") == "by-module-title by-module-desc"
    assert root.find(f"{SVG}title").text == "Participants by module"
    assert root.find(f"{SVG}desc").text.startswith("M1: 40 women")
    assert root.get("viewBox") and root.get("width") is None  # it takes the width of its container


def test_a_chart_has_no_style_or_script_and_only_its_own_ids():
    svg = chart()
    assert "<style" not in svg and "style=" not in svg and "<script" not in svg and "xlink:" not in svg
    ids = re.findall(r'\bid="([^"]+)"', svg)
    assert ids and all(i.startswith("by-module-") for i in ids)
    for ref in re.findall(r'href="#([^"]+)"', svg) + re.findall(r"url\(#([^)]+)\)", svg):
        assert ref in ids


def test_the_same_figures_draw_the_same_chart_and_other_figures_another():
    assert chart() == chart()
    assert chart(series=[("Women", [41, 10]), ("Men", [60, 20])]) != chart()


def test_chinese_labels_are_drawn_without_a_missing_glyph():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        svg = chart(
            chart_id="zh",
            title="按模块统计的参训人数",
            categories=["M1 职场合作", "M2 质量管理"],
            series=[("女性", [4, 1]), ("男性", [6, 2])],
        )
    assert not [w for w in caught if "missing from font" in str(w.message)]
    assert "按模块统计的参训人数" in svg  # the title, as text; the labels are drawn as glyph outlines
    assert svg.count("<path") > 20


def test_a_text_that_looks_like_markup_stays_text():
    svg = chart(title="<script>alert(1)</script>", categories=["A & B <b>"], series=[("x", [1])])
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    ET.fromstring(svg)  # still well-formed


def _glyphs(svg: str) -> set[str]:
    return set(re.findall(r'id="by-module-([A-Za-z]+(?:-[A-Za-z]+)*-\d+)"', svg))


def test_dollar_signs_in_a_label_are_text_not_mathematics():
    # "CEC $#$" made matplotlib's mathtext parser fail (every page with the chart answered 500)
    svg = chart(categories=["CEC $#$", "$10 to $20"], series=[("Paid", [1, 2])], stacked=False)
    one = {"series": [("Paid", [1])], "stacked": False}
    dollar = _glyphs(chart(categories=["$ 1"], **one)) - _glyphs(chart(categories=[" 1"], **one))
    assert dollar and dollar <= _glyphs(svg)  # the dollar sign is drawn ...
    assert all(g.startswith("DejaVuSans-") and "Oblique" not in g for g in _glyphs(svg))  # ... and nothing italic


def test_odd_characters_in_labels_draw_a_chart():
    for text in ("\x00\x1f\x7f", "%s %(x)s {x}", "<b>&amp;</b>", "\u202e\u200b\ufeff", "\\frac{1}{2}", "_^", "\ud800"):
        svg = chart(categories=[text, "M2"], series=[(text, [1, 2])], stacked=False, title=text, description=text)
        assert ET.fromstring(svg).tag == f"{SVG}svg"
