"""Load the demo programmes: SCORE China 2014 from ``demo/score_china_2014.yaml``, as the programme's documents tell
it, then SCORE Viet Nam from ``demo/score_vietnam.yaml``, a smaller programme whose records are invented (its country
is marked ``illustrative``, and its pages say so). Each file is loaded in turn by the same loader: a row without a
``country`` belongs to its own file's first programme, and its results are approved by its own file's first officer.

Every record is found by its natural key and updated in place, so loading twice changes nothing.
The demo sits above the four apps: it is the one piece of the project that writes to all of them.

Country programmes and their regions go through ``programmes.services`` (``country_create``, ``country_update``,
``region_add``): they have no past to load, only their present state, so the live path fits. The rest it
writes as rows itself rather than through the services, because it loads a programme as it stood when it
ended (rounds completed, results approved, issues published), idempotently by natural key, while the
services model the live workflow from its start (a round is planned, then moves on; a result is a partner's
draft, submitted, then approved, with e-mails to the people concerned). What it keeps on every row: the
model's validation (``full_clean``) and every database constraint; photos go through the upload service
(``photos.photo_create``: checked and cleaned) and issues through ``newsletters.services.issues_publish_demo``
(assembled, rendered and published as newsletters does it). The rules it may skip, exactly, and why:

- A round's life (``programmes.services.round_transition``): a round is stored with the status it ended with
  in 2014; the steps in between are not walked (they happened before the portal).
- The programme rules of ``round_validate`` (a licensed provider's rounds inside a licence, costs within the
  total) at load time: the file is the programme's record; the database constraints on costs still hold.
- The qualified-trainer rule (``trainers.services.round_trainer_check``) and 'Module 1 first'
  (``enterprises.services.participation_validate``): the 2014 records are loaded as they were; where they
  broke 'Module 1 first' the file gives the exception's reason (``module_order_exception``).
- The result workflow (``enterprises.results.services.result_transition``): results are stored approved, and
  their trail (submitted, approved) is written with the 2014 dates and people, without the e-mails a live
  step sends (they would go to the demo's accounts about events long past).
- The KPI catalogue's case-insensitive name check (``kpi_save``): the file's KPI names are distinct.
- The edit-version claim (``core.editing.edit_version_claim``): a load is a command, not a page that someone
  opened; it never writes over a page's save in the same request.
- The people services (``people.services``): demo accounts (password 'demo', DEBUG only) get their group,
  membership or trainer account directly, with no invitation e-mail and no ``PersonChange`` entry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import yaml
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.exceptions import ImproperlyConfigured
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from core import roles
from core.translated import i18n_key
from enterprises import services as enterprise_services
from enterprises.derived import round_enterprises
from enterprises.models import KPI, Enterprise, KPILine, Participation, Photo, PhotoPair, Result, ResultStep
from enterprises.results import photos
from newsletters.models import Event, ExpertComment, Issue, Masthead, NewsItem
from programmes import services as programme_services
from programmes.models import (
    Agreement,
    Country,
    CountryAssignment,
    Module,
    Organisation,
    PartnerMembership,
    TrainingRound,
)
from trainers.models import Qualification, RoundTrainer, Trainer, TrainerAccount

DEMO_DIR = settings.BASE_DIR / "demo"
DEMO_FILE = DEMO_DIR / "score_china_2014.yaml"
VIETNAM_FILE = DEMO_DIR / "score_vietnam.yaml"
DEMO_FILES = (DEMO_FILE, VIETNAM_FILE)
DEMO_PASSWORD = "demo"
ROLE_GROUP = roles.ROLE_GROUP


def demo_accounts(paths: Sequence[Path] = DEMO_FILES) -> list[dict]:
    """The demo's accounts that exist here (for the login page in debug mode): user name, role, organisation."""
    rows = []
    for path in paths:
        with path.open(encoding="utf-8") as fh:
            rows += yaml.safe_load(fh).get("accounts", [])
    existing = set(
        User.objects.filter(username__in=[r["username"] for r in rows], is_active=True).values_list(
            "username", flat=True
        )
    )
    return [
        {
            "username": r["username"],
            "role": roles.Role(r["role"]).label,
            "of": r.get("organisation") or r.get("trainer", ""),
            "password": DEMO_PASSWORD,
        }
        for r in rows
        if r["username"] in existing
    ]


def _texts(row: dict, *fields: str) -> dict[str, str]:
    """The optional text fields of a YAML row, empty where the row has none."""
    return {name: row.get(name, "") for name in fields}


