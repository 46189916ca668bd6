"""Benchmark: every page of the portal at programme scale, beside the Django admin's enterprise changelist.

SCORE has trained several thousand SMEs in a dozen countries through about 56 partner institutions. This
script fills a PostgreSQL database with that much or ten times more (``--scale``), then requests every list,
search, detail, home and figures page as an officer of the global team ("officer"), an officer of the partner's
country ("country") and a partner user, and the admin's enterprise
changelist (what an officer would use instead) on the same data; it prints for each page its queries and
its median time, the time of each export, and a load run (wrk against gunicorn with DEBUG off).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sp_perf_bench .venv/bin/python bench/pages.py --scale 10

The database is created and migrated when missing. The data is made once (COPY, a few seconds per 100,000
rows) and reused; a marker organisation records its scale, and a database holding another scale is refused.
``--scale 1`` is 61 organisations in 12 countries (the marker included; they do not scale: the partner
organisations stay the same while the programme grows) with their agreements, 2,000 training rounds over
the five modules (planned, running, completed and cancelled; some co-organised), 10,000 enterprises (each
brought in by one organisation, taking Module 1 and then 0-2 more modules in 1-3 rounds, with attendance),
1,500 trainers with qualifications and round assignments (qualified on the round's start), 20,000 factory
visits, 8,000 results (mostly approved, with their approval steps and history) with 3 KPI lines each; every
number but the organisations is multiplied by the scale. VACUUM ANALYZE runs after loading, as autovacuum would
(statistics for the planner, and the visibility map that lets an index answer without the table).

Each page is requested once to warm up, then ``--repeat`` times (5); the table gives the median and the
slowest, the queries of one request (session and user included), the median time spent executing SQL (the
rest is Python: views, forms, templates) and the response size. Exports are timed to their last byte
(median of ``--export-repeat`` downloads, no warm-up; ``--no-exports`` skips them, ``--only-exports`` times
them alone, after one request of the home page, with the process's peak memory after each). The
load run (skip it with ``--no-load``) serves the portal with gunicorn (2 workers, DEBUG off) and runs
``wrk -t1 -c2`` for ``--load-seconds`` (4) per page, after a warm-up request per worker (Debian's package
``wrk``; ``apt-get install wrk``),
sized for a small shared machine (``--load-connections`` for more); it prints requests per second beside
the changelist's. The last line compares the slowest page's median with the changelist's, both measured in
this run (the client's, not the load run's: a shared machine makes a few seconds of wrk noisy).
Trainers and organisations are officers' pages (a partner gets 403 there), so only the officer opens them.
The partner works for the organisation with the most enterprises.
"""

from __future__ import annotations

import argparse
import bisect
import contextlib
import datetime as dt
import io
import os
import random
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "score_portal.settings")
os.environ.setdefault("DEBUG", "1")
# The cache production uses (core/datacache.py keeps the figures there), shared with the load run's gunicorn.
os.environ.setdefault("CACHE_URL", "redis://127.0.0.1:6379/14")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import Group, User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count, F  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from core import datacache, roles  # noqa: E402
from enterprises.models import (  # noqa: E402
    KPI,
    Enterprise,
    FactoryVisit,
    KPILine,
    Participation,
    Result,
    ResultStep,
    Sector,
)
from enterprises.services import derived_rebuild  # noqa: E402
from programmes.models import Agreement, Country, Module, Organisation, PartnerMembership, TrainingRound  # noqa: E402
from programmes.services import country_assignment_set, country_create, region_add  # noqa: E402
from trainers.models import Qualification, RoundTrainer, Trainer  # noqa: E402

settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]  # django.test.Client's host

MARKER = "SCORE bench data set (marker)"
REPEAT = 5
BASE = {"rounds": 2_000, "enterprises": 10_000, "trainers": 1_500, "visits": 20_000, "results": 8_000}
KPI_LINES_PER_RESULT = 3
ADMIN_CHANGELIST = "/admin/enterprises/enterprise/"

