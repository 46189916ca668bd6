"""Programme figures: what SCORE achieved, counted in the database for whoever asks.

They read across the data apps (rounds, trainers, enterprises and their results), so they live in the highest
of them. Every figure starts from the ``*_visible_to(user)`` selectors: an officer counts the whole programme,
a partner only its own rounds, enterprises, trainers and results, never more. Every figure is one GROUP BY
(or one aggregate) in the database, so a page costs the same few queries whatever the number of rows.

A figure is a small table (``Figure``: title, columns, rows) plus how to draw it; the figures pages, their
XLSX export, the officer's home and the newsletter's "programme in figures" block all use the same ones, and
``figure_chart`` draws each with ``core.charts`` so that a page and the PDF show the same chart.

What counts where:
- rounds (cancelled ones never count) belong to the period of their start date, to their module and
  province, and to their organiser and co-organisers when filtering by organisation; grouped by
  organisation, a round counts for its organiser only, so that the rows add up;
- participants and enterprises are those of the rounds counted; an enterprise counts once in a row;
- results count when approved, in the period of their approval, for their module, the province of their
  enterprise and the organisation that reported them or ran their round;
- trainers are those who delivered the rounds counted; certifications those valid at the end of the
  period (or today) of active trainers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import ExtractQuarter, ExtractYear
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from core import datacache, roles
from core.charts import bar_chart
from core.queries import Median
from programmes.models import Country, ExchangeRate, Module, Organisation, TrainingRound
from programmes.selectors import rounds_visible_to
from trainers.models import Qualification, RoundTrainer, Sex, Trainer
from trainers.selectors import trainers_visible_to

from .models import KPI, KPILine, Participation, Result
from .results.selectors import results_visible_to

Status = TrainingRound.Status
STARTED = (Status.CLASSROOM, Status.CONSULTING, Status.COMPLETED)
ATTENDANCE = ("managers_women", "managers_men", "workers_women", "workers_men")


@dataclass(frozen=True)
class FigureFilters:
    """Which part of the programme to count: a period (start and end dates, inclusive), a module, a province,
    an organisation, a country programme. Empty means all."""

    start: dt.date | None = None
    end: dt.date | None = None
    module_id: int | None = None
    province: str = ""
    organisation_id: int | None = None
    country_id: int | None = None

    @classmethod
    def for_year(cls, year: int | None, quarter: int | None = None, **kwargs) -> FigureFilters:
        if year is None:
            return cls(**kwargs)
        if quarter:
            start = dt.date(year, 3 * quarter - 2, 1)
            end = dt.date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1) - dt.timedelta(days=1)
        else:
            start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
        return cls(start=start, end=end, **kwargs)

    @property
    def by_quarter(self) -> bool:
        """A period of a year or less is shown by quarter, a longer one (or all years) by year."""
        return bool(self.start and self.end and (self.end - self.start).days <= 366)


@dataclass
class Column:
    label: str
    kind: str = "int"  # text, int, number, percent, money


@dataclass
class Figure:
    key: str
    title: str
    description: str
    columns: list[Column]
    rows: list[list]
    chart: dict | None = None  # {"categories": [...], "series": [(label, values)], "stacked": bool, "percent": bool}
    note: str = ""
    totals: list | None = None

    @property
    def wide(self) -> bool:
        return len(self.columns) > 5

    @property
    def display_rows(self) -> list[list[Cell]]:
        """The rows as the page prints them, numbers in the active language's format."""
        return [_display(row, self.columns) for row in self.rows]

    @property
    def display_totals(self) -> list[Cell] | None:
        return _display(self.totals, self.columns) if self.totals else None

    @property
    def empty(self) -> bool:
        return not self.rows


@dataclass
class ProgrammeFigures:
    filters: FigureFilters
    headline: dict
    figures: list[Figure] = field(default_factory=list)

    def get(self, key: str) -> Figure | None:
        return next((f for f in self.figures if f.key == key), None)


@dataclass(frozen=True)
class Cell:
    text: str
    number: bool

    def __str__(self) -> str:
        return self.text


def _described(rows: list[list], sentence: str, columns: dict[str, int], empty: str) -> str:
    """A figure's text alternative: ``sentence`` for each row, its placeholders filled from the row's
    ``columns`` (placeholder -> index), joined by "; "; ``empty`` when there is no row."""
    return "; ".join(sentence % {name: row[i] for name, i in columns.items()} for row in rows) or empty


def _display(row: list, columns: list[Column]) -> list[Cell]:
    out = []
    for value, column in zip(row, columns, strict=True):
        number = column.kind != "text"
        if value is None:
            text = "—"
        elif not number:
            text = str(value)
        elif column.kind == "percent":
            text = f"{number_format(value, 1, force_grouping=True)} %"
        elif column.kind in ("money", "number"):
            decimals = 0 if column.kind == "money" or float(value).is_integer() else 2
            text = number_format(value, decimals, force_grouping=True)
        else:
            text = number_format(value, 0, force_grouping=True)
        out.append(Cell(text, number))
    return out


# --- Scope ---------------------------------------------------------------------------------------------------


class _ProgrammeWide:
    """Who asks when the figures are published (the newsletter's "programme in figures"): nobody in particular,
    so the whole programme, and only its official figures (approved results, rounds not cancelled). Passed
    explicitly: an unknown or anonymous user still sees nothing."""

    def __repr__(self) -> str:
        return "PROGRAMME_WIDE"


