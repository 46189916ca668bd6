"""Charts: figures in, SVG out. The same function draws a chart for the web page and for the newsletter PDF.

Drawn by matplotlib's SVG backend (no pyplot, no global state) with text as glyph outlines, so a chart looks
the same in any browser and in WeasyPrint whatever fonts the reader has: Chinese labels come from Noto Sans CJK
on the server (fonts-noto-cjk), Latin ones from DejaVu Sans. The SVG is then made fit to sit inside an HTML page
under a strict Content-Security-Policy: no <style> element and no style attributes (they become presentation
attributes), ids prefixed with the chart's own id so that several charts share a page, a <title> and a <desc>
(the text alternative) that the <svg role="img"> is labelled by, and a viewBox without a fixed size, so the
chart takes the width of its container.

A chart is a pure function of its arguments, which is why it is cached: the same figures draw once.
"""

from __future__ import annotations

import io
import re
import textwrap
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from functools import lru_cache

from matplotlib import font_manager, rc_context
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"

# Colours that stay apart for the colour-blind and in greyscale print; the first is the portal's SCORE blue.
PALETTE = ("#0b4f8a", "#e69f00", "#1a8a8a", "#cc79a7", "#56b4e9", "#6b6b6b")
TEXT = "#212529"
GRID = "#d9dee3"

_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]")
_PRESENTATION = {
    "fill",
    "fill-opacity",
    "fill-rule",
    "stroke",
    "stroke-width",
    "stroke-opacity",
    "stroke-linecap",
    "stroke-linejoin",
    "stroke-dasharray",
    "stroke-dashoffset",
    "stroke-miterlimit",
    "opacity",
    "clip-path",
    "font-family",
    "font-size",
    "font-weight",
    "font-style",
    "text-anchor",
}


@lru_cache(maxsize=1)
def _font_families() -> list[str]:
    """DejaVu Sans for Latin text, then the installed Noto Sans CJK face for what DejaVu lacks."""
    cjk = sorted({f.name for f in font_manager.fontManager.ttflist if f.name.startswith("Noto Sans CJK")})
    preferred = [name for name in ("Noto Sans CJK SC", "Noto Sans CJK JP") if name in cjk] or cjk[:1]
    return ["DejaVu Sans", *preferred]


def _wrap(label: str, width: int = 22) -> str:
    """Long category names on two or three lines; Chinese has no spaces, so it breaks by characters."""
    if _CJK.search(label):
        return "\n".join(label[i : i + 11] for i in range(0, len(label), 11))
    return "\n".join(textwrap.wrap(label, width=width)[:3]) or label


def _text_width(line: str) -> float:
    """About how wide a tick label is at 10 pt, in inches (CJK characters are about twice as wide)."""
    cjk = len(_CJK.findall(line))
    return 0.082 * (len(line) - cjk) + 0.145 * cjk


def _number(value: float, percent: bool) -> str:
    if percent:
        return f"{value:.0f} %"
    if float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.1f}"


# What XML 1.0 cannot carry (control characters but tab and newline, lone surrogates, U+FFFE/FFFF): a name typed
# with one would make the SVG unreadable.
_NOT_XML = re.compile("[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def _text(value) -> str:
    return _NOT_XML.sub("", str(value))


def bar_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | int | None]]],
    stacked: bool = False,
    percent: bool = False,
) -> str:
    """A horizontal bar chart (categories top to bottom, one bar per series, or stacked) as SVG markup.

    ``series`` is ``[(label, values), ...]`` with one value per category (None counts as 0). ``percent``
    draws a 0 to 100 axis and labels values with a % sign. The markup is trusted: every text in it is
    escaped or drawn as outlines.
    """
    return _bar_chart(
        chart_id=re.sub(r"[^A-Za-z0-9_-]", "-", chart_id),
        title=_text(title),
        description=_text(description),
        categories=tuple(_text(c) for c in categories),
        series=tuple((_text(label), tuple(float(v or 0) for v in values)) for label, values in series),
        stacked=stacked,
        percent=percent,
    )


