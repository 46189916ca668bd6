"""The navigation bar: one list of links per role, built in one place."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core import roles
from score_portal.dashboard import review_queue_count


@dataclass(frozen=True)
class NavLink:
    label: str
    url_name: str
    args: tuple = ()
    counted: bool = False  # shows the number of results awaiting the user's review

    @property
    def url(self) -> str:
        return reverse(self.url_name, args=self.args)


@dataclass(frozen=True)
class NavMenu:
    """Links an officer opens now and then (the programme's setup), behind one entry so the bar keeps one row."""

    label: str
    links: tuple[NavLink, ...]


NEWSLETTER = NavLink(_("Newsletter"), "newsletters:dashboard")
OFFICER = [
    NavLink(_("Rounds"), "programmes:round_list"),
    NavLink(_("Enterprises"), "enterprises:enterprise_list"),
    NavLink(_("Results"), "results:result_list"),
    NavLink(_("To review"), "results:review_queue", counted=True),
    NavLink(_("Trainers"), "trainers:trainer_list"),
    NavLink(_("Figures"), "figures"),
    NEWSLETTER,
    NavMenu(
        _("Programme setup"),
        (
            NavLink(_("Organisations"), "programmes:organisation_list"),
            NavLink(_("Countries"), "programmes:country_list"),
            NavLink(_("KPI catalogue"), "results:kpi_list"),
            NavLink(_("People"), "people:person_list"),
        ),
    ),
]
PARTNER = [
    NavLink(_("Rounds"), "programmes:round_list"),
    NavLink(_("Enterprises"), "enterprises:enterprise_list"),
    NavLink(_("Results"), "results:result_list"),
    NavLink(_("Import results"), "results:import_start"),
    NavLink(_("Figures"), "figures"),
]
TRAINER = [
    NavLink(_("Rounds"), "programmes:round_list"),
    NavLink(_("Enterprises"), "enterprises:enterprise_list"),
    NavLink(_("Results"), "results:result_list"),
]
EDITOR = [
    NEWSLETTER,
    NavLink(_("News"), "newsletters:record_list", ("news",)),
    NavLink(_("Events"), "newsletters:record_list", ("events",)),
    NavLink(_("Expert comments"), "newsletters:record_list", ("comments",)),
]
PUBLIC = [NavLink(_("Newsletter archive"), "newsletters:archive")]


def nav_links(user, path: str = "") -> list[dict]:
    """The links the user's roles give, menus holding theirs (``children``); the current page's link is marked
    active, and so is the menu that holds it."""
    links: list[NavLink | NavMenu] = []
    if roles.is_officer(user):
        links += OFFICER  # officers open the editors' pages too, from the newsletter's own page
    else:
        if roles.is_partner(user):
            links += PARTNER
        elif roles.is_trainer(user):
            links += TRAINER
        if roles.is_editor(user):
            links += EDITOR
    if not any(link == NEWSLETTER for link in links):  # the newsletter's own pages link the archive
        links += PUBLIC
    seen: set[str] = set()

    def item(link: NavLink) -> dict | None:
        url = link.url
        if url in seen:
            return None
        seen.add(url)
        count = review_queue_count(user) if link.counted else 0
        return {"label": link.label, "url": url, "active": False, "count": count}

    out, pages = [], []
    for link in links:
        if isinstance(link, NavMenu):
            children = [child for child in map(item, link.links) if child]
            out.append({"label": link.label, "children": children, "active": False})
            pages += [(child, out[-1]) for child in children]
        elif entry := item(link):
            out.append(entry)
            pages.append((entry, None))
    # The current page belongs to the link with the longest matching prefix (/results/import/ is "Import").
    matching = [(entry, menu) for entry, menu in pages if path.startswith(entry["url"])]
    if matching:
        entry, menu = max(matching, key=lambda pair: len(pair[0]["url"]))
        entry["active"] = True
        if menu:
            menu["active"] = True
    return out


def current_link(links: list[dict]) -> dict | None:
    """The link of the current page among ``nav_links``' entries (inside its menu, if it sits in one), or None."""
    for entry in links:
        for link in entry.get("children", [entry]):
            if link["active"]:
                return link
    return None