COUNTRIES = {
    "China": {"Jiangsu": ["Taixing", "Suzhou"], "Guangdong": ["Dongguan", "Shenzhen"], "Chongqing": ["Chongqing"]},
    "India": {"Tamil Nadu": ["Chennai", "Coimbatore"], "Maharashtra": ["Pune"]},
    "Indonesia": {"West Java": ["Bandung", "Bekasi"], "Jakarta": ["Jakarta"]},
    "Viet Nam": {"Ho Chi Minh City": ["Ho Chi Minh City"], "Hanoi": ["Hanoi"]},
    "Ghana": {"Greater Accra": ["Accra", "Tema"], "Ashanti": ["Kumasi"]},
    "South Africa": {"Gauteng": ["Johannesburg"], "KwaZulu-Natal": ["Durban"]},
    "Colombia": {"Antioquia": ["Medellín"], "Bogotá D.C.": ["Bogotá"]},
    "Peru": {"Lima": ["Lima"], "Arequipa": ["Arequipa"]},
    "Bolivia": {"La Paz": ["El Alto", "La Paz"], "Santa Cruz": ["Santa Cruz de la Sierra"]},
    "Ethiopia": {"Addis Ababa": ["Addis Ababa"], "Oromia": ["Adama"]},
    "Myanmar": {"Yangon": ["Yangon"], "Mandalay": ["Mandalay"]},
    "Tunisia": {"Sfax": ["Sfax"], "Tunis": ["Tunis"]},
}
# Each country's programme record (programmes.Country): ISO code, time zone, currency, content languages.
PROGRAMMES = {
    "China": ("CN", "Asia/Shanghai", "CNY", ["en", "zh-hans"]),
    "India": ("IN", "Asia/Kolkata", "INR", ["en", "hi"]),
    "Indonesia": ("ID", "Asia/Jakarta", "IDR", ["id", "en"]),
    "Viet Nam": ("VN", "Asia/Ho_Chi_Minh", "VND", ["vi", "en"]),
    "Ghana": ("GH", "Africa/Accra", "GHS", ["en"]),
    "South Africa": ("ZA", "Africa/Johannesburg", "ZAR", ["en"]),
    "Colombia": ("CO", "America/Bogota", "COP", ["es"]),
    "Peru": ("PE", "America/Lima", "PEN", ["es"]),
    "Bolivia": ("BO", "America/La_Paz", "BOB", ["es"]),
    "Ethiopia": ("ET", "Africa/Addis_Ababa", "ETB", ["en", "am"]),
    "Myanmar": ("MM", "Asia/Yangon", "MMK", ["my", "en"]),
    "Tunisia": ("TN", "Africa/Tunis", "TND", ["fr", "ar"]),
}
ORG_KINDS = [  # per country: (kind, name, weight as an organiser of rounds)
    (Organisation.Kind.IMPLEMENTING_PARTNER, "Employers' Confederation", 4),
    (Organisation.Kind.LICENSED_PROVIDER, "Productivity Centre", 3),
    (Organisation.Kind.LICENSED_PROVIDER, "Training Institute", 2),
    (Organisation.Kind.BRAND_INITIATIVE, "Supplier Programme", 1),
    (Organisation.Kind.GOVERNMENT_AGENCY, "SME Agency", 0),
]
MODULE_WEIGHTS = {"M1": 40, "M2": 20, "M3": 15, "M4": 15, "M5": 10}
NAME_A = "Golden Harbour Evergreen Bright Union Pioneer Lotus Summit Delta Crown Jade Oriental Star Phoenix Atlas"
NAME_B = "Precision Textile Garment Footwear Electronics Metalworks Plastics Foods Components Leather Toys Packaging"
FIRST = "Li Wei Mei Anand Priya Siti Budi Minh Lan Kwame Ama Thabo Zanele Camila Andrés Lucía Jorge Rosa Abebe Selam"
LAST = "Wang Zhang Chen Sharma Iyer Santoso Nguyen Tran Mensah Boateng Nkosi Dlamini Gómez Rojas Quispe Mamani Tesfaye"
TITLES = [
    "Fewer defects after the quality circle",
    "Workplace cooperation committee cuts absenteeism",
    "Less waste on the cutting floor",
    "Safer machines, fewer accidents",
    "Suggestion scheme takes off",
    "Energy bill down after cleaner production",
]


def _days(a: dt.date, b: dt.date) -> int:
    return (b - a).days


def _copy_text(value) -> str:
    if value is None:
        return "\\N"
    if value is True or value is False:
        return "t" if value else "f"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _copy(model, objs: list) -> list:
    """Insert the objects with PostgreSQL's COPY (much faster than INSERT): the primary keys are handed out
    here and the sequence moved past them, so the objects come back with their pk, as from bulk_create."""
    if not objs:
        return objs
    meta = model._meta
    table, pk = meta.db_table, meta.pk
    fields = list(meta.concrete_fields)
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT COALESCE(MAX("{pk.column}"), 0) FROM "{table}"')
        next_id = cursor.fetchone()[0] + 1
        out = io.StringIO()
        for i, obj in enumerate(objs):
            setattr(obj, pk.attname, next_id + i)
            row = []
            for f in fields:
                value = f.pre_save(obj, add=True) if f is not pk else getattr(obj, f.attname)
                row.append(_copy_text(f.get_db_prep_save(value, connection)))
            out.write("\t".join(row) + "\n")
        out.seek(0)
        columns = ", ".join(f'"{f.column}"' for f in fields)
        cursor.copy_expert(f'COPY "{table}" ({columns}) FROM STDIN', out)
        cursor.execute("SELECT setval(pg_get_serial_sequence(%s, %s), %s)", [table, pk.column, next_id + len(objs)])
    for obj in objs:
        obj._state.adding, obj._state.db = False, "default"
    return objs


def _bulk(model, objs, history=False):
    """COPY the objects in; with ``history``, also their django-simple-history 'created' records, as
    bulk_create_with_history would write them."""
    objs = _copy(model, list(objs))
    if history:
        history_model = model.history.model
        now = timezone.now()
        records = [
            history_model(
                history_date=now,
                history_type="+",
                history_user_id=None,
                history_change_reason=None,
                **{f.attname: getattr(obj, f.attname) for f in history_model.tracked_fields},
            )
            for obj in objs
        ]
        _copy(history_model, records)
    return objs


