"""Many requests at once, each in its own thread with its own test client and database connection."""

from __future__ import annotations

import html
import re
import threading
from collections.abc import Callable
from html.parser import HTMLParser

from django.db import connection
from django.test import Client


def post_at_once(user, url: str, data: Callable[[int], dict], n: int = 10) -> list:
    """The same form posted by ``n`` clients of ``user`` at the same moment (a double click in many tabs).

    Each thread waits at a barrier, then posts; a server error comes back as a 500 response instead of
    being raised. Each thread closes its own database connection at the end."""
    clients = []
    for _i in range(n):
        client = Client(raise_request_exception=False)
        client.force_login(user)
        clients.append(client)
    barrier = threading.Barrier(n)
    responses: list = [None] * n
    errors: list = []

    def run(i: int) -> None:
        try:
            body = data(i)
            barrier.wait(timeout=30)
            responses[i] = clients[i].post(url, body)
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    return responses


def _main_text(page: str) -> str:
    text = " ".join(re.sub(r"<[^>]+>", " ", page.split("<main", 1)[-1]).split())
    return " | ".join(re.findall(r".{0,80}(?:already|valid|error|exists).{0,80}", text)) or text[:1500]


def refused_or_redirected(responses, *messages: str) -> None:
    """One response is the record's page (a redirect), every other one the form again saying why (one of
    ``messages``: what the form says depends on whether the first was committed when it was checked);
    never a 500."""
    statuses = sorted(r.status_code for r in responses)
    assert all(s < 500 for s in statuses), statuses
    redirects = [r for r in responses if r.status_code == 302]
    assert len(redirects) == 1, statuses
    for r in responses:
        if r.status_code != 302:
            assert r.status_code in (200, 400), statuses
            page = html.unescape(r.content.decode())
            assert any(m in page for m in messages), (r.status_code, _main_text(page))


class _FormReader(HTMLParser):
    """The values a browser would send for the page's form whose action ends with ``action`` (or its
    largest form when ``action`` is None)."""

    def __init__(self, action: str | None, page: str):
        super().__init__(convert_charrefs=True)
        self.action, self.page, self.inside, self.forms = action, page, False, []
        self.select: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("method", "get").lower() == "post":
            self.inside = self.action is None or (a.get("action") or self.page).endswith(self.action)
            if self.inside:
                self.forms.append({})
        if not self.inside:
            return
        data = self.forms[-1]
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    data.setdefault(name, []).append(a.get("value", "on"))
            elif kind not in ("submit", "button", "file"):
                data.setdefault(name, []).append(a.get("value", ""))
        elif tag == "select" and name:
            self.select = name
            data.setdefault(name, [])
        elif tag == "option" and self.select and "selected" in a:
            data[self.select].append(a.get("value", ""))
        elif tag == "textarea" and name:
            self.textarea = name
            data[name] = [""]

    def handle_data(self, text):
        if self.inside and self.textarea:
            self.forms[-1][self.textarea][0] += text

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "textarea":
            if self.textarea:
                value = self.forms[-1][self.textarea][0]
                self.forms[-1][self.textarea][0] = value[1:] if value.startswith("\n") else value
            self.textarea = None
        elif tag == "form":
            self.inside = False


def form_values(response, action: str | None = None) -> dict:
    """The form of a page as a browser would post it untouched: {name: value or [values]}."""
    reader = _FormReader(action, response.request["PATH_INFO"])
    reader.feed(response.content.decode())
    assert reader.forms, f"no POST form with action {action!r}"
    found = reader.forms[-1] if action else max(reader.forms, key=len)
    return {k: v[0] if len(v) == 1 else v for k, v in found.items() if k != "csrfmiddlewaretoken"}
