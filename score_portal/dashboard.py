"""The officer's home page: what needs attention this month, and the programme's headline figures.

It sits above the four apps (like the demo loader) because it counts across all of them; every count starts
from the ``*_visible_to(user)`` selectors. The number of queries does not depend on the number of rows.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Exists, F, OuterRef, Q, Sum
from django.utils import timezone

from core import roles
from enterprises.figures import figures_kept
from enterprises.models import Participation, Result
from enterprises.results.selectors import results_awaiting_review, results_visible_to, review_rows
from programmes.models import Agreement, Country, Module, TrainingRound
from programmes.selectors import agreements_visible_to, countries_visible_to, on_local_days, rounds_visible_to
from trainers.models import Qualification, Trainer
from trainers.selectors import trainers_visible_to

Status = TrainingRound.Status
UPCOMING_DAYS = 30
LICENCE_WARNING_DAYS = 90
LIST_LIMIT = 15
REVIEW_OLDEST = 5  # the longest-waiting results the officer's home lists


def officer_dashboard(user, today: dt.date | None = None) -> dict:
    today = today or timezone.localdate()
    rounds = rounds_visible_to(user)
    live_rounds = rounds.exclude(status=Status.CANCELLED)

    starting_soon = list(
        live_rounds.filter(on_local_days("start", first=0, last=UPCOMING_DAYS))
        .select_related("module", "organiser")
        .order_by("start")
    )

    licences_expiring = list(
        agreements_visible_to(user)
        .filter(on_local_days("end", first=0, last=LICENCE_WARNING_DAYS), kind=Agreement.Kind.LICENCE)
        .select_related("organisation")
        .order_by("end")
    )

    figures = headline_figures(user, today)
    ended_without_results = list(
        # [0] matches no round: one query whether or not there are any (a bounded, constant query count)
        rounds.filter(pk__in=figures["ended_without_results_latest"] or [0])
        .select_related("module", "organiser")
        .order_by("-end", "pk")
    )
    return {
        "today": today,
        "upcoming_days": UPCOMING_DAYS,
        "licence_days": LICENCE_WARNING_DAYS,
        "starting_soon": starting_soon,
        "ended_without_results": ended_without_results,
        "ended_without_results_count": figures["ended_without_results"],
        "licences_expiring": licences_expiring,
        "by_module": [
            {"module": m, **{k: figures[k].get(str(m.pk), 0) for k in ("trained", "in_training", "qualified")}}
            for m in Module.objects.all()
        ],
        "participants": figures["participants"],
        "rounds_running": figures["rounds_running"],
        "review_count": review_queue_count(user),
        "review_oldest": review_oldest(user, today),
        "countries": country_states(user),
    }


def country_states(user) -> list[dict]:
    """Each country programme the user sees, at a glance (for whoever sees more than one: the global team): its
    date, rounds running and starting in the next 30 days, enterprises and participants with the women's share,
    results approved and awaiting review, rounds ended without results, and the cost recovery. Four GROUP BY
    queries whatever the number of countries; kept until the data changes."""
    countries = list(countries_visible_to(user).order_by("name"))
    if len(countries) < 2:
        return []
    dates = tuple(country.today() for country in countries)
    return figures_kept(user, "country-states", (dates,), lambda: _country_states(user, countries))


def _country_states(user, countries) -> list[dict]:
    live = rounds_visible_to(user).exclude(status=Status.CANCELLED)
    approved = Result.objects.filter(training_round=OuterRef("pk"), status=Result.Status.APPROVED)
    trains = [TrainingRound.Kind.TOE, TrainingRound.Kind.BOTH]
    rounds = {
        row["country"]: row
        for row in live.values("country")
        .annotate(
            running=Count("pk", filter=Q(status__in=[Status.CLASSROOM, Status.CONSULTING])),
            soon=Count("pk", filter=on_local_days("start", first=0, last=UPCOMING_DAYS)),
            ended_without=Count("pk", filter=on_local_days("end", last=-1) & Q(kind__in=trains) & ~Q(Exists(approved))),
            cost=Sum("cost_total", filter=Q(cost_total__gt=0)),
            others=Sum(
                F("paid_by_enterprises") + F("paid_by_partners") + F("paid_by_sponsors"), filter=Q(cost_total__gt=0)
            ),
        )
        .order_by()
    }
    people = {
        row["training_round__country"]: row
        for row in Participation.objects.filter(training_round__in=live)
        .values("training_round__country")
        .annotate(
            enterprises=Count("enterprise", distinct=True),
            women=Sum(F("managers_women") + F("workers_women")),
            men=Sum(F("managers_men") + F("workers_men")),
        )
        .order_by()
    }
    results = {
        row["enterprise__country"]: row
        for row in results_visible_to(user)
        .values("enterprise__country")
        .annotate(
            approved=Count("pk", filter=Q(status=Result.Status.APPROVED)),
            waiting=Count("pk", filter=Q(status=Result.Status.SUBMITTED)),
        )
        .order_by()
    }
    out = []
    for country in countries:
        r, p, res = rounds.get(country.pk, {}), people.get(country.pk, {}), results.get(country.pk, {})
        women, men = p.get("women") or 0, p.get("men") or 0
        cost = r.get("cost")
        out.append(
            {
                "country": country,
                "today": country.today(),
                "running": r.get("running", 0),
                "soon": r.get("soon", 0),
                "ended_without": r.get("ended_without", 0),
                "enterprises": p.get("enterprises", 0),
                "participants": women + men,
                "women_percent": round(100 * women / (women + men)) if women + men else None,
                "approved": res.get("approved", 0),
                "waiting": res.get("waiting", 0),
                "cost_recovery": round(100 * r["others"] / cost) if cost else None,
            }
        )
    return out


def review_oldest(user, today: dt.date) -> list:
    """The longest-waiting results of the review queue, with their days waited. Which ones is kept until the
    data changes (core.datacache, as the queue's count): ordering every submitted result by its latest
    submission was most of the officer's home at 100,000 enterprises (6,457 submitted results, joined to their
    enterprises before the sort: 100 ms); the few rows are then read by their ids."""
    ids = figures_kept(
        user,
        "review-oldest",
        (),
        lambda: list(results_awaiting_review(user).values_list("pk", flat=True)[:REVIEW_OLDEST]),
    )
    return review_rows(results_awaiting_review(user).filter(pk__in=ids), today)


def review_queue_count(user) -> int:
    """How many submitted results wait for the user's review (officers only). The navigation shows it on every
    page, so it is kept until the data changes (core.datacache: two cache reads, no query, on most pages)."""
    if not roles.is_officer(user):
        return 0
    return figures_kept(user, "review-queue", (), lambda: results_awaiting_review(user).count())


def headline_figures(user, today: dt.date) -> dict:
    """The counts over the user's part of the programme, kept until the data under them changes
    (core.datacache; officers all see the same programme, so they share one answer). A day's figures are
    that day's: a qualification lapses and a round ends with the date."""
    local = tuple(Country.objects.order_by("pk").values_list("time_zone", flat=True).distinct())
    dates = tuple(Country(time_zone=zone).today() for zone in local)  # a round ends with its country's day
    return figures_kept(user, "headline", (today, dates), lambda: count_figures(user, today))