def create_data(rng: random.Random, scale: float) -> None:
    N_ROUNDS, N_ENTERPRISES, N_TRAINERS, N_VISITS, N_RESULTS = (round(BASE[k] * scale) for k in BASE)
    today = timezone.localdate()
    t0 = time.perf_counter()
    modules = {m.code: m for m in Module.objects.all()}
    kpis = list(KPI.objects.filter(active=True))

    # The 12 country programmes (China is there already: programmes/migrations/0010_china.py), with their
    # provinces as regions, through the services.
    programme = {}
    for name, (code, zone, currency, languages) in PROGRAMMES.items():
        country = Country.objects.filter(code=code).first() or country_create(
            code=code, name=name, time_zone=zone, currency=currency, languages=languages
        )
        for province in COUNTRIES[name]:
            if not country.regions.filter(name__iexact=province).exists():
                region_add(country=country, name=province)
        programme[name] = country

    # Organisations: 12 countries x 5 kinds, licensed providers under their country's implementing partner.
    orgs, org_country, org_weight = [], {}, {}
    for country, provinces in COUNTRIES.items():
        province = next(iter(provinces))
        for kind, label, _weight in ORG_KINDS:
            org = Organisation(
                name=f"{country} {label}",
                short_name=f"{country[:3].upper()}-{label.split()[0][:4].upper()}",
                kind=kind,
                province=province,
                city=provinces[province][0],
            )
            orgs.append(org)
    orgs = _bulk(Organisation, orgs)
    for i, org in enumerate(orgs):
        country = list(COUNTRIES)[i // len(ORG_KINDS)]
        org_country[org.pk] = country
        org_weight[org.pk] = ORG_KINDS[i % len(ORG_KINDS)][2] * (4 if i == 0 else 1)  # China's partner is the biggest
    works_in = Organisation.countries.through
    _bulk(works_in, [works_in(organisation_id=o.pk, country_id=programme[org_country[o.pk]].pk) for o in orgs])
    by_country = {c: [o for o in orgs if org_country[o.pk] == c] for c in COUNTRIES}
    for country_orgs in by_country.values():
        for o in country_orgs[1:3]:
            o.parent = country_orgs[0]
    Organisation.objects.bulk_update(orgs, ["parent"])
    agreements = []
    for o in orgs:
        if o.kind == Organisation.Kind.LICENSED_PROVIDER:
            agreements.append(
                Agreement(
                    organisation=o,
                    country=programme[org_country[o.pk]],
                    kind=Agreement.Kind.LICENCE,
                    signed_on=dt.date(2013, 11, 20),
                    start=dt.date(2013, 12, 1),
                    end=dt.date(2030, 12, 31),
                    territory=org_country[o.pk],
                )
            )
        elif o.kind == Organisation.Kind.IMPLEMENTING_PARTNER:
            for start, end in ((dt.date(2013, 1, 1), dt.date(2017, 12, 31)), (dt.date(2018, 1, 1), None)):
                agreements.append(
                    Agreement(
                        organisation=o,
                        country=programme[org_country[o.pk]],
                        kind=Agreement.Kind.IMPLEMENTATION,
                        signed_on=start,
                        start=start,
                        end=end,
                        territory=org_country[o.pk],
                    )
                )
    _bulk(Agreement, agreements)

    # Training rounds, 2014 to next autumn; the status follows the dates.
    organisers = [o for o in orgs if org_weight[o.pk]]
    first_day, last_day = dt.date(2014, 1, 6), today + dt.timedelta(days=300)
    rounds = []
    for _ in range(N_ROUNDS):
        org = rng.choices(organisers, weights=[org_weight[o.pk] for o in organisers])[0]
        provinces = COUNTRIES[org_country[org.pk]]
        province = rng.choice(list(provinces))
        kind = rng.choices(["toe", "tot", "both"], weights=[75, 15, 10])[0]
        start = first_day + dt.timedelta(days=rng.randrange(_days(first_day, last_day)))
        end = start + dt.timedelta(days=4 if kind == "tot" else rng.randint(90, 180))
        if start > today:
            status = "cancelled" if rng.random() < 0.03 else "planned"
        elif end < today:
            status = "cancelled" if rng.random() < 0.05 else "completed"
        else:
            status = "classroom" if _days(start, today) < 30 or kind == "tot" else "consulting"
        module = modules[rng.choices(list(MODULE_WEIGHTS), weights=list(MODULE_WEIGHTS.values()))[0]]
        rounds.append(
            TrainingRound(
                country=programme[org_country[org.pk]],
                module=module,
                kind=kind,
                organiser=org,
                province=province,
                city=rng.choice(provinces[province]),
                start=start,
                end=end,
                status=status,
            )
        )
    rounds = _bulk(TrainingRound, rounds, history=True)
    co = []
    for r in rounds:
        if rng.random() < 0.3:
            others = [o for o in by_country[org_country[r.organiser_id]] if o.pk != r.organiser_id]
            co.append(TrainingRound.co_organisers.through(traininground_id=r.pk, organisation_id=rng.choice(others).pk))
    _bulk(TrainingRound.co_organisers.through, co)

    # Enterprises: Module 1 in one of their organisation's rounds, then up to two more modules, later.
    teaching = [r for r in rounds if r.kind != "tot" and r.status != "cancelled"]
    weight = {r.pk: 12 if i % 40 == 0 else 1 for i, r in enumerate(teaching)}  # a few big rounds
    m1_by_org: dict[int, list] = {}
    later_by_org: dict[int, list] = {}
    for r in teaching:
        (m1_by_org if r.module.code == "M1" else later_by_org).setdefault(r.organiser_id, []).append(r)
    for later in later_by_org.values():
        later.sort(key=lambda r: r.start)
    later_starts = {org_id: [r.start for r in later] for org_id, later in later_by_org.items()}
    bringers = list(m1_by_org)
    bringer_weights = [len(m1_by_org[o]) for o in bringers]
    sectors = list(Sector.values)
    words_a, words_b = NAME_A.split(), NAME_B.split()
    enterprises, plans = [], []
    for i in range(N_ENTERPRISES):
        org_id = rng.choices(bringers, weights=bringer_weights)[0]
        m1 = rng.choices(m1_by_org[org_id], weights=[weight[r.pk] for r in m1_by_org[org_id]])[0]
        chosen, seen = [m1], {m1.module_id}
        wanted = rng.choices([0, 1, 2], weights=[50, 30, 20])[0]
        later = later_by_org.get(org_id, [])
        first = bisect.bisect_left(later_starts.get(org_id, []), m1.start)  # rounds that start after Module 1
        for _try in range(12 if first < len(later) else 0):
            if len(chosen) > wanted:
                break
            r = later[rng.randrange(first, len(later))]
            if r.module_id not in seen:
                chosen.append(r)
                seen.add(r.module_id)
        women = rng.randint(10, 600)
        enterprises.append(
            Enterprise(
                name=f"{rng.choice(words_a)} {rng.choice(words_b)} Co. {i:05}",
                country_id=m1.country_id,
                sector=rng.choice(sectors),
                province=m1.province,
                city=m1.city,
                workers_women=women,
                workers_men=rng.randint(10, 600),
            )
        )
        plans.append((org_id, chosen))
    enterprises = _bulk(Enterprise, enterprises)
    _bulk(
        Enterprise.organisations.through,
        [
            Enterprise.organisations.through(enterprise_id=e.pk, organisation_id=p[0])
            for e, p in zip(enterprises, plans, strict=True)
        ],
    )
    participations = [
        Participation(
            training_round=r,
            enterprise=e,
            managers_women=rng.randint(0, 3),
            managers_men=rng.randint(0, 3),
            workers_women=rng.randint(0, 12),
            workers_men=rng.randint(0, 12),
        )
        for e, (_org, chosen) in zip(enterprises, plans, strict=True)
        for r in chosen
    ]
    participations = _bulk(Participation, participations)

    # Trainers, qualified for 1-3 modules (most before 2014, some later; some lapse), assigned to rounds.
    names = [f"{f} {n}" for f in FIRST.split() for n in LAST.split()]
    rng.shuffle(names)
    employers = [o for o in orgs if o.kind != Organisation.Kind.GOVERNMENT_AGENCY]
    trainers = []
    for i in range(N_TRAINERS):
        trainers.append(
            Trainer(
                name=names[i % len(names)] + ("" if i < len(names) else f" {i // len(names) + 1}"),
                sex=rng.choice("fm"),
                organisation=rng.choices(employers, weights=[org_weight[o.pk] + 1 for o in employers])[0],
                role=rng.choices(list(Trainer.Role.values), weights=[5, 15, 80])[0],
                active=rng.random() < 0.9,
                email=f"trainer{i:04}@example.org",
            )
        )
    trainers = _bulk(Trainer, trainers)
    trainer_in = Trainer.countries.through  # a trainer works where their organisation does
    _bulk(
        trainer_in,
        [trainer_in(trainer_id=t.pk, country_id=programme[org_country[t.organisation_id]].pk) for t in trainers],
    )
    tot_rounds = {}
    for r in rounds:
        if r.kind != "toe" and r.status == "completed":
            tot_rounds.setdefault(r.module_id, []).append(r)
    quals = []
    for t in trainers:
        codes = rng.sample(["M1", "M2", "M3", "M4", "M5"], rng.choices([1, 2, 3], weights=[40, 35, 25])[0])
        if "M1" not in codes and rng.random() < 0.7:
            codes[0] = "M1"
        for code in codes:
            module = modules[code]
            tot_round = None
            if rng.random() < 0.85:
                on = dt.date(2012, 6, 1) + dt.timedelta(days=rng.randrange(550))
            else:
                tot_round = rng.choice(tot_rounds.get(module.pk) or [None])
                on = tot_round.end if tot_round else dt.date(2016, 1, 1) + dt.timedelta(days=rng.randrange(1500))
            expires = on + dt.timedelta(days=rng.randint(3 * 365, 6 * 365)) if rng.random() < 0.3 else None
            quals.append(
                Qualification(trainer=t, module=module, qualified_on=on, expires_on=expires, tot_round=tot_round)
            )
    quals = _bulk(Qualification, quals)
    qualified: dict[int, list[Qualification]] = defaultdict(list)
    qualified_at: dict[tuple[int, int], list[Qualification]] = defaultdict(list)
    for q in quals:
        qualified[q.module_id].append(q)
        qualified_at[(q.module_id, q.trainer.organisation_id)].append(q)

    def anyone(module_id: int, day: dt.date, active_only: bool) -> Trainer:
        """A trainer qualified for the module on the day (drawn at random: the lists are long)."""
        pool = qualified[module_id]
        for _try in range(200):
            q = pool[rng.randrange(len(pool))]
            if q.valid_on(day) and (q.trainer.active or not active_only):
                return q.trainer
        return next(q.trainer for q in pool if q.valid_on(day))

    round_trainers, delivering = [], {}
    for r in rounds:
        if r.kind == "tot":
            lead = anyone(r.module_id, r.start, active_only=False)
            picked = [(lead, RoundTrainer.Role.MODULE_EXPERT)] + [
                (t, RoundTrainer.Role.CANDIDATE) for t in rng.sample(trainers, 3) if t.pk != lead.pk
            ]
        else:
            own = list(
                {
                    q.trainer.pk: q.trainer
                    for q in qualified_at[(r.module_id, r.organiser_id)]
                    if q.valid_on(r.start) and q.trainer.active
                }.values()
            )
            picks = rng.sample(own, min(len(own), rng.randint(1, 3))) or [anyone(r.module_id, r.start, True)]
            picked = [
                (t, RoundTrainer.Role.LEAD if i == 0 else RoundTrainer.Role.CO_TRAINER) for i, t in enumerate(picks)
            ]
        for t, role in picked:
            round_trainers.append(RoundTrainer(training_round=r, trainer=t, role=role))
            if role != RoundTrainer.Role.CANDIDATE:
                delivering.setdefault(r.pk, []).append(t)
    _bulk(RoundTrainer, round_trainers)
    # a trainer drawn from another country for a round (a module expert, a candidate) works there too
    home = {t.pk: programme[org_country[t.organisation_id]].pk for t in trainers}
    abroad = {(rt.trainer.pk, rt.training_round.country_id) for rt in round_trainers}
    _bulk(trainer_in, [trainer_in(trainer_id=t, country_id=c) for t, c in sorted(abroad) if home[t] != c])

    # Factory visits: in consulting or completed rounds, by one of the round's trainers, after the start.
    visitable = [p for p in participations if p.training_round.status in ("consulting", "completed")]
    visits = []
    for _ in range(N_VISITS):
        p = rng.choice(visitable)
        r = p.training_round
        span = max(1, _days(r.start, min(r.end, today)))
        visits.append(
            FactoryVisit(
                training_round=r,
                enterprise=p.enterprise,
                trainer=rng.choice(delivering[r.pk]),
                visited_on=r.start + dt.timedelta(days=rng.randrange(span)),
            )
        )
    _bulk(FactoryVisit, visits)

    # Results: one per enterprise and completed module, mostly approved, each with 3 KPI lines and its steps.
    org_of = {e.pk: plan[0] for e, plan in zip(enterprises, plans, strict=True)}
    partner_org_id = Counter(org_of.values()).most_common(1)[0][0]
    partner, _created = User.objects.get_or_create(username="bench-partner")
    officer, _created = User.objects.get_or_create(username="bench-officer", defaults={"is_staff": True})
    done = [p for p in participations if p.training_round.status == "completed"]
    rng.shuffle(done)
    now = timezone.now()
    results = []
    for p in done[:N_RESULTS]:
        r = p.training_round
        status = rng.choices(["approved", "submitted", "draft", "returned"], weights=[80, 8, 7, 5])[0]
        approved_at = None
        if status == "approved":
            day = r.end + dt.timedelta(days=rng.randint(20, 120))
            approved_at = min(now, timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0))))
        results.append(
            Result(
                enterprise=p.enterprise,
                module_id=r.module_id,
                training_round=r,
                organisation_id=org_of[p.enterprise.pk],
                title=rng.choice(TITLES),
                narrative="Baseline and follow-up measured by the enterprise team.",
                status=status,
                approved_at=approved_at,
                author=partner if org_of[p.enterprise.pk] == partner_org_id else None,
            )
        )
    results = _bulk(Result, results, history=True)
    lines, steps = [], []
    for res in results:
        r = res.training_round
        base_day, follow_day = r.start + dt.timedelta(days=7), r.end
        for kpi in rng.sample(kpis, KPI_LINES_PER_RESULT):
            base = Decimal(rng.randint(100, 10_000)) / 100
            lines.append(
                KPILine(
                    result=res,
                    kpi=kpi,
                    baseline_value=base,
                    baseline_date=base_day,
                    followup_value=(base * Decimal(rng.uniform(0.5, 1.5))).quantize(Decimal("0.01")),
                    followup_date=follow_day,
                )
            )
        author = res.author
        at = timezone.make_aware(dt.datetime.combine(r.end + dt.timedelta(days=10), dt.time(9, 0)))
        if res.status != "draft":
            steps.append(ResultStep(result=res, from_status="draft", to_status="submitted", by=author, at=min(at, now)))
        if res.status == "approved":
            steps.append(
                ResultStep(result=res, from_status="submitted", to_status="approved", by=officer, at=res.approved_at)
            )
        if res.status == "returned":
            steps.append(
                ResultStep(
                    result=res,
                    from_status="submitted",
                    to_status="returned",
                    by=officer,
                    at=min(at + dt.timedelta(days=5), now),
                    reason="Give the follow-up date of the KPI.",
                )
            )
    _bulk(KPILine, lines, history=True)
    _bulk(ResultStep, steps)
    Result.objects.filter(approved_at__isnull=False).update(  # approved results were last changed when approved
        created_at=F("approved_at") - dt.timedelta(days=40), updated_at=F("approved_at")
    )
    derived_rebuild()  # COPY bypasses the services: scope, round counts and modules taken, from the rows
    Organisation.objects.create(
        name=MARKER, kind=Organisation.Kind.OTHER, notes=f"bench/pages.py made this data; scale={scale:g}"
    )
    print(f"data created in {time.perf_counter() - t0:.0f} s")


