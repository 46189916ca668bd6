"""Benchmark: the portal's pages with more data than the whole global SCORE programme.

SCORE has trained several thousand SMEs in a dozen countries through about 56 partner institutions. This
script fills a PostgreSQL database with more than that, then requests the main pages as a project officer and
as a partner user, and prints for each page its HTTP status, its number of SQL queries and its wall time.

    createdb -h 127.0.0.1 -U postgres score_bench_pages
    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/score_bench_pages .venv/bin/python manage.py migrate
    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/score_bench_pages .venv/bin/python bench/pages.py
    dropdb -h 127.0.0.1 -U postgres score_bench_pages   # when done

The data (made once with bulk_create in a few seconds, then reused: the marker organisation says it is there):
61 organisations in 12 countries (the marker included) with their agreements, 2,000 training rounds over the
five modules (planned, running, completed and cancelled; some co-organised), 10,000 enterprises (each brought
in by one organisation, taking Module 1 and then 0-2 more modules in 1-3 rounds, with attendance), 1,500
trainers with qualifications and round assignments (qualified on the round's start), 20,000 factory visits,
8,000 results (mostly approved, with their approval steps and history) with 3 KPI lines each. ANALYZE runs
after loading, as autovacuum would on a live database.

Each page is requested once to warm up, then 5 times; the table gives the median and the slowest of the 5,
the queries of one request (on the default connection, session and user included), the median time spent
executing SQL (the rest is Python: views, forms, templates) and the response size.
Trainers and organisations are officers' pages (a partner gets 403 there), so only the officer opens them.
The partner works for the organisation with the most enterprises. ``BENCH_REPEAT`` changes the 5.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import statistics
import sys
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "score_portal.settings")
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import Group, User  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count, F  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from simple_history.utils import bulk_create_with_history  # noqa: E402

from core import roles  # noqa: E402
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
from programmes.models import Agreement, Module, Organisation, PartnerMembership, TrainingRound  # noqa: E402
from trainers.models import Qualification, RoundTrainer, Trainer  # noqa: E402

settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]  # django.test.Client's host

MARKER = "SCORE bench data set (marker)"
REPEAT = int(os.environ.get("BENCH_REPEAT", "5"))
N_ROUNDS, N_ENTERPRISES, N_TRAINERS, N_VISITS, N_RESULTS, KPI_LINES_PER_RESULT = 2_000, 10_000, 1_500, 20_000, 8_000, 3
BATCH = 2_000

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


def _bulk(model, objs, history=False):
    if history:
        return bulk_create_with_history(objs, model, batch_size=BATCH)
    return model.objects.bulk_create(objs, batch_size=BATCH)


def create_data(rng: random.Random) -> None:
    today = timezone.localdate()
    t0 = time.perf_counter()
    modules = {m.code: m for m in Module.objects.all()}
    kpis = list(KPI.objects.filter(active=True))

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
        later = [r for r in later_by_org.get(org_id, []) if r.start >= m1.start]
        rng.shuffle(later)
        for r in later:
            if len(chosen) > wanted:
                break
            if r.module_id not in seen:
                chosen.append(r)
                seen.add(r.module_id)
        women = rng.randint(10, 600)
        enterprises.append(
            Enterprise(
                name=f"{rng.choice(words_a)} {rng.choice(words_b)} Co. {i:05}",
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
    qualified: dict[int, list[Qualification]] = {}
    for q in quals:
        qualified.setdefault(q.module_id, []).append(q)
    round_trainers, delivering = [], {}
    for r in rounds:
        if r.kind == "tot":
            pool = [q.trainer for q in qualified[r.module_id] if q.valid_on(r.start)]
            lead = rng.choice(pool)
            picked = [(lead, RoundTrainer.Role.MODULE_EXPERT)] + [
                (t, RoundTrainer.Role.CANDIDATE) for t in rng.sample(trainers, 3) if t.pk != lead.pk
            ]
        else:
            pool = [q.trainer for q in qualified[r.module_id] if q.valid_on(r.start) and q.trainer.active]
            own = [t for t in pool if t.organisation_id == r.organiser_id]
            picks = rng.sample(own, min(len(own), rng.randint(1, 3))) or rng.sample(pool, 1)
            picked = [
                (t, RoundTrainer.Role.LEAD if i == 0 else RoundTrainer.Role.CO_TRAINER) for i, t in enumerate(picks)
            ]
        for t, role in picked:
            round_trainers.append(RoundTrainer(training_round=r, trainer=t, role=role))
            if role != RoundTrainer.Role.CANDIDATE:
                delivering.setdefault(r.pk, []).append(t)
    _bulk(RoundTrainer, round_trainers)

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
    Organisation.objects.create(name=MARKER, kind=Organisation.Kind.OTHER, notes="bench/pages.py made this data.")
    print(f"data created in {time.perf_counter() - t0:.0f} s")


def users() -> tuple[User, User]:
    """The officer and the partner (who works for the organisation that brought in the most enterprises)."""
    officer, _created = User.objects.get_or_create(username="bench-officer", defaults={"is_staff": True})
    officer.groups.add(Group.objects.get(name=roles.OFFICERS))
    partner, _created = User.objects.get_or_create(username="bench-partner")
    partner.groups.add(Group.objects.get(name=roles.PARTNERS))
    org = Organisation.objects.annotate(n=Count("enterprises")).order_by("-n", "pk").first()
    PartnerMembership.objects.update_or_create(user=partner, defaults={"organisation": org})
    return officer, partner


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
    trainer = Trainer.objects.annotate(n=Count("rounds")).order_by("-n", "pk").first()
    result = Result.objects.filter(enterprise=enterprise, status=Result.Status.APPROVED).order_by("pk").first()
    result = result or Result.objects.filter(organisation=partner_org).order_by("pk").first()
    term = enterprise.name.split()[0]
    return [
        ("/", True),
        ("/rounds/", True),
        (f"/rounds/?status=completed&module={m1.pk}", True),
        (f"/rounds/{big_round.pk}/", True),
        ("/enterprises/", True),
        (f"/enterprises/?q={term}", True),
        (f"/enterprises/{enterprise.pk}/", True),
        ("/trainers/", False),
        (f"/trainers/{trainer.pk}/", False),
        ("/organisations/", False),
        (f"/organisations/{partner_org.pk}/", False),
        ("/results/", True),
        (f"/results/{result.pk}/", True),
        ("/rounds/?_export=csv", True),
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


def measure(client: Client, url: str) -> dict:
    client.get(url)  # warm-up
    times, sql_times, queries = [], [], set()
    for _ in range(REPEAT):
        timer = SQLTimer()
        with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(timer):
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        queries.add(len(captured))
        sql_times.append(timer.seconds * 1000)
    return {
        "status": response.status_code,
        "queries": "–".join(str(q) for q in sorted(queries)),
        "median": statistics.median(times),
        "max": max(times),
        "sql": statistics.median(sql_times),
        "kib": len(response.content) / 1024,
    }


def main() -> None:
    rng = random.Random(2014)
    if Organisation.objects.filter(name=MARKER).exists():
        print("reusing the data already in the database")
    else:
        with transaction.atomic():
            create_data(rng)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    officer, partner = users()
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
    print(f"database {connection.settings_dict['NAME']} ({connection.vendor}), DEBUG={settings.DEBUG}")
    print(" · ".join(f"{name.strip()} {n:,}" for name, n in counts))
    print(
        f"partner: {partner_org.name}, {partner_org.enterprises.count():,} enterprises brought in, "
        f"{partner_org.organised_rounds.count():,} rounds organised; {REPEAT} requests per page after a warm-up"
    )
    clients = {}
    for role, user in (("officer", officer), ("partner", partner)):
        clients[role] = Client()
        clients[role].force_login(user)
    rows, failed = [], []
    for url, partner_may in pages(partner_org):
        for role in ("officer", "partner") if partner_may else ("officer",):
            m = measure(clients[role], url)
            rows.append((url, role, m))
            if m["status"] != 200:
                failed.append(f"{role} {url}: {m['status']}")
    print()
    print("| page | role | status | queries | median ms | max ms | of which SQL ms | KiB |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for url, role, m in rows:
        figures = (
            f"{m['status']} | {m['queries']} | {m['median']:.0f} | {m['max']:.0f} | {m['sql']:.0f} | {m['kib']:.0f}"
        )
        print(f"| `{url}` | {role} | {figures} |")
    if failed:
        print("\nnot 200: " + "; ".join(failed))
        sys.exit(1)


if __name__ == "__main__":
    main()