def count_figures(user, today: dt.date) -> dict:
    rounds = rounds_visible_to(user)
    live_rounds = rounds.exclude(status=Status.CANCELLED)
    approved = Result.objects.filter(training_round=OuterRef("pk"), status=Result.Status.APPROVED)
    without_results = live_rounds.filter(
        on_local_days("end", last=-1), kind__in=[TrainingRound.Kind.TOE, TrainingRound.Kind.BOTH]
    ).exclude(Exists(approved))
    latest = without_results.order_by("-end", "pk")
    taken = Participation.objects.filter(training_round__in=live_rounds)

    trained = dict(
        taken.filter(training_round__status=Status.COMPLETED)
        .values_list("training_round__module")
        .annotate(n=Count("enterprise", distinct=True))
    )
    in_training = dict(
        taken.filter(training_round__status__in=[Status.CLASSROOM, Status.CONSULTING])
        .values_list("training_round__module")
        .annotate(n=Count("enterprise", distinct=True))
    )
    qualified = dict(
        Qualification.objects.valid_on(today)
        .filter(trainer__in=trainers_visible_to(user), trainer__active=True)
        .values_list("module")
        .annotate(n=Count("trainer", distinct=True))
    )
    sums = taken.aggregate(
        managers_women=Sum("managers_women"),
        managers_men=Sum("managers_men"),
        workers_women=Sum("workers_women"),
        workers_men=Sum("workers_men"),
        enterprises=Count("enterprise", distinct=True),
    )
    sums = {k: v or 0 for k, v in sums.items()}
    women = sums["managers_women"] + sums["workers_women"]
    men = sums["managers_men"] + sums["workers_men"]
    return {
        "trained": {str(k): n for k, n in trained.items()},
        "in_training": {str(k): n for k, n in in_training.items()},
        "qualified": {str(k): n for k, n in qualified.items()},
        "participants": {
            **sums,
            "women": women,
            "men": men,
            "all": women + men,
            "women_percent": round(100 * women / (women + men)) if women + men else None,
        },
        "rounds_running": live_rounds.filter(status__in=[Status.CLASSROOM, Status.CONSULTING]).count(),
        "ended_without_results": without_results.count(),
        "ended_without_results_latest": list(latest.values_list("pk", flat=True)[:LIST_LIMIT]),
    }


def trainer_home_context(user) -> dict:
    """A trainer's home: the trainer record and the rounds they deliver, latest first."""
    return {
        "trainer": Trainer.objects.get(pk=roles.trainer_id(user)),
        "rounds": list(rounds_visible_to(user).select_related("module", "organiser").order_by("-start")),
    }