PROGRAMME_WIDE = _ProgrammeWide()


def _rounds_of(user) -> QuerySet[TrainingRound]:
    return TrainingRound.objects.all() if user is PROGRAMME_WIDE else rounds_visible_to(user)


def _results_of(user) -> QuerySet[Result]:
    return Result.objects.all() if user is PROGRAMME_WIDE else results_visible_to(user)


def _trainers_of(user) -> QuerySet[Trainer]:
    return Trainer.objects.all() if user is PROGRAMME_WIDE else trainers_visible_to(user)


def _counted_q(filters: FigureFilters, prefix: str = "") -> Q:
    """The filters on a round (``prefix``: the path to it from another table), cancelled rounds left out."""
    q = ~Q(**{f"{prefix}status": Status.CANCELLED})
    if filters.start:
        q &= Q(**{f"{prefix}start__gte": filters.start})
    if filters.end:
        q &= Q(**{f"{prefix}start__lte": filters.end})
    if filters.module_id:
        q &= Q(**{f"{prefix}module_id": filters.module_id})
    if filters.province:
        q &= Q(**{f"{prefix}province": filters.province})
    if filters.country_id:
        q &= Q(**{f"{prefix}country_id": filters.country_id})
    if filters.organisation_id:
        co = TrainingRound.co_organisers.through.objects.filter(organisation_id=filters.organisation_id)
        q &= Q(**{f"{prefix}organiser_id": filters.organisation_id}) | Q(
            **{f"{prefix}pk__in": co.values("traininground_id")}
        )
    return q


def rounds_counted(user, filters: FigureFilters) -> QuerySet[TrainingRound]:
    """The rounds a figure counts: visible to the user, not cancelled, inside the filters."""
    return _rounds_of(user).filter(_counted_q(filters))


def in_rounds_counted(queryset: QuerySet, user, filters: FigureFilters) -> QuerySet:
    """Rows of a table with a ``training_round`` (participations, trainers in rounds) whose round is counted,
    filtered through the one join the figures group on (not a second one through ``__in``); the user's scope
    is a subquery only when it is not the whole programme."""
    queryset = queryset.filter(_counted_q(filters, "training_round__"))
    if user is PROGRAMME_WIDE:
        return queryset
    if roles.is_officer(user):  # their countries' rounds, on the same join
        ids = roles.country_ids(user)
        return queryset if ids is None else queryset.filter(training_round__country_id__in=ids)
    return queryset.filter(training_round__in=_rounds_of(user))


def results_counted(user, filters: FigureFilters) -> QuerySet[Result]:
    results = _results_of(user).filter(status=Result.Status.APPROVED)
    if filters.start:
        results = results.filter(approved_at__date__gte=filters.start)
    if filters.end:
        results = results.filter(approved_at__date__lte=filters.end)
    if filters.module_id:
        results = results.filter(module_id=filters.module_id)
    if filters.province:
        results = results.filter(enterprise__province=filters.province)
    if filters.country_id:
        results = results.filter(enterprise__country_id=filters.country_id)
    if filters.organisation_id:
        results = results.filter(
            Q(organisation_id=filters.organisation_id) | Q(training_round__organiser_id=filters.organisation_id)
        )
    return results


def scope_key(user) -> str | None:
    """Whose part of the programme a user's figures count, as a cache key: everyone who sees the same rounds,
    enterprises, results and trainers shares it (the selectors' rules: officers their countries, the global team
    the whole programme, a partner its organisation's, a trainer their own rounds). None: the user sees nothing,
    nothing is kept."""
    if user is PROGRAMME_WIDE:
        return "programme"
    if roles.is_officer(user):  # officers of the same countries see the same figures
        ids = roles.country_ids(user)
        return "officers" if ids is None else "officers-" + "-".join(str(i) for i in sorted(ids))
    org_id = roles.partner_organisation_id(user)
    if org_id is not None:
        return f"organisation-{org_id}"
    if roles.is_trainer(user):
        return f"trainer-user-{user.pk}"
    return None


def figures_kept(user, name: str, parts, compute):
    """``compute()`` kept in the cache (core.datacache) for this user's scope, the language and ``parts``,
    until the programme's data changes."""
    scope = scope_key(user)
    if scope is None:
        return compute()
    return datacache.cached(f"figures:{name}:{scope}:{translation.get_language()}:{parts!r}", compute)


def figure_years(user) -> tuple[list[int], int | None]:
    """The years that have rounds the user may see, newest first, and the latest one with a round that has
    started (the year the figures pages open on: the 2014 demo opens on 2014, not on its planned 2015 ToT)."""
    return figures_kept(user, "years", (), lambda: _figure_years(user))


def _figure_years(user) -> tuple[list[int], int | None]:
    rows = list(
        rounds_visible_to(user)
        .exclude(status=Status.CANCELLED)
        .annotate(year=ExtractYear("start"))
        .values("year")
        .annotate(started=Count("pk", filter=Q(status__in=STARTED)))
        .order_by("-year")
    )
    years = [r["year"] for r in rows]
    latest = next((r["year"] for r in rows if r["started"]), years[0] if years else None)
    return years, latest


