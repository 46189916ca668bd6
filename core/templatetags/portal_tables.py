"""The rows of a django-tables2 table written in Python (``{% table_rows table %}``).

django-tables2's template writes each cell through the template engine: a ``{% for %}`` over the columns, three
``{% if %}`` on the column's ``localize`` and two attribute look-ups, for every cell of the page; at 50 rows of
8 columns that is a fifth of a list page's time. This writes the same HTML, cell by cell, from the same
django-tables2 calls (``row.items()``, ``column.attrs["td"]``, ``row.attrs``), as ``{{ cell }}``,
``{{ cell|localize }}`` and ``{{ cell|unlocalize }}`` would write it. ``templates/django_tables2/portal.html``
uses it in place of the library's ``table.tbody`` block.

One thing more than the library: each cell carries its column's heading as ``data-label``. Below 576 px a row
is a card (``static/css/portal.css``), one cell under another, each after its heading
(``td::before { content: attr(data-label) }``), so no cell, and no action, is out of a phone's screen.
"""

from __future__ import annotations

from django import template
from django.utils.formats import localize
from django.utils.html import conditional_escape, format_html, strip_tags
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime

register = template.Library()

# Read on every table: bench/pieces.py turns it off to time a page with django-tables2's own ``tbody`` block
# (``templates/django_tables2/portal.html`` then renders its parent's). Never switched off in the portal itself.
ROWS_IN_PYTHON = True


@register.simple_tag
def rows_in_python() -> bool:
    return ROWS_IN_PYTHON


def _attrs(attrs) -> str:
    return attrs.as_html() if hasattr(attrs, "as_html") else ""


def _cell(column, cell) -> str:
    if column.localize is None or column.localize:  # what {{ cell }} and {{ cell|localize }} write
        return conditional_escape(localize(template_localtime(cell)))
    return conditional_escape(template_localtime(cell))  # {{ cell|unlocalize }}: the value as it is


def _label(column) -> str:
    """The column's heading as the text of a ``data-label`` attribute (a heading may carry markup)."""
    text = " ".join(strip_tags(str(column.header)).split())
    return format_html(' data-label="{}"', text) if text else ""


@register.simple_tag
def table_rows(table):
    parts = [f"<tbody {_attrs(table.attrs.get('tbody'))}>"]
    labels = {column.name: _label(column) for column in table.columns}
    for row in table.paginated_rows:
        parts.append(f"<tr {row.attrs.as_html()}>")
        parts.extend(
            f"<td {column.attrs['td'].as_html()}{labels[column.name]}>{_cell(column, cell)}</td>"
            for column, cell in row.items()
        )
        parts.append("</tr>")
    if not parts[1:] and table.empty_text:
        parts.append(format_html('<tr><td colspan="{}">{}</td></tr>', len(table.columns), table.empty_text))
    parts.append("</tbody>")
    return mark_safe("\n".join(parts))  # noqa: S308 - every piece above is escaped or django-tables2's attrs
