"""The edit token a page's form carries (core/editing.py): a test posts it as the browser would; a post
without it is stale."""

import html
import re


def page_token(client, url: str, prefix: str = "", name: str = "edit_token") -> dict[str, str]:
    """``{"<prefix>-edit_token": value}`` of the form on the page at ``url``, as the browser would post it."""
    name = f"{prefix}-{name}" if prefix else name
    page = client.get(url).content.decode()
    match = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', page)
    assert match, f"no {name} on {url}"
    value = re.search(r'value="([^"]*)"', match.group(0))
    return {name: html.unescape(value.group(1)) if value else ""}