def filter_choices(user) -> dict:
    """What the filters offer: the user's modules, provinces, organisations and countries (a partner: only its
    own)."""
    return figures_kept(user, "choices", (), lambda: _filter_choices(user))


def _filter_choices(user) -> dict:
    rounds = rounds_visible_to(user).exclude(status=Status.CANCELLED)
    provinces = list(rounds.order_by("province").values_list("province", flat=True).distinct())
    co = TrainingRound.co_organisers.through.objects.filter(traininground_id__in=rounds.values("pk"))
    organisations = list(
        Organisation.objects.filter(Q(pk__in=rounds.values("organiser_id")) | Q(pk__in=co.values("organisation_id")))
    )
    countries = list(Country.objects.filter(pk__in=rounds.values("country_id")).order_by("name"))
    return {
        "modules": list(Module.objects.all()),
        "provinces": provinces,
        "organisations": organisations,
        "countries": countries,
    }


# --- Counting ------------------------------------------------------------------------------------------------


def _women_percent(women: int, men: int) -> float | None:
    return round(100 * women / (women + men), 1) if women + men else None


def _attendance(row: dict) -> dict:
    values = {name: row.get(name) or 0 for name in ATTENDANCE}
    women = values["managers_women"] + values["workers_women"]
    men = values["managers_men"] + values["workers_men"]
    return {
        **values,
        "women": women,
        "men": men,
        "participants": women + men,
        "women_percent": _women_percent(women, men),
    }


def _attendance_sums() -> dict:
    return {name: Sum(name) for name in ATTENDANCE} | {"enterprises": Count("enterprise", distinct=True)}


def _grouped(participations, rounds, p_key, r_key) -> dict:
    """{group: {rounds, enterprises, managers_women, ..., women_percent}} in two GROUP BY queries."""
    out: dict = {}
    for row in participations.values(group=p_key).annotate(**_attendance_sums()).order_by():
        out[row["group"]] = {"rounds": 0, "enterprises": row["enterprises"], **_attendance(row)}
    for row in rounds.values(group=r_key).annotate(n=Count("pk")).order_by():
        out.setdefault(row["group"], {"enterprises": 0, **_attendance({})})["rounds"] = row["n"]
    return out


def _period_label(year: int, quarter: int | None) -> str:
    if quarter is None:
        return str(year)
    return _("%(year)s Q%(quarter)s") % {"year": year, "quarter": quarter}


def _period_key(filters: FigureFilters, prefix: str = ""):
    year = ExtractYear(f"{prefix}start")
    return (year, ExtractQuarter(f"{prefix}start")) if filters.by_quarter else (year, None)


FIGURE_KEYS = (
    "participants",
    "by_country",
    "by_module",
    "by_province",
    "by_organisation",
    "by_period",
    "trainers",
    "certifications",
    "kpi_outcomes",
    "results_missing",
    "cost_by_period",
    "cost_by_organisation",
    "cost_by_module",
    "cost_by_country",
)


def programme_figures(
    user, filters: FigureFilters, *, only: tuple[str, ...] | None = None, today: dt.date | None = None
) -> ProgrammeFigures:
    """The figures (all of ``FIGURE_KEYS``, or ``only`` those) for this user and these filters, with the
    headline totals, in a fixed number of queries; kept until the data changes (core.datacache)."""
    today = today or timezone.localdate()
    return figures_kept(user, "figures", (filters, only, today), lambda: _programme_figures(user, filters, only, today))


