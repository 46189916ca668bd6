"""A record's text in the portal's two languages: a field ``<name>`` in English and ``<name>_zh`` in Chinese."""

from __future__ import annotations

from django.utils.translation import get_language


def chinese_active() -> bool:
    """Records with a name in each language show the Chinese one while the portal speaks Chinese."""
    return (get_language() or "").startswith("zh")


def localised(record, field: str) -> str:
    """`record.<field>_zh` while Chinese is active and it is filled in, else `record.<field>`."""
    return (getattr(record, f"{field}_zh") if chinese_active() else "") or getattr(record, field)


def translated(record, *fields: str) -> bool:
    """Each of `fields` that has an English text has its `<field>_zh` too (an empty field needs none)."""
    return all(getattr(record, f"{field}_zh") or not getattr(record, field) for field in fields)
