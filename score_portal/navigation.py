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


OFFICER = [
    NavLink(_("Rounds"), "programmes:round_list"),
    NavLink(_("Enterprises"), "enterprises:enterprise_list"),
    NavLink(_("Results"), "results:result_list"),
    NavLink(_("To review"), "results:review_queue", counted=True),
    NavLink(_("Trainers"), "trainers:trainer_list"),
    NavLink(_("Organisations"), "programmes:organisation_list"),
    NavLink(_("Countries"), "programmes:country_list"),
    NavLink(_("KPI catalogue"), "results:kpi_list"),
    NavLink(_("Figures"), "figures"),
    NavLink(_("People"), "people:person_list"),
    NavLink(_("Newsletter"), "newsletters:dashboard"),
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
    NavLink(_("Newsletter"), "newsletters:dashboard"),
    NavLink(_("News"), "newsletters:record_list", ("news",)),
    NavLink(_("Events"), "newsletters:record_list", ("events",)),
    NavLink(_("Expert comments"), "newsletters:record_list", ("comments",)),
]
PUBLIC = [NavLink(_("Newsletter archive"), "newsletters:archive")]


def nav_links(user, path: str = "") -> list[dict]:
    """The links the user's roles give, the one for the current page marked active."""
    links: list[NavLink] = []
    if roles.is_officer(user):
        links += OFFICER  # officers open the editors' pages too, from the newsletter's own page
    else:
        if roles.is_partner(user):
            links += PARTNER
        elif roles.is_trainer(user):
            links += TRAINER
        if roles.is_editor(user):
            links += EDITOR
    links += PUBLIC
    seen, out = set(), []
    for link in links:
        url = link.url
        if url not in seen:
            seen.add(url)
            count = review_queue_count(user) if link.counted else 0
            out.append({"label": link.label, "url": url, "active": False, "count": count})
    # The current page belongs to the link with the longest matching prefix (/results/import/ is "Import").
    matching = [item for item in out if path.startswith(item["url"])]
    if matching:
        max(matching, key=lambda item: len(item["url"]))["active"] = True
    return out