def _programme_figures(user, filters: FigureFilters, only: tuple[str, ...] | None, today: dt.date) -> ProgrammeFigures:
    wanted = [k for k in FIGURE_KEYS if only is None or k in only]
    rounds = rounds_counted(user, filters)
    participations = in_rounds_counted(Participation.objects.all(), user, filters)
    modules = {m.pk: m for m in Module.objects.all()}

    totals = participations.aggregate(**_attendance_sums())
    headline = {"rounds": rounds.count(), "enterprises": totals["enterprises"], **_attendance(totals)}

    module_label = lambda pk: str(modules[pk]) if pk in modules else "?"  # noqa: E731
    module_order = lambda pk: (modules[pk].order, modules[pk].code) if pk in modules else (999, "")  # noqa: E731

    def by_module():
        grouped = _grouped(participations, rounds, F("training_round__module"), F("module"))
        return _attendance_figure(
            "by_module",
            _("Participants by module"),
            grouped,
            labels=module_label,
            order=module_order,
            first=_("Module"),
            chart="roles",
        )

    def by_country():
        """The countries side by side: rounds, enterprises, participants by role and sex, the women's share, and
        the results approved (in the period, for the other filters)."""
        grouped = _grouped(participations, rounds, F("training_round__country"), F("country"))
        approved = dict(
            results_counted(user, filters).values_list("enterprise__country").annotate(n=Count("pk")).order_by()
        )
        for country_id in approved:
            grouped.setdefault(country_id, {"rounds": 0, "enterprises": 0, **_attendance({})})
        if len(grouped) < 2:
            return None  # one country (or none): nothing to compare
        names = dict(Country.objects.filter(pk__in=list(grouped)).values_list("pk", "name"))
        figure = _attendance_figure(
            "by_country",
            _("The countries compared"),
            grouped,
            labels=lambda pk: names.get(pk, "?"),
            order=lambda pk: names.get(pk, ""),
            first=_("Country"),
            chart="sex",
        )
        figure.columns.append(Column(_("Approved results")))
        for key, row in zip(sorted(grouped, key=lambda pk: names.get(pk, "")), figure.rows, strict=True):
            row.append(approved.get(key, 0))
        return figure

    def by_province():
        grouped = _grouped(participations, rounds, F("training_round__province"), F("province"))
        return _attendance_figure(
            "by_province",
            _("Enterprises and participants by province"),
            grouped,
            labels=str,
            order=str,
            first=_("Province"),
            chart="enterprises",
        )

    def by_organisation():
        grouped = _grouped(participations, rounds, F("training_round__organiser"), F("organiser"))
        orgs = Organisation.objects.in_bulk(list(grouped))
        return _attendance_figure(
            "by_organisation",
            _("Enterprises and participants by organising partner"),
            grouped,
            labels=lambda pk: str(orgs[pk]) if pk in orgs else "?",
            order=lambda pk: str(orgs.get(pk, "")),
            first=_("Organiser"),
            chart="enterprises",
        )

    def by_period():
        grouped = _grouped_period(
            participations, rounds, _period_key(filters, "training_round__"), _period_key(filters)
        )
        return _attendance_figure(
            "by_period",
            _("Participants by quarter") if filters.by_quarter else _("Participants by year"),
            grouped,
            labels=lambda key: _period_label(*key),
            order=lambda key: key,
            first=_("Quarter") if filters.by_quarter else _("Year"),
            chart="sex",
        )

    builders = {
        "participants": lambda: _participants_figure(headline),
        "by_country": by_country,
        "by_module": by_module,
        "by_province": by_province,
        "by_organisation": by_organisation,
        "by_period": by_period,
        "trainers": lambda: _trainers_figure(in_rounds_counted(RoundTrainer.objects.all(), user, filters), modules),
        "certifications": lambda: _certifications_figure(user, filters, modules, today),
        "kpi_outcomes": lambda: _kpi_figure(results_counted(user, filters)),
        "results_missing": lambda: _results_missing_figure(participations, modules),
    }
    figures = [figure for k in wanted if k in builders and (figure := builders[k]()) is not None]
    if any(k.startswith("cost_") for k in wanted):
        figures += [f for f in _cost_figures(rounds, filters, modules) if f.key in wanted]
    result = ProgrammeFigures(filters=filters, headline=headline, figures=figures)
    if trainers := result.get("trainers"):
        headline["trainers"] = trainers.totals[4]
        headline["trainers_women_percent"] = trainers.totals[5]
    if costs := result.get("cost_by_module"):
        headline["cost_recovery_percent"] = costs.totals[-1] if costs.totals else None
    return result


# The figures an editor can put in the newsletter's "programme in figures" block, in the order offered, each with
# what it shows. Counted for the period over the whole programme (``PROGRAMME_WIDE``).
PUBLISHABLE_FIGURES = (
    ("participants", gettext_lazy("Participants by role and sex, with the women's share")),
    ("by_module", gettext_lazy("Enterprises and participants by module")),
    ("by_province", gettext_lazy("Enterprises and participants by province")),
    ("by_organisation", gettext_lazy("Enterprises and participants by organising partner")),
    ("trainers", gettext_lazy("Trainers who delivered the rounds, by module and sex")),
    ("certifications", gettext_lazy("Certified trainers by module")),
    ("kpi_outcomes", gettext_lazy("KPI outcomes: enterprises that improved")),
    ("results_missing", gettext_lazy("Results reported for completed modules")),
    ("cost_by_module", gettext_lazy("Cost recovery by module")),
    ("cost_by_organisation", gettext_lazy("Cost recovery by organising partner")),
)
PUBLISHABLE_DEFAULT = ("participants", "by_module", "kpi_outcomes")


def published_figures(*, start: dt.date, end: dt.date, keys: list[str] | tuple[str, ...]) -> list[Figure]:
    """The chosen figures of the whole programme from ``start`` to ``end`` (inclusive), in the order chosen, those
    with something to show: what the newsletter prints (approved results only, cancelled rounds never)."""
    allowed = dict(PUBLISHABLE_FIGURES)
    wanted = tuple(k for k in keys if k in allowed)
    if not wanted:
        return []
    figures = programme_figures(PROGRAMME_WIDE, FigureFilters(start=start, end=end), only=wanted, today=end)
    by_key = {f.key: f for f in figures.figures}
    return [by_key[k] for k in wanted if k in by_key and not by_key[k].empty]


def _grouped_period(participations, rounds, p_keys, r_keys) -> dict:
    out: dict = {}
    p_year, p_quarter = p_keys
    r_year, r_quarter = r_keys
    p_group = {"y": p_year} | ({"q": p_quarter} if p_quarter is not None else {})
    r_group = {"y": r_year} | ({"q": r_quarter} if r_quarter is not None else {})
    for row in participations.values(**p_group).annotate(**_attendance_sums()).order_by():
        out[(row["y"], row.get("q"))] = {"rounds": 0, "enterprises": row["enterprises"], **_attendance(row)}
    for row in rounds.values(**r_group).annotate(n=Count("pk")).order_by():
        out.setdefault((row["y"], row.get("q")), {"enterprises": 0, **_attendance({})})["rounds"] = row["n"]
    return out


