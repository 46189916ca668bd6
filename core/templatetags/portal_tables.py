"""The rows of a django-tables2 table written in Python (``{% table_rows table %}``).

django-tables2's template writes each cell through the template engine: a ``{% for %}`` over the columns, three
``{% if %}`` on the column's ``localize`` and two attribute look-ups, for every cell of the page; at 50 rows of
8 columns that is a fifth of a list page's time. For every cell the library also reads the signature of the
column's ``render`` (``inspect.signature``: a fifth of the rounds list at 100,000 enterprises) and computes the
column's ``th``, ``td`` and footer attributes with their classes (``column.attrs["td"]``). This writes the same
HTML, as ``{{ cell }}``, ``{{ cell|localize }}`` and ``{{ cell|unlocalize }}`` would write it, with what every
cell of a column needs worked out once per table (``_Column``; ``core.tables.Cell`` makes each cell's content
as django-tables2 does, calling ``render`` with the arguments it names) and the row's attributes from
``row.attrs``. ``templates/django_tables2/portal.html`` uses it in place of the library's ``table.tbody`` block.

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

from core.tables import EMPTY, Cell

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


def _holds_callables(attrs) -> bool:
    return any(callable(v) or (isinstance(v, dict) and _holds_callables(v)) for v in attrs.values())


class _Column:
    """What every cell of a column needs, worked out once per table: how its content is made (``core.tables.Cell``:
    django-tables2's value, empty values, default, ``render`` called with the arguments it names, the link),
    its ``td`` attributes (made once, unless they hold callables: then for each cell, from its record and
    content, as django-tables2 does) and its heading as ``data-label``."""

    def __init__(self, table, bound_column):
        self.bound_column, self.localize = bound_column, bound_column.localize
        self.cell = Cell(table, bound_column, bound_column.render)
        self.link = bound_column.link
        attrs = {**table.attrs, **bound_column.column.attrs}  # as BoundColumn.attrs merges them
        self.td = (
            None if _holds_callables(attrs.get("td", attrs.get("cell", {}))) else bound_column.attrs["td"].as_html()
        )
        self.label = _label(bound_column)

    def content(self, row):
        """The cell's content, as django-tables2's ``BoundRow.get_cell``."""
        cell, record = self.cell, row.record
        if cell.library:
            return row.get_cell(cell.name)
        value = cell.value(record)
        if value is EMPTY:
            return self.bound_column.default
        content = cell.call(value, record, row)
        if self.link:
            content = self.link(content, **cell.arguments(value, record, row))
        return content

    def html(self, row) -> str:
        content = self.content(row)
        # as row.items() leaves them: callables in the attributes are given the row's record and the content
        self.bound_column.current_value, self.bound_column.current_record = content, row.record
        td = self.bound_column.attrs["td"].as_html() if self.td is None else self.td
        return f"<td {td}{self.label}>{_cell(self, content)}</td>"


@register.simple_tag
def table_rows(table):
    parts = [f"<tbody {_attrs(table.attrs.get('tbody'))}>"]
    columns = [_Column(table, bound_column) for bound_column in table.columns]
    for row in table.paginated_rows:
        parts.append(f"<tr {row.attrs.as_html()}>")
        parts.extend(column.html(row) for column in columns)
        parts.append("</tr>")
    if not parts[1:] and table.empty_text:
        parts.append(format_html('<tr><td colspan="{}">{}</td></tr>', len(table.columns), table.empty_text))
    parts.append("</tbody>")
    return mark_safe("\n".join(parts))  # noqa: S308 - every piece above is escaped or django-tables2's attrs