def users() -> tuple[User, User, User, User]:
    """The officer of the global team, an officer of the partner's country, the partner (who works for the
    organisation that brought in the most enterprises) and the superuser who opens the admin."""
    officer, _created = User.objects.get_or_create(username="bench-officer", defaults={"is_staff": True})
    officer.groups.add(Group.objects.get(name=roles.OFFICERS))
    country_assignment_set(user=officer, all_countries=True, by=None)  # the global team: every country's pages
    partner, _created = User.objects.get_or_create(username="bench-partner")
    partner.groups.add(Group.objects.get(name=roles.PARTNERS))
    org = Organisation.objects.annotate(n=Count("enterprises")).order_by("-n", "pk").first()
    PartnerMembership.objects.update_or_create(user=partner, defaults={"organisation": org})
    country_officer, _created = User.objects.get_or_create(username="bench-officer-country")
    country_officer.groups.add(Group.objects.get(name=roles.OFFICERS))
    country_assignment_set(user=country_officer, countries=[org.countries.order_by("pk").first()], by=None)
    admin, _created = User.objects.get_or_create(
        username="bench-admin", defaults={"is_staff": True, "is_superuser": True}
    )
    return officer, country_officer, partner, admin


def pages(partner_org: Organisation) -> list[tuple[str, bool]]:
    """(URL, partner may open it) for every page measured; the objects are the partner's biggest ones."""
    m1 = Module.objects.get(code="M1")
    big_round = (
        TrainingRound.objects.filter(organiser=partner_org)
        .annotate(n=Count("participations"))
        .order_by("-n", "pk")
        .first()
    )
    enterprise = (
        Enterprise.objects.filter(organisations=partner_org, results__isnull=False)
        .annotate(n=Count("participations", distinct=True), v=Count("factory_visits", distinct=True))
        .order_by("-n", "-v", "pk")
        .first()
    )
    trainer = (  # the busiest of those who work where the partner does, so that country's officer opens it too
        Trainer.objects.filter(countries__in=partner_org.countries.all())
        .annotate(n=Count("rounds"))
        .order_by("-n", "pk")
        .first()
    )
    result = Result.objects.filter(enterprise=enterprise, status=Result.Status.APPROVED).order_by("pk").first()
    result = result or Result.objects.filter(organisation=partner_org).order_by("pk").first()
    term = enterprise.name.split()[1].lower()[:5]  # a word many names share, in lower case
    return [
        ("/", True),
        ("/rounds/", True),
        (f"/rounds/?status=completed&module={m1.pk}", True),
        (f"/rounds/?province={big_round.province}", True),
        (f"/rounds/?q={big_round.city[:4].lower()}", True),
        ("/rounds/?sort=-n_enterprises", True),
        (f"/rounds/{big_round.pk}/", True),
        ("/enterprises/", True),
        (f"/enterprises/?q={term}", True),
        (f"/enterprises/?q={enterprise.name.split()[-1]}", True),
        (f"/enterprises/?module={m1.pk}&sector={enterprise.sector}", True),
        (f"/enterprises/{enterprise.pk}/", True),
        ("/trainers/", False),
        (f"/trainers/?q={trainer.name.split()[0][:3].lower()}", False),
        (f"/trainers/{trainer.pk}/", False),
        ("/organisations/", False),
        (f"/organisations/{partner_org.pk}/", False),
        ("/results/", True),
        (f"/results/?q={term}", True),
        (f"/results/{result.pk}/", True),
        ("/figures/", True),
        (f"/figures/?year=all&module={m1.pk}", True),
    ]