def _attendance_figure(key, title, grouped: dict, *, labels, order, first: str, chart: str) -> Figure:
    keys = sorted(grouped, key=order)
    columns = [
        Column(first, "text"),
        Column(_("Rounds")),
        Column(_("Enterprises")),
        Column(_("Participants")),
        Column(_("Managers, women")),
        Column(_("Managers, men")),
        Column(_("Workers, women")),
        Column(_("Workers, men")),
        Column(_("Women's share"), "percent"),
    ]
    rows = []
    for k in keys:
        g = grouped[k]
        rows.append(
            [
                labels(k),
                g["rounds"],
                g["enterprises"],
                g["participants"],
                *(g[name] for name in ATTENDANCE),
                g["women_percent"],
            ]
        )
    categories = [r[0] for r in rows]
    if chart == "roles":
        spec = {
            "categories": categories,
            "series": [(columns[4 + i].label, [r[4 + i] for r in rows]) for i in range(4)],
            "stacked": True,
        }
        description = _described(
            rows,
            _(
                "%(group)s: %(n)s participants; managers %(mw)s women and %(mm)s men, "
                "workers %(ww)s women and %(wm)s men"
            ),
            {"group": 0, "n": 3, "mw": 4, "mm": 5, "ww": 6, "wm": 7},
            "",
        )
    elif chart == "sex":
        spec = {
            "categories": categories,
            "series": [(_("Women"), [r[4] + r[6] for r in rows]), (_("Men"), [r[5] + r[7] for r in rows])],
            "stacked": True,
        }
        description = "; ".join(
            _("%(group)s: %(n)s participants, %(w)s women and %(m)s men")
            % {"group": r[0], "n": r[3], "w": r[4] + r[6], "m": r[5] + r[7]}
            for r in rows
        )
    else:
        spec = {"categories": categories, "series": [(_("Enterprises"), [r[2] for r in rows])]}
        description = _described(
            rows, _("%(group)s: %(e)s enterprises, %(n)s participants"), {"group": 0, "e": 2, "n": 3}, ""
        )
    return Figure(
        key=key,
        title=title,
        description=description or _("No rounds in this selection."),
        columns=columns,
        rows=rows,
        chart=spec if rows else None,
    )


def _participants_figure(totals: dict) -> Figure:
    """Participants by role (managers, workers) and sex, with the women's share: from the headline totals, so no
    query of its own."""
    rows = [
        [_("Managers"), totals["managers_women"], totals["managers_men"]],
        [_("Workers"), totals["workers_women"], totals["workers_men"]],
    ]
    rows = [[label, w, m, w + m, _women_percent(w, m)] for label, w, m in rows]
    women, men = totals["women"], totals["men"]
    return Figure(
        key="participants",
        title=_("Participants by role and sex"),
        description=_described(
            rows if women + men else [],
            _("%(group)s: %(n)s participants, %(w)s women and %(m)s men"),
            {"group": 0, "n": 3, "w": 1, "m": 2},
            _("No rounds in this selection."),
        ),
        columns=[
            Column(_("Role"), "text"),
            Column(_("Women")),
            Column(_("Men")),
            Column(_("Participants")),
            Column(_("Women's share"), "percent"),
        ],
        rows=rows if women + men else [],
        totals=[_("All participants"), women, men, women + men, _women_percent(women, men)] if women + men else None,
        chart={
            "categories": [r[0] for r in rows],
            "series": [(_("Women"), [r[1] for r in rows]), (_("Men"), [r[2] for r in rows])],
            "stacked": True,
        }
        if women + men
        else None,
    )


def _trainers_by_module_and_sex(queryset, module_field: str, modules) -> list[list]:
    """[module, women, men, sex not recorded, all] per module, each trainer once, in one GROUP BY."""
    grouped: dict = {}
    for row in queryset.values(module_field, "trainer__sex").annotate(n=Count("trainer", distinct=True)).order_by():
        grouped.setdefault(row[module_field], {})[row["trainer__sex"]] = row["n"]
    rows = []
    for pk in sorted(grouped, key=lambda pk: (modules[pk].order, modules[pk].code)):
        women, men, unknown = (grouped[pk].get(sex, 0) for sex in (Sex.FEMALE, Sex.MALE, ""))
        rows.append([str(modules[pk]), women, men, unknown, women + men + unknown])
    return rows


def _trainers_figure(delivered: QuerySet[RoundTrainer], modules) -> Figure:
    """Trainers who delivered the rounds counted, by module and sex (a trainer counts once per module)."""
    by_module = _trainers_by_module_and_sex(delivered, "training_round__module", modules)
    total = {
        row["trainer__sex"]: row["n"]
        for row in delivered.values("trainer__sex").annotate(n=Count("trainer", distinct=True)).order_by()
    }
    rows = [[*row, _women_percent(row[1], row[2])] for row in by_module]
    women, men, unknown = total.get(Sex.FEMALE, 0), total.get(Sex.MALE, 0), total.get("", 0)
    return Figure(
        key="trainers",
        title=_("Trainers who delivered the rounds, by module and sex"),
        description=_described(
            rows,
            _("%(group)s: %(n)s trainers, %(w)s women and %(m)s men"),
            {"group": 0, "n": 4, "w": 1, "m": 2},
            _("No trainers in this selection."),
        ),
        columns=[
            Column(_("Module"), "text"),
            Column(_("Women")),
            Column(_("Men")),
            Column(_("Sex not recorded")),
            Column(_("Trainers")),
            Column(_("Women's share"), "percent"),
        ],
        rows=rows,
        totals=[_("All modules (each trainer once)"), women, men, unknown, women + men + unknown]
        + [_women_percent(women, men)],
        chart={
            "categories": [r[0] for r in rows],
            "series": [(_("Women"), [r[1] for r in rows]), (_("Men"), [r[2] for r in rows])],
            "stacked": True,
        }
        if rows
        else None,
    )