def _i18n(row: dict, *fields: str) -> dict[str, dict]:
    """A YAML row's texts in other languages, as the record's ``i18n`` keeps them (core/translated.py): a
    ``<field>_zh`` key is the field in Simplified Chinese (the seeds' own spelling), and ``translations:`` gives any
    language, ``{vi: {title: ...}}``."""
    texts: dict[str, dict[str, str]] = {"zh-hans": {f: row.get(f"{f}_zh", "") for f in fields}}
    for language, given in (row.get("translations") or {}).items():
        texts.setdefault(language, {}).update({f: given.get(f, "") for f in fields if f in given})
    return {"i18n": {i18n_key(f, language): t for language, by in texts.items() for f, t in by.items() if t}}


@dataclass
class DemoReport:
    created: dict[str, int] = field(default_factory=dict)

    def count(self, label: str, created: bool) -> None:
        if created:
            self.created[label] = self.created.get(label, 0) + 1

    def created_count(self, label: str, n: int) -> None:
        if n:
            self.created[label] = self.created.get(label, 0) + n


class _Loader:
    def __init__(self, data: dict, report: DemoReport):
        self.data = data
        self.report = report
        self.orgs: dict[str, Organisation] = {}
        self.rounds: dict[str, TrainingRound] = {}
        self.round_attendance: dict[str, dict] = {}
        self.modules = {m.code: m for m in Module.objects.all()}
        self.country_by_code: dict[str, Country] = {}

    def country(self, row: dict) -> Country:
        """A record's country programme: its row's ``country`` (an ISO code), else the file's first programme."""
        return self.country_by_code[row.get("country") or self.data["countries"][0]["code"]]

    def works_in(self, obj, row: dict) -> None:
        """An organisation's or a trainer's ``countries`` (ISO codes), else the file's first programme."""
        codes = row.get("countries") or [self.data["countries"][0]["code"]]
        obj.countries.set([self.country_by_code[code] for code in codes])

    def upsert(self, model, lookup: dict, defaults: dict):
        obj, created = model.objects.get_or_create(**lookup, defaults=defaults)
        if not created:
            changed = [k for k, v in defaults.items() if getattr(obj, k) != v]
            if changed:
                for k in changed:
                    setattr(obj, k, defaults[k])
                obj.full_clean()
                obj.save(update_fields=changed)
        else:
            obj.full_clean()
        self.report.count(model._meta.verbose_name_plural, created)
        return obj

    def countries(self):
        """Each country programme created, or brought up to date, through the services; regions added once."""
        for row in self.data.get("countries", []):
            fields = {
                "name": row["name"],
                "time_zone": row["time_zone"],
                "currency": row["currency"],
                "languages": list(row["languages"]),
                "illustrative": bool(row.get("illustrative", False)),
                **{name: row.get("office", {}).get(name, "") for name in Country.OFFICE_FIELDS},
            }
            country = Country.objects.filter(code=row["code"]).first()
            self.report.count("country programmes", country is None)
            if country is None:
                country = programme_services.country_create(code=row["code"], **fields)
            elif changed := {name: value for name, value in fields.items() if getattr(country, name) != value}:
                country = programme_services.country_update(country=country, **changed)
            self.country_by_code[country.code] = country
            known = {name.casefold() for name in country.regions.values_list("name", flat=True)}
            for region in row.get("regions", []):
                if region["name"].casefold() not in known:
                    programme_services.region_add(country=country, name=region["name"], kind=region["kind"])
                    self.report.count("regions", True)

    def organisations(self):
        for row in self.data.get("organisations", []):
            org = self.upsert(
                Organisation,
                {"name": row["name"]},
                {
                    "short_name": row.get("short", ""),
                    "kind": row["kind"],
                    "province": row.get("province", ""),
                    "city": row.get("city", ""),
                    "website": row.get("website", ""),
                    "notes": row.get("notes", ""),
                },
            )
            self.works_in(org, row)
            self.orgs[row.get("short") or row["name"]] = org
        for row in self.data.get("organisations", []):
            if row.get("parent"):
                org = self.orgs[row.get("short") or row["name"]]
                parent = self.orgs[row["parent"]]
                if org.parent_id != parent.pk:
                    org.parent = parent
                    org.save(update_fields=["parent"])

    def agreements(self):
        for row in self.data.get("agreements", []):
            self.upsert(
                Agreement,
                {"organisation": self.orgs[row["organisation"]], "kind": row["kind"], "start": row["start"]},
                {
                    "country": self.country(row),
                    "signed_on": row["signed_on"],
                    "end": row.get("end"),
                    "territory": row.get("territory", ""),
                    "notes": row.get("notes", ""),
                },
            )

    def training_rounds(self):
        for row in self.data.get("rounds", []):
            rnd = self.upsert(
                TrainingRound,
                {
                    "module": self.modules[row["module"]],
                    "kind": row["kind"],
                    "organiser": self.orgs[row["organiser"]],
                    "city": row["city"],
                    "start": row["start"],
                },
                {
                    "country": self.country(row),
                    "province": row["province"],
                    "end": row["end"],
                    "status": row["status"],
                    "notes": row.get("notes", ""),
                    **self.round_cost(row.get("cost")),
                },
            )
            rnd.co_organisers.set([self.orgs[s] for s in row.get("co_organisers", [])])
            self.rounds[row["key"]] = rnd
            self.round_attendance[row["key"]] = dict(row.get("attendance", {}))

    COST_KEYS = {
        "total": "cost_total",
        "enterprises": "paid_by_enterprises",
        "partners": "paid_by_partners",
        "sponsors": "paid_by_sponsors",
        "ilo": "paid_by_ilo",
    }

    def round_cost(self, cost: dict | None) -> dict:
        """A round's cost as the YAML gives it (marked ``illustrative``: the documents give no costs)."""
        if not cost:
            return {}
        return {field: Decimal(str(cost.get(key, 0))) for key, field in self.COST_KEYS.items()}

    def trainers(self):
        self.trainer_by_name: dict[str, Trainer] = {}
        for row in self.data.get("trainers", []):
            org = self.orgs.get(row.get("organisation"))
            trainer = self.upsert(
                Trainer,
                {"name": row["name"], "organisation": org},
                {
                    "sex": row.get("sex", ""),
                    "role": row["role"],
                    "position": row.get("position", ""),
                    "notes": row.get("notes", ""),
                },
            )
            self.works_in(trainer, row)
            self.trainer_by_name[row["name"]] = trainer
            for q in row.get("qualifications", []):
                self.upsert(
                    Qualification,
                    {"trainer": trainer, "module": self.modules[q["module"]], "qualified_on": q["qualified_on"]},
                    {"expires_on": q.get("expires_on"), "tot_round": self.rounds.get(q.get("tot_round"))},
                )
            for r in row.get("rounds", []):
                self.upsert(
                    RoundTrainer,
                    {"training_round": self.rounds[r["round"]], "trainer": trainer},
                    {"role": r.get("role", RoundTrainer.Role.LEAD)},
                )

    def enterprises(self):
        self.enterprise_by_name: dict[str, Enterprise] = {}
        for row in self.data.get("enterprises", []):
            ent = self.upsert(
                Enterprise,
                {"name": row["name"], "city": row["city"]},
                {
                    "country": self.country(row),
                    "sector": row["sector"],
                    "province": row["province"],
                    "workers_women": row.get("workers_women"),
                    "workers_men": row.get("workers_men"),
                    "notes": row.get("notes", ""),
                },
            )
            ent.organisations.set([self.orgs[s] for s in row.get("organisations", [])])
            for key in row.get("rounds", []):
                defaults = dict(row.get("attendance") or self.round_attendance.get(key, {}))
                if self.rounds[key].module.code != "M1" and row.get("module_order_exception"):
                    defaults["module_order_exception"] = row["module_order_exception"]
                self.upsert(Participation, {"training_round": self.rounds[key], "enterprise": ent}, defaults)
            self.enterprise_by_name[row["name"]] = ent

    def results(self, author: User | None, approver: User | None):
        for row in self.data.get("kpis", []):
            self.upsert(
                KPI,
                {"name": row["name"]},
                {
                    "unit": row["unit"],
                    "direction": row["direction"],
                    **_i18n(row, "name", "unit"),
                },
            )
        kpis = {k.name: k for k in KPI.objects.all()}
        for row in self.data.get("results", []):
            approved_on: dt.date = row["approved_on"]
            result = self.upsert(
                Result,
                {"enterprise": self.enterprise_by_name[row["enterprise"]], "module": self.modules[row["module"]]},
                {
                    "training_round": self.rounds.get(row.get("round")),
                    "organisation": self.orgs.get(row.get("organisation")),
                    **_texts(row, "title", "narrative"),
                    **_i18n(row, "title", "narrative"),
                    "status": Result.Status.APPROVED,
                    "approved_at": timezone.make_aware(dt.datetime.combine(approved_on, dt.time(12))),
                },
            )
            # The author is a user of the organisation that reported the result, when it has one.
            member = PartnerMembership.objects.filter(organisation=result.organisation).first()
            result_author = member.user if member and author is not None else author
            if result.author_id is None and result_author is not None:
                result.author = result_author
                result.save(update_fields=["author"])
            self.approval_trail(result, approver)
            for line in row.get("kpis", []):
                self.upsert(
                    KPILine,
                    {"result": result, "kpi": kpis[line["kpi"]]},
                    {
                        "baseline_value": Decimal(str(line["baseline"])),
                        "baseline_date": line["baseline_date"],
                        "followup_value": Decimal(str(line["followup"])),
                        "followup_date": line["followup_date"],
                        "note": line.get("note", ""),
                    },
                )
            for order, photo in enumerate(row.get("photos", []), start=1):
                self.photo_pair(result, order, photo)

    def approval_trail(self, result: Result, approver: User | None) -> None:
        """The demo's results were approved; their trail says by whom and when, as a real one would."""
        if result.steps.exists():
            return
        ResultStep.objects.bulk_create(
            [
                ResultStep(
                    result=result,
                    from_status=Result.Status.DRAFT,
                    to_status=Result.Status.SUBMITTED,
                    by=result.author,
                    at=result.approved_at - dt.timedelta(days=3),
                ),
                ResultStep(
                    result=result,
                    from_status=Result.Status.SUBMITTED,
                    to_status=Result.Status.APPROVED,
                    by=approver,
                    at=result.approved_at,
                ),
            ]
        )
        self.report.count(ResultStep._meta.verbose_name_plural, True)

    def photo_pair(self, result: Result, order: int, photo: dict):
        pair = PhotoPair.objects.filter(result=result, order=order).select_related("before", "after").first()
        if pair is None:
            sides = {
                side: self.photo(photo[side], photo.get("credit", ""), **self.captions(photo, side))
                for side in ("before", "after")
            }
            PhotoPair.objects.create(result=result, order=order, **sides)
            self.report.count(PhotoPair._meta.verbose_name_plural, True)
            return
        for side in ("before", "after"):
            stored = getattr(pair, side)
            texts = {"credit": photo.get("credit", ""), **self.captions(photo, side)}
            changed = [k for k, v in texts.items() if getattr(stored, k) != v]
            if changed:
                for k in changed:
                    setattr(stored, k, texts[k])
                stored.save(update_fields=changed)

    @staticmethod
    def captions(photo: dict, side: str) -> dict[str, str]:
        return {
            "caption": photo[f"{side}_caption"],
            **_i18n({"caption_zh": photo.get(f"{side}_caption_zh", "")}, "caption"),
        }

    def photo(self, filename: str, credit: str, *, caption: str, i18n: dict) -> Photo:
        # Through the upload service, like a partner's photo: checked, cleaned, with its web/print/thumbnail copies.
        path = DEMO_DIR / "photos" / filename
        with path.open("rb") as fh:
            return photos.photo_create(
                upload=File(fh, name=path.name),
                caption=caption,
                translations={"zh-hans": {"caption": i18n.get(i18n_key("caption", "zh-hans"), "")}},
                credit=credit,
            )

    def newsletter_records(self):
        for row in self.data.get("news", []):
            self.upsert(
                NewsItem,
                {"title": row["title"], "date": row["date"]},
                {
                    "country": self.country(row),
                    "place": row.get("place", ""),
                    "body": row["body"],
                    "section": row.get("section", NewsItem.Section.NEWS),
                    "training_round": self.rounds.get(row.get("round")),
                    **_i18n(row, "title", "place", "body"),
                },
            )
        for row in self.data.get("events", []):
            self.upsert(
                Event,
                {"title": row["title"], "starts_on": row["starts_on"]},
                {
                    "country": self.country(row),
                    "ends_on": row.get("ends_on"),
                    **_texts(row, "place", "body"),
                    **_i18n(row, "title", "place", "body"),
                },
            )
        for row in self.data.get("expert_comments", []):
            self.upsert(
                ExpertComment,
                {"trainer": self.trainer_by_name[row["trainer"]], "given_on": row["given_on"]},
                {
                    "country": self.country(row),
                    "quote": row["quote"],
                    **_texts(row, "heading"),
                    **_i18n(row, "heading", "quote"),
                },
            )
        for row in self.data.get("issues", []):
            self.upsert(
                Issue,
                {"country": self.country(row), "number": row["number"], "language": row.get("language", "en")},
                {
                    "period_start": row["period_start"],
                    "title": row["title"],
                    "introduction": row["introduction"],
                    "publication_date": row.get("publication_date") or timezone.localdate(),
                },
            )

    def mastheads(self):
        """A programme's newsletter masthead per language, saved through ``newsletters.services.masthead_save``
        when the file's differs from the stored one (the footer's office, left out, is the country's)."""
        from newsletters.services import masthead_save

        for row in self.data.get("mastheads", []):
            country = self.country(row)
            fields = {name: row.get(name, "") for name in Masthead.SNAPSHOT_FIELDS}
            masthead = Masthead.objects.filter(country=country, language=row["language"]).first()
            if masthead is not None and all(getattr(masthead, name) == value for name, value in fields.items()):
                continue
            self.report.count("newsletter mastheads", masthead is None)
            masthead = masthead or Masthead(country=country, language=row["language"])
            for name, value in fields.items():
                setattr(masthead, name, value)
            masthead_save(masthead=masthead)

    def newsletter_issues(self):
        """The demo's issues, assembled from the records, rendered and published once (newsletters owns how)."""
        from newsletters.services import issues_publish_demo

        for country in self.country_by_code.values():
            numbers = [row["number"] for row in self.data.get("issues", []) if self.country(row) == country]
            if numbers:
                published = issues_publish_demo(country=country, numbers=numbers)
                self.report.created_count("published newsletter issues", published)

    def countries_of(self, user: User, row: dict) -> None:
        """An officer's or an editor's countries (``all_countries``: the global team), set when they differ."""
        countries = [self.country_by_code[code] for code in row.get("countries", [])]
        everywhere = bool(row.get("all_countries"))
        current = CountryAssignment.objects.filter(user=user).first()
        kept = current is not None and current.all_countries == everywhere
        if kept and set(current.countries.values_list("pk", flat=True)) == {c.pk for c in countries}:
            return
        programme_services.country_assignment_set(user=user, countries=countries, all_countries=everywhere, by=None)

    def accounts(self) -> dict[str, User]:
        users = {}
        for row in self.data.get("accounts", []):
            user, created = User.objects.get_or_create(
                username=row["username"],
                defaults={
                    "first_name": row.get("first_name", ""),
                    "last_name": row.get("last_name", ""),
                    "email": row.get("email", ""),
                    "is_staff": row["role"] == roles.Role.OFFICER and bool(row.get("all_countries")),  # the admin
                },
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
            self.report.count("accounts", created)
            user.groups.add(Group.objects.get(name=ROLE_GROUP[row["role"]]))
            if row["role"] == roles.Role.PARTNER:
                PartnerMembership.objects.update_or_create(
                    user=user, defaults={"organisation": self.orgs[row["organisation"]]}
                )
            if row["role"] == roles.Role.TRAINER:
                TrainerAccount.objects.update_or_create(
                    user=user, defaults={"trainer": self.trainer_by_name[row["trainer"]]}
                )
            if row["role"] in (roles.Role.OFFICER, roles.Role.EDITOR):
                self.countries_of(user, row)
            users.setdefault(row["role"], user)  # the file's first officer approves its results
        return users


@transaction.atomic
def demo_load(*, paths: Sequence[Path] = DEMO_FILES, with_accounts: bool = True) -> DemoReport:
    """Load (or bring up to date) the demo programmes, one file after the other. Demo accounts are refused when DEBUG
    is off."""
    if with_accounts and not settings.DEBUG:
        raise ImproperlyConfigured("Demo accounts with the password 'demo' are only created when DEBUG is on.")
    report = DemoReport()
    for path in paths:
        with path.open(encoding="utf-8") as fh:
            _load(_Loader(yaml.safe_load(fh), report), with_accounts=with_accounts)
    return report


def _load(loader: _Loader, *, with_accounts: bool) -> None:
    loader.countries()
    loader.organisations()
    loader.agreements()
    loader.training_rounds()
    loader.trainers()
    loader.enterprises()
    # the loader writes rounds, links and participations as rows, not through the services: what is kept from them
    enterprise_services.derived_refresh(
        enterprise_ids={e.pk for e in loader.enterprise_by_name.values()}
        | round_enterprises([r.pk for r in loader.rounds.values()]),
        round_ids=[r.pk for r in loader.rounds.values()],
    )
    users = loader.accounts() if with_accounts else {}
    loader.results(author=users.get("partner"), approver=users.get("officer"))
    loader.mastheads()
    loader.newsletter_records()
    loader.newsletter_issues()