EXPORTS = [
    "/rounds/?_export=csv",
    "/rounds/?_export=xlsx",
    "/enterprises/?_export=csv",
    "/enterprises/?_export=xlsx",
    "/trainers/?_export=csv",
    "/organisations/?_export=csv",
    "/results/export/?format=csv",
    "/results/export/?format=xlsx",
    "/figures/export.xlsx",
]


class SQLTimer:
    """Time spent executing SQL (a connection.execute_wrapper), to tell the database's share from Python's."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started


def _body(response) -> tuple[int, int]:
    """(bytes, lines) of the response, read to its last byte; a streamed one piece by piece, never held whole
    (so the process's peak memory is the server's, not the bench's copy of a 30 MB file)."""
    size = lines = 0
    for piece in response.streaming_content if response.streaming else [response.content]:
        size, lines = size + len(piece), lines + piece.count(b"\n")
    return size, lines


def measure(client: Client, url: str, repeat: int, warm: bool = True, changed: bool = False) -> dict:
    """The page's figures over ``repeat`` requests; ``changed``: each one just after a change to the data
    (what the cache keeps is dropped, core.datacache), as the first visit after an edit finds it."""
    if warm:
        _body(client.get(url))  # warm-up
    times, sql_times, queries = [], [], set()
    for _ in range(repeat):
        if changed:
            datacache.data_changed()
        timer = SQLTimer()
        with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(timer):
            started = time.perf_counter()
            response = client.get(url)
            size, lines = _body(response)  # a streamed response runs its queries while it is read
            times.append((time.perf_counter() - started) * 1000)
        queries.add(len(captured))
        sql_times.append(timer.seconds * 1000)
    return {
        "status": response.status_code,
        "queries": "–".join(str(q) for q in sorted(queries)),
        "median": statistics.median(times),
        "max": max(times),
        "sql": statistics.median(sql_times),
        "kib": size / 1024,
        "lines": lines,
    }


# --- The load run: gunicorn with DEBUG off, wrk ---------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(port: int, seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return True
        except OSError:
            time.sleep(0.3)
    return False


def load_run(
    targets: list[tuple[str, str, str]], seconds: int, connections: int
) -> dict[tuple[str, str], float] | None:
    """Requests per second under ``wrk -t1 -c<connections>`` for each (label, url, session key), against
    gunicorn with 2 workers."""
    wrk = shutil.which("wrk")
    gunicorn = Path(sys.executable).with_name("gunicorn")
    if not wrk:
        print("\nload run skipped: wrk is not installed (Debian: apt-get install wrk)")
        return None
    port = _free_port()
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": settings.SECRET_KEY,  # the bench's sessions must stay valid in gunicorn
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "SECURE_HSTS_SECONDS": "0",
        "LOG_LEVEL": "WARNING",
        "STATIC_ROOT": tempfile.mkdtemp(prefix="bench-static-"),  # DEBUG off serves the collected files
    }
    manage = [sys.executable, str(ROOT / "manage.py"), "collectstatic", "--no-input", "-v0"]
    subprocess.run(manage, cwd=ROOT, env=env, check=True)
    server = subprocess.Popen(
        [str(gunicorn), "score_portal.wsgi", "-w", "2", "-b", f"127.0.0.1:{port}", "--log-level", "warning"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,  # a pipe nobody reads fills up and stops gunicorn mid-run
    )
    rates: dict[tuple[str, str], float] = {}
    try:
        if not _wait_for(port):
            print("\nload run skipped: gunicorn did not start")
            return None
        cookie = f"{settings.SESSION_COOKIE_NAME}={{}}"
        for role, url, session in targets:
            # warm each worker on the page first (imports, templates, connections): wrk times the page, not
            # a worker's first request
            for _worker in range(2):
                request = urllib.request.Request(
                    f"http://127.0.0.1:{port}{url}", headers={"Cookie": cookie.format(session)}
                )
                with contextlib.suppress(OSError):  # a page that fails shows in wrk's count
                    urllib.request.urlopen(request, timeout=60).read()  # noqa: S310 - our own server
            cmd = [wrk, "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s"]
            cmd += ["-H", f"Cookie: {settings.SESSION_COOKIE_NAME}={session}", f"http://127.0.0.1:{port}{url}"]
            out = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60).stdout
            rate = next((float(line.split()[1]) for line in out.splitlines() if line.startswith("Requests/sec")), 0.0)
            if "Non-2xx" in out:
                rate = 0.0  # a page that answers an error does not count as fast
            rates[(role, url)] = rate
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(env["STATIC_ROOT"], ignore_errors=True)
    return rates