def _certifications_figure(user, filters: FigureFilters, modules, today: dt.date) -> Figure:
    day = min(filters.end, today) if filters.end else today
    qualifications = Qualification.objects.valid_on(day).filter(trainer__in=_trainers_of(user), trainer__active=True)
    if filters.module_id:
        qualifications = qualifications.filter(module_id=filters.module_id)
    if filters.organisation_id:
        qualifications = qualifications.filter(trainer__organisation_id=filters.organisation_id)
    rows = _trainers_by_module_and_sex(qualifications, "module", modules)
    return Figure(
        key="certifications",
        title=_("Certified trainers by module"),
        description=_described(
            rows,
            _("%(group)s: %(n)s certified trainers, %(w)s women and %(m)s men"),
            {"group": 0, "n": 4, "w": 1, "m": 2},
            _("No certified trainers in this selection."),
        ),
        columns=[
            Column(_("Module"), "text"),
            Column(_("Women")),
            Column(_("Men")),
            Column(_("Sex not recorded")),
            Column(_("Certified trainers")),
        ],
        rows=rows,
        note=_("Active trainers whose certification is valid on %(day)s.") % {"day": day.isoformat()},
        chart={"categories": [r[0] for r in rows], "series": [(_("Certified trainers"), [r[4] for r in rows])]}
        if rows
        else None,
    )


def _kpi_figure(results) -> Figure:
    """Per KPI: approved results with a baseline and a follow-up, the share improved (by the KPI's
    direction) and the median change in the KPI's unit."""
    improved = Q(kpi__direction=KPI.Direction.HIGHER, followup_value__gt=F("baseline_value")) | Q(
        kpi__direction=KPI.Direction.LOWER, followup_value__lt=F("baseline_value")
    )
    lines = (
        KPILine.objects.filter(result__in=results)
        .values("kpi")
        .annotate(
            # a result has a KPI once (kpi_line_unique_per_result): its lines count results, no DISTINCT (a sort)
            results=Count("result"),
            improved=Count("result", filter=improved),
            median=Median(F("followup_value") - F("baseline_value")),
        )
        .order_by()
    )
    rows_by_kpi = {row["kpi"]: row for row in lines}
    kpis = KPI.objects.in_bulk(list(rows_by_kpi))
    rows = []
    for pk in sorted(rows_by_kpi, key=lambda pk: (kpis[pk].order, kpis[pk].name)):
        row, kpi = rows_by_kpi[pk], kpis[pk]
        share = round(100 * row["improved"] / row["results"], 1) if row["results"] else None
        rows.append(
            [
                kpi.local_name,
                kpi.local_unit,
                kpi.get_direction_display(),
                row["results"],
                row["improved"],
                share,
                row["median"],
            ]
        )
    return Figure(
        key="kpi_outcomes",
        title=_("KPI outcomes: enterprises that improved"),
        description=_described(
            rows,
            _("%(kpi)s: %(improved)s of %(n)s enterprises improved"),
            {"kpi": 0, "improved": 4, "n": 3},
            _("No approved results in this selection."),
        ),
        columns=[
            Column(_("KPI"), "text"),
            Column(_("Unit"), "text"),
            Column(_("Direction"), "text"),
            Column(_("Results with baseline and follow-up")),
            Column(_("Improved")),
            Column(_("Share improved"), "percent"),
            Column(_("Median change"), "number"),
        ],
        rows=rows,
        note=_("Approved results, in the period of their approval."),
        chart={
            "categories": [r[0] for r in rows],
            "series": [(_("Share improved"), [r[5] for r in rows])],
            "percent": True,
        }
        if rows
        else None,
    )