@lru_cache(maxsize=256)
def _bar_chart(*, chart_id, title, description, categories, series, stacked, percent) -> str:
    n = max(len(categories), 1)
    rows_per_category = 1 if stacked or len(series) == 1 else len(series)
    labels = [_wrap(c) for c in categories]
    lines = max((label.count("\n") + 1 for label in labels), default=1)
    legend = len(series) > 1
    # The layout is computed here rather than by matplotlib's tight layout, which draws the chart twice more.
    width = 6.4
    row_height = max(0.26 * rows_per_category + 0.18, 0.2 * lines + 0.12)
    left = min(max((_text_width(line) for label in labels for line in label.split("\n")), default=0.5) + 0.2, 2.6)
    right = 0.55
    legend_left, legend_columns = _legend_layout([label for label, _values in series], left / width, width)
    legend_rows = -(-len(series) // legend_columns) if legend else 0
    top = 0.42 + 0.2 * (legend_rows - 1) if legend else 0.12
    bottom = 0.34
    height = top + bottom + n * row_height

    with _chart_rc():
        fig = Figure(figsize=(width, height), dpi=72)
        FigureCanvasSVG(fig)
        fig.subplots_adjust(left=left / width, right=1 - right / width, top=1 - top / height, bottom=bottom / height)
        ax = fig.add_subplot()
        positions = list(range(n))
        bar_height = 0.7 / rows_per_category
        lefts = [0.0] * n
        maximum = 0.0
        for i, (label, values) in enumerate(series):
            values = list(values) + [0.0] * (n - len(values))
            if stacked:
                y = positions
            else:
                offset = (i - (rows_per_category - 1) / 2) * bar_height if rows_per_category > 1 else 0
                y = [p + offset for p in positions]
            bars = ax.barh(
                y,
                values,
                height=bar_height if not stacked else 0.7,
                left=lefts if stacked else 0,
                color=PALETTE[i % len(PALETTE)],
                label=label,
            )
            if stacked:
                lefts = [a + b for a, b in zip(lefts, values, strict=True)]
                maximum = max([maximum, *lefts])
            else:
                maximum = max([maximum, *values])
                ax.bar_label(bars, labels=[_number(v, percent) for v in values], padding=3, color=TEXT, fontsize=9)
        if stacked:
            totals = ax.barh(positions, [0] * n, left=lefts, height=0.7, color="none")
            ax.bar_label(totals, labels=[_number(v, percent) for v in lefts], padding=3, color=TEXT, fontsize=9)

        ax.set_yticks(positions, labels)
        ax.set_ylim(n - 0.5, -0.5)
        ax.set_xlim(0, (100.0 if percent else (maximum or 1.0)) * (1.12 if percent else 1.15))
        ax.xaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: _number(v, percent)))
        ax.grid(axis="x", color=GRID, linewidth=0.8)
        ax.set_axisbelow(True)
        for side in ("top", "right", "bottom"):
            ax.spines[side].set_visible(False)
        ax.spines["left"].set_color("#6c757d")
        ax.tick_params(axis="both", length=0, colors=TEXT, labelsize=10)
        if legend:
            fig.legend(
                loc="upper left",
                bbox_to_anchor=(legend_left, 1.0),
                ncols=legend_columns,
                frameon=False,
                fontsize=9,
                handlelength=1.2,
                columnspacing=1.2,
            )
        out = io.StringIO()
        fig.savefig(out, format="svg", metadata={"Date": None, "Creator": None, "Format": None, "Type": None})
    return _for_html(out.getvalue(), chart_id=chart_id, title=title, description=description)


def _legend_layout(labels: list[str], axes_left: float, width: float) -> tuple[float, int]:
    """Where the legend starts (a fraction of the width) and how many entries a row: in one row above the bars
    when it fits there, else from the chart's left edge, else on as many rows as it takes (a legend that runs
    off the chart loses its last entries)."""

    def entry(label: str) -> float:  # handle, gap, 9 pt text, column spacing, in inches
        return 0.15 + 0.1 + 0.9 * _text_width(label) + 0.15

    for start in (axes_left - 0.01, 0.01):
        if sum(entry(label) for label in labels) <= width * (1 - start) - 0.1:
            return start, max(len(labels), 1)
    columns = max(len(labels), 1)
    while columns > 1 and max(entry(label) for label in labels) * columns > width * 0.98 - 0.1:
        columns -= 1
    while columns > 1 and sum(sorted((entry(label) for label in labels), reverse=True)[:columns]) > width * 0.98:
        columns -= 1
    return 0.01, columns


def _chart_rc():
    """The chart settings, applied only while a chart is drawn (matplotlib's own rc_context restores them after).

    ``text.parse_math`` off: a label is the user's text, never mathtext (``CEC $#$`` failed to parse and every
    page with the chart answered 500; ``$10 to $20`` came out in italics)."""
    return rc_context({**CHART_SETTINGS, "font.family": _font_families()})  # a list: glyph-by-glyph fallback


CHART_SETTINGS = {
    "svg.fonttype": "path",
    "svg.hashsalt": "score-portal",
    "font.size": 10,
    "axes.edgecolor": "#6c757d",
    "axes.labelcolor": TEXT,
    "text.color": TEXT,
    "text.parse_math": False,
}


def _for_html(svg: str, *, chart_id: str, title: str, description: str) -> str:
    root = ET.fromstring(svg)
    for name in ("width", "height"):
        root.attrib.pop(name, None)
    root.set("class", "chart-svg")
    root.set("role", "img")
    root.set("aria-labelledby", f"{chart_id}-title {chart_id}-desc")
    root.set("stroke-linejoin", "round")
    root.set("stroke-linecap", "butt")

    parents = {child: parent for parent in root.iter() for child in parent}
    for element in list(root.iter()):
        tag = element.tag.rsplit("}", 1)[-1]
        if tag in ("style", "metadata"):
            parents[element].remove(element)
            continue
        style = element.attrib.pop("style", "")
        for declaration in style.split(";"):
            prop, _, value = declaration.partition(":")
            prop, value = prop.strip(), value.strip()
            if prop in _PRESENTATION and value:
                element.set(prop, value)
        if "id" in element.attrib:
            element.set("id", f"{chart_id}-{element.get('id')}")
        href = element.attrib.pop(f"{{{XLINK_NS}}}href", None) or element.attrib.pop("href", None)
        if href:
            element.set("href", f"#{chart_id}-{href[1:]}" if href.startswith("#") else href)
        clip = element.get("clip-path")
        if clip and clip.startswith("url(#"):
            element.set("clip-path", f"url(#{chart_id}-{clip[5:]}")

    title_el = ET.Element(f"{{{SVG_NS}}}title", {"id": f"{chart_id}-title"})
    title_el.text = title
    desc_el = ET.Element(f"{{{SVG_NS}}}desc", {"id": f"{chart_id}-desc"})
    desc_el.text = description
    root.insert(0, desc_el)
    root.insert(0, title_el)
    # Plain <svg>, <path>, ... with one xmlns, whatever prefixes other code registered with ElementTree.
    for element in root.iter():
        element.tag = element.tag.rsplit("}", 1)[-1]
    root.set("xmlns", SVG_NS)
    return ET.tostring(root, encoding="unicode")