# --- Main -------------------------------------------------------------------------------------------------


def ensure_database() -> None:
    """Create the database if it does not exist, and migrate it."""
    import psycopg2

    params = connection.get_connection_params()
    name = params.pop("database", None) or params.pop("dbname")
    try:
        connection.ensure_connection()
    except Exception:
        admin = psycopg2.connect(**{**params, "dbname": "postgres"})
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
        admin.close()
    call_command("migrate", verbosity=0, interactive=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1, help="1 = 10,000 enterprises, 10 = 100,000")
    parser.add_argument("--repeat", type=int, default=REPEAT, help="requests per page after the warm-up")
    parser.add_argument("--no-load", action="store_true", help="skip the wrk load run")
    parser.add_argument("--export-repeat", type=int, default=2, help="times each export is downloaded")
    parser.add_argument("--no-exports", action="store_true", help="skip the exports (pages and load run only)")
    parser.add_argument(
        "--only-exports", action="store_true", help="time the exports only (no pages, no load run; implies --no-load)"
    )
    parser.add_argument("--load-seconds", type=int, default=4, help="seconds of wrk per page")
    parser.add_argument("--load-connections", type=int, default=2, help="wrk's open connections")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("bench/pages.py needs PostgreSQL: set DATABASE_URL=postgres://...")
    ensure_database()
    rng = random.Random(2014)
    marker = Organisation.objects.filter(name=MARKER).first()
    if marker:
        made = float(marker.notes.rsplit("scale=", 1)[-1]) if "scale=" in marker.notes else 1.0
        if made != args.scale:
            sys.exit(f"this database holds --scale {made:g}; use another database for --scale {args.scale:g}")
        print("reusing the data already in the database")
    else:
        with transaction.atomic():
            create_data(rng, args.scale)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")  # as autovacuum would: statistics, and the visibility map
    datacache.data_changed()  # nothing kept from an earlier run (COPY sends no signals; the data may be new)
    officer, country_officer, partner, admin = users()
    partner_org = partner.partner_membership.organisation
    counts = [
        ("organisations", Organisation.objects.count()),
        ("agreements", Agreement.objects.count()),
        ("training rounds", TrainingRound.objects.count()),
        ("enterprises", Enterprise.objects.count()),
        ("participations", Participation.objects.count()),
        ("trainers", Trainer.objects.count()),
        ("qualifications", Qualification.objects.count()),
        ("trainers in rounds", RoundTrainer.objects.count()),
        ("factory visits", FactoryVisit.objects.count()),
        ("results", Result.objects.count()),
        ("  of which approved", Result.objects.filter(status=Result.Status.APPROVED).count()),
        ("KPI lines", KPILine.objects.count()),
    ]
    print(f"database {connection.settings_dict['NAME']} ({connection.vendor}), scale {args.scale:g}")
    print(" · ".join(f"{name.strip()} {n:,}" for name, n in counts))
    print(
        f"partner: {partner_org.name}, {partner_org.enterprises.count():,} enterprises brought in, "
        f"{partner_org.organised_rounds.count():,} rounds organised; {args.repeat} requests per page after a warm-up"
    )
    clients = {}
    for role, user in (("officer", officer), ("country", country_officer), ("partner", partner), ("admin", admin)):
        clients[role] = Client()
        clients[role].force_login(user)
    rows, failed = [], []
    if args.only_exports:
        args.no_load = True
        _body(clients["officer"].get("/"))  # imports, URLconf and templates loaded before the first export
    else:
        changelist = measure(clients["admin"], ADMIN_CHANGELIST, args.repeat)
        changed = measure(clients["admin"], ADMIN_CHANGELIST, args.repeat, warm=False, changed=True)
        changelist["changed"] = changed["median"]
        rows.append((ADMIN_CHANGELIST, "admin", changelist))
    for url, partner_may in [] if args.only_exports else pages(partner_org):
        for role in ("officer", "country", "partner") if partner_may else ("officer", "country"):
            m = measure(clients[role], url, args.repeat)
            m["changed"] = measure(clients[role], url, args.repeat, warm=False, changed=True)["median"]
            print(f"  {role} {url}: {m['median']:.0f} ms ({m['changed']:.0f})", file=sys.stderr, flush=True)
            rows.append((url, role, m))
            if m["status"] != 200:
                failed.append(f"{role} {url}: {m['status']}")
    exports = []
    for url in [] if args.no_exports else EXPORTS:
        m = measure(clients["officer"], url, args.export_repeat, warm=False)
        m["rss"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # the process's peak so far
        print(f"  officer {url}: {m['median'] / 1000:.2f} s", file=sys.stderr, flush=True)
        exports.append((url, m))
        if m["status"] != 200:
            failed.append(f"officer {url}: {m['status']}")

    if rows:
        base = changelist["median"]
        print()
        print(
            "| page | role | status | queries | median ms | max ms | of which SQL ms | KiB | vs changelist "
            "| after a change ms | vs changelist |"
        )
        print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for url, role, m in rows:
            figures = f"{m['status']} | {m['queries']} | {m['median']:.0f} | {m['max']:.0f} | {m['sql']:.0f}"
            figures += f" | {m['kib']:.0f} | {m['median'] / base:.2f}×"
            figures += f" | {m['changed']:.0f} | {m['changed'] / changelist['changed']:.2f}×"
            print(f"| `{url}` | {role} | {figures} |")
    print()
    print("| export (officer) | status | queries | median s | of which SQL s | lines | KiB | peak RSS MB |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for url, m in exports:
        figures = f"{m['status']} | {m['queries']} | {m['median'] / 1000:.2f} | {m['sql'] / 1000:.2f}"
        figures += f" | {m['lines']:,} | {m['kib']:,.0f} | {m['rss']:,.0f}"
        print(f"| `{url}` | {figures} |")

    if not args.no_load:
        sessions = {role: c.cookies[settings.SESSION_COOKIE_NAME].value for role, c in clients.items()}
        targets = [(role, url, sessions[role]) for url, role, _m in rows]
        rates = load_run(targets, args.load_seconds, args.load_connections)
        if rates:
            ref = rates.get(("admin", ADMIN_CHANGELIST)) or float("nan")  # no request done: no ratio
            print()
            print(
                f"load run: wrk -t1 -c{args.load_connections} -d{args.load_seconds}s against gunicorn "
                "(2 workers, DEBUG off)"
            )
            print("| page | role | requests/s | vs changelist |")
            print("|---|---|---:|---:|")
            for (role, url), rate in rates.items():
                print(f"| `{url}` | {role} | {rate:.1f} | {rate / ref:.2f}× |")
    if failed:
        print("\nnot 200: " + "; ".join(failed))
        sys.exit(1)
    page_rows = [(url, role, m) for url, role, m in rows if role != "admin"]
    if not page_rows:
        return
    url, role, slowest = max(page_rows, key=lambda r: r[2]["changed"])
    print()
    print(
        "first request after a change, slowest page vs admin changelist: "
        f"{slowest['changed'] / changelist['changed']:.2f}× ({role} {url})"
    )
    url, role, slowest = max(page_rows, key=lambda r: r[2]["median"])
    print(f"slowest page vs admin changelist: {slowest['median'] / base:.2f}× ({role} {url})")


if __name__ == "__main__":
    main()