def _results_missing_figure(participations: QuerySet[Participation], modules) -> Figure:
    """Per module: enterprises that completed it in a round counted, and how many of them have a result."""
    completed = participations.filter(
        training_round__status=Status.COMPLETED,
        training_round__kind__in=[TrainingRound.Kind.TOE, TrainingRound.Kind.BOTH],
    ).annotate(  # the enterprise's result for the round's module (one at most), joined once, not looked up per row
        module_result=FilteredRelation(
            "enterprise__results", condition=Q(enterprise__results__module=F("training_round__module"))
        )
    )
    rows = []
    grouped = {
        row["training_round__module"]: row
        for row in completed.values("training_round__module")
        .annotate(
            n=Count("pk"),
            n_reported=Count(
                "pk", filter=Q(module_result__isnull=False) & ~Q(module_result__status=Result.Status.DRAFT)
            ),
            n_approved=Count("pk", filter=Q(module_result__status=Result.Status.APPROVED)),
        )
        .order_by()
    }
    for pk in sorted(grouped, key=lambda pk: (modules[pk].order, modules[pk].code)):
        g = grouped[pk]
        rows.append([str(modules[pk]), g["n"], g["n_reported"], g["n_approved"], g["n"] - g["n_reported"]])
    return Figure(
        key="results_missing",
        title=_("Results reported for completed modules"),
        description=_described(
            rows,
            _("%(group)s: %(n)s enterprises completed the module, %(a)s results approved, %(m)s still missing"),
            {"group": 0, "n": 1, "a": 3, "m": 4},
            _("No completed rounds in this selection."),
        ),
        columns=[
            Column(_("Module"), "text"),
            Column(_("Enterprises that completed it")),
            Column(_("Results reported")),
            Column(_("Results approved")),
            Column(_("Still missing")),
        ],
        rows=rows,
        chart={
            "categories": [r[0] for r in rows],
            "series": [
                (_("Approved"), [r[3] for r in rows]),
                (_("Reported, not yet approved"), [r[2] - r[3] for r in rows]),
                (_("Still missing"), [r[4] for r in rows]),
            ],
            "stacked": True,
        }
        if rows
        else None,
    )


def _usd_rate():
    """A round's rate to the US dollar: its currency's rate for the year it started (1 for US dollars), or NULL."""
    kept = ExchangeRate.objects.filter(currency=OuterRef("country__currency"), year=ExtractYear(OuterRef("start")))
    return Case(
        When(country__currency="USD", then=Value(Decimal(1))),
        default=Subquery(kept.values("units_per_usd")[:1]),
        output_field=DecimalField(max_digits=20, decimal_places=6),
    )


def _cost_sums(in_usd: bool = False) -> dict:
    """The rounds' count and money sums, in their one currency, or each round's amounts divided by its rate."""
    money = DecimalField(max_digits=24, decimal_places=6)
    amount = (lambda name: ExpressionWrapper(F(name) / F("usd_rate"), output_field=money)) if in_usd else F
    return {
        "n": Count("pk"),
        "total": Sum(amount("cost_total"), output_field=money),
        **{name: Sum(amount(name), output_field=money) for name in TrainingRound.COST_SHARES},
    }


def _cost_row(label: str, row: dict) -> list:
    total = row["total"] or Decimal(0)
    others = sum((row[name] or Decimal(0)) for name in TrainingRound.COST_SHARES[:3])
    share = round(float(100 * others / total), 1) if total else None
    return [label, row["n"], total, *(row[name] or Decimal(0) for name in TrainingRound.COST_SHARES), share]


@dataclass
class _Money:
    """In which money the cost figures count: the one currency of the rounds counted, or US dollars at the
    officers' yearly rates when they are in several (``note`` names the rates used and what had none)."""

    unit: str
    in_usd: bool
    note: str = ""


def _money_of(costed: QuerySet[TrainingRound]) -> tuple[QuerySet[TrainingRound], _Money]:
    currencies = sorted(set(costed.order_by().values_list("country__currency", flat=True).distinct()))
    if len(currencies) <= 1:
        return costed, _Money(currencies[0] if currencies else "", False)
    costed = costed.annotate(usd_rate=_usd_rate())
    year = ExtractYear("start")
    used = costed.filter(usd_rate__isnull=False).exclude(country__currency="USD")
    used = used.order_by().values_list("country__currency", year, "usd_rate").distinct()
    missing = (
        costed.filter(usd_rate__isnull=True).order_by().values("country__currency", y=year).annotate(n=Count("pk"))
    )
    parts = [
        _(
            "Amounts in US dollars, converted at the yearly rates the officers keep (the currency for one dollar): "
            "%(rates)s."
        )
        % {
            "rates": "; ".join(
                f"{c} {y}: {number_format(r.normalize(), force_grouping=True)}" for c, y, r in sorted(used)
            )
            or "—"
        }
    ]
    if missing:
        parts.append(
            _("Left out for want of a rate: %(rounds)s.")
            % {
                "rounds": "; ".join(
                    ngettext(
                        "%(n)d round in %(currency)s of %(year)d", "%(n)d rounds in %(currency)s of %(year)d", m["n"]
                    )
                    % {"n": m["n"], "currency": m["country__currency"], "year": m["y"]}
                    for m in sorted(missing, key=lambda m: (m["country__currency"], m["y"]))
                )
            }
        )
    return costed.filter(usd_rate__isnull=False), _Money("USD", True, " ".join(parts))


