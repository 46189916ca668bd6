"""Nothing lost on a phone: at 390 x 844, on every page of every role, in English and in Chinese, every
visible link, button and form control lies inside the viewport (issue 20 §3).

A table that scrolls inside its own box does not make the page scroll sideways (test_every_page.py checks
that), yet the row's "Edit" or "Remove" hidden on the right of that box is out of reach for a person who does
not know the box scrolls. Here the box does not count: an element whose box reaches left of 0 or right of
390 px is reported, wherever it sits. The pages are the every-page check's (home, the navigation's pages, the
first record and the "new" page under each), found once per role; the demo loaded once, one browser context
per role and language, its page reused.
"""

from __future__ import annotations

import json

import pytest

from tests.foundation.test_every_page import LANGUAGES, PHONE, ROLES, demo, new_page, pages_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

__all__ = ["demo"]  # the demo accounts' fixture, shared with the every-page check

# The controls a person uses, when the browser draws them (a collapsed menu, a closed <details>, a hidden
# input are not drawn). A control made invisible on purpose but kept for screen readers (Bootstrap's
# visually-hidden: 1 px, clipped) is left out too, and so is a bots' trap (aria-hidden, off the screen).
OUTSIDE = """() => {
  const width = document.documentElement.clientWidth;
  const seen = [...document.querySelectorAll("a[href], button, input, select, textarea, summary")].filter(e => {
    if (e.type === "hidden" || !e.getClientRects().length || e.closest("[aria-hidden=true]")) { return false; }
    const style = getComputedStyle(e);
    if (style.visibility === "hidden") { return false; }
    const box = e.getBoundingClientRect();
    if (box.width <= 1 && box.height <= 1) { return false; }
    return box.left < -1 || box.right > width + 1;
  });
  return seen.slice(0, 4).map(e => {
    const box = e.getBoundingClientRect();
    const text = (e.innerText || e.value || e.name || e.getAttribute("aria-label") || "").trim().slice(0, 30);
    return `${e.tagName.toLowerCase()} "${text}" at ${Math.round(box.left)}..${Math.round(box.right)} px`;
  }).concat(seen.length > 4 ? [`and ${seen.length - 4} more`] : []);
}"""


def test_every_control_of_every_page_is_inside_a_phones_screen(browser, live_server, demo):
    problems: dict[str, list[str]] = {}
    views = 0
    for role in ROLES:
        role = getattr(role, "values", [role])[0]
        for language in LANGUAGES:
            page = new_page(browser, live_server, role, PHONE, language)
            if language == LANGUAGES[0]:
                paths = pages_of(page)  # the navigation's links are there, folded, on a phone too
            for path in paths:
                views += 1
                response = page.goto(path)
                if response is None or response.status >= 400:
                    problems[f"{role} {language} {path}"] = [f"answered {response.status if response else 'nothing'}"]
                    continue
                outside = page.evaluate(OUTSIDE)
                if outside:
                    problems[f"{role} {language} {path}"] = outside
            page.context.close()
    assert not problems, f"{len(problems)} of {views} page views with controls outside the screen:\n" + (
        json.dumps(problems, indent=1, ensure_ascii=False)
    )