def _cost_by_country(costed: QuerySet[TrainingRound]) -> Figure:
    """Each country's cost recovery in its own currency, and in US dollars where a rate is kept: the share
    compares across currencies as it is, the money once converted."""
    rows = []
    by_country = costed.order_by().values("country", "country__name", "country__currency").annotate(**_cost_sums())
    in_usd = {
        r["country"]: r
        for r in costed.annotate(usd_rate=_usd_rate())
        .filter(usd_rate__isnull=False)
        .order_by()
        .values("country")
        .annotate(usd=_cost_sums(in_usd=True)["total"], n=Count("pk"))
    }
    for r in sorted(by_country, key=lambda r: r["country__name"]):
        row = _cost_row(r["country__name"], r)
        usd = in_usd.get(r["country"], {})
        whole = usd.get("n") == r["n"]  # a sum in dollars only when every round of the country has its rate
        rows.append([row[0], r["country__currency"], row[1], row[2], row[-1], usd["usd"] if whole else None])
    return Figure(
        key="cost_by_country",
        title=_("Cost recovery by country"),
        description="; ".join(
            _("%(group)s: %(share)s %% of the cost covered by non-ILO resources")
            % {"group": r[0], "share": "—" if r[4] is None else f"{r[4]:.0f}"}
            for r in rows
        )
        or _("No round in this selection has a recorded cost."),
        columns=[
            Column(_("Country"), "text"),
            Column(_("Currency"), "text"),
            Column(_("Rounds with a cost")),
            Column(_("Total cost"), "money"),
            Column(_("Covered by non-ILO resources"), "percent"),
            Column(_("Total cost in US dollars"), "money"),
        ],
        rows=rows,
        note=_(
            "Each country's cost in its own currency; in US dollars at the rate of the year each round started, "
            "where the officers keep one (— where a round has none)."
        ),
        chart={
            "categories": [r[0] for r in rows],
            "series": [(_("Covered by non-ILO resources"), [r[4] for r in rows])],
            "percent": True,
        }
        if rows
        else None,
    )


def _cost_figures(rounds, filters: FigureFilters, modules) -> list[Figure]:
    """The ILO's cost-recovery indicator: the share of the cost covered by non-ILO resources, by period,
    organising partner, module and country, over the rounds whose cost is recorded. Money adds up in the rounds'
    one currency, or in US dollars when they are in several (``_money_of``)."""
    costed = rounds.filter(cost_total__gt=0)
    by_country = _cost_by_country(costed)
    costed, money = _money_of(costed)
    unit = f" ({money.unit})" if money.unit else ""
    columns = lambda first: [  # noqa: E731
        Column(first, "text"),
        Column(_("Rounds with a cost")),
        Column(_("Total cost") + unit, "money"),
        Column(_("Enterprise fees") + unit, "money"),
        Column(_("Partners") + unit, "money"),
        Column(_("Sponsors and brands") + unit, "money"),
        Column(_("ILO") + unit, "money"),
        Column(_("Covered by non-ILO resources"), "percent"),
    ]
    sums = _cost_sums(in_usd=money.in_usd)
    year, quarter = _period_key(filters)
    group = {"y": year} | ({"q": quarter} if quarter is not None else {})
    by_period = sorted(costed.values(**group).annotate(**sums).order_by(), key=lambda r: (r["y"], r.get("q")))
    by_org = list(costed.values("organiser").annotate(**sums).order_by())
    orgs = Organisation.objects.in_bulk([r["organiser"] for r in by_org])
    by_org.sort(key=lambda r: str(orgs[r["organiser"]]))
    by_module = sorted(
        costed.values("module").annotate(**sums).order_by(),
        key=lambda r: (modules[r["module"]].order, modules[r["module"]].code),
    )
    all_rounds = costed.aggregate(**sums)
    specs = [
        (
            "cost_by_period",
            _("Cost recovery by quarter") if filters.by_quarter else _("Cost recovery by year"),
            _("Quarter") if filters.by_quarter else _("Year"),
            [_cost_row(_period_label(r["y"], r.get("q")), r) for r in by_period],
        ),
        (
            "cost_by_organisation",
            _("Cost recovery by organising partner"),
            _("Organiser"),
            [_cost_row(str(orgs[r["organiser"]]), r) for r in by_org],
        ),
        (
            "cost_by_module",
            _("Cost recovery by module"),
            _("Module"),
            [_cost_row(str(modules[r["module"]]), r) for r in by_module],
        ),
    ]
    out = []
    for key, title, first, rows in specs:
        note = _("Rounds whose cost is recorded; the share is what enterprises, partners and sponsors paid.")
        out.append(
            Figure(
                key=key,
                title=title,
                description="; ".join(
                    _("%(group)s: %(share)s %% of %(total)s covered by non-ILO resources")
                    % {
                        "group": r[0],
                        "share": "—" if r[-1] is None else f"{r[-1]:.0f}",
                        "total": f"{r[2]:,.0f}{unit}",
                    }
                    for r in rows
                )
                or _("No round in this selection has a recorded cost."),
                columns=columns(first),
                rows=rows,
                totals=_cost_row(_("All rounds with a cost"), all_rounds) if rows else None,
                note=f"{note} {money.note}".strip(),
                chart={
                    "categories": [r[0] for r in rows],
                    "series": [(_("Covered by non-ILO resources"), [r[-1] for r in rows])],
                    "percent": True,
                }
                if rows
                else None,
            )
        )
    return [*out, by_country]


def figure_chart(figure: Figure, *, prefix: str = "") -> str:
    """The figure's chart as SVG markup (empty when it has no chart), drawn by ``core.charts``."""
    if not figure.chart:
        return ""
    return bar_chart(
        chart_id=f"{prefix}chart-{figure.key}",
        title=figure.title,
        description=figure.description,
        categories=figure.chart["categories"],
        series=figure.chart["series"],
        stacked=figure.chart.get("stacked", False),
        percent=figure.chart.get("percent", False),
    )
