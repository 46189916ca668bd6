"""The programme-figures pages: the filters, the page of figures and charts, and each figure as XLSX.

Officers see the whole programme, partners their own part of it: every figure comes from
``enterprises.figures``, which starts from the ``*_visible_to(user)`` selectors. The page opens on the latest
year that has a round under way or done.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.access import reader_required
from core.http import attachment
from core.spreadsheets import CONTENT_TYPE_XLSX, Style, Styled, XlsxWriter, safe_sheet_title
from enterprises.figures import Figure, FigureFilters, figure_chart, figure_years, filter_choices, programme_figures

ALL = "all"


class FiguresFilterForm(forms.Form):
    year = forms.ChoiceField(label=gettext_lazy("Year"), required=False)
    quarter = forms.TypedChoiceField(
        label=gettext_lazy("Quarter"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", gettext_lazy("Whole year"))] + [(q, gettext_lazy("Q%(n)s") % {"n": q}) for q in range(1, 5)],
    )
    module = forms.TypedChoiceField(label=gettext_lazy("Module"), required=False, coerce=int, empty_value=None)
    province = forms.ChoiceField(label=gettext_lazy("Province"), required=False)
    organisation = forms.TypedChoiceField(
        label=gettext_lazy("Organisation"), required=False, coerce=int, empty_value=None
    )
    country = forms.TypedChoiceField(label=gettext_lazy("Country"), required=False, coerce=int, empty_value=None)

    field_order = ["year", "quarter", "country", "module", "province", "organisation"]

    def __init__(self, data, *, user):
        self.years, self.latest = figure_years(user)
        data = data.copy()
        if not data.get("year"):
            data["year"] = str(self.latest) if self.latest else ALL
        super().__init__(data)
        choices = filter_choices(user)
        self.fields["year"].choices = [(ALL, _("All years"))] + [(str(y), str(y)) for y in self.years]
        self.fields["module"].choices = [("", _("All modules"))] + [(m.pk, str(m)) for m in choices["modules"]]
        self.fields["province"].choices = [("", _("All provinces"))] + [(p, p) for p in choices["provinces"]]
        self.fields["organisation"].choices = [("", _("All organisations"))] + [
            (o.pk, str(o)) for o in choices["organisations"]
        ]
        self.fields["country"].choices = [("", _("All countries"))] + [(c.pk, c.name) for c in choices["countries"]]
        if len(choices["countries"]) < 2:
            del self.fields["country"]  # one country programme: nothing to choose
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select form-select-sm"

    def filters(self) -> FigureFilters:
        """The filters asked for; a value the user may not choose is dropped (and shown as an error)."""
        cleaned = self.cleaned_data if self.is_valid() else {k: self.cleaned_data.get(k) for k in self.fields}
        year = cleaned.get("year")
        return FigureFilters.for_year(
            int(year) if year and year != ALL else None,
            cleaned.get("quarter") if year and year != ALL else None,
            module_id=cleaned.get("module"),
            province=cleaned.get("province") or "",
            organisation_id=cleaned.get("organisation"),
            country_id=cleaned.get("country"),
        )

    def describe(self) -> str:
        """The selection in words, for the page's heading and the spreadsheet."""
        parts = []
        for name in ("year", "quarter", "country", "module", "province", "organisation"):
            value = self.cleaned_data.get(name) if hasattr(self, "cleaned_data") else None
            if value in (None, "") or name in self.errors:
                continue
            label = dict(self.fields[name].choices).get(value if name != "year" else str(value), value)
            parts.append(str(label))
        return ", ".join(parts) or _("All years")


def _figures_for(request):
    form = FiguresFilterForm(request.GET, user=request.user)
    figures = programme_figures(request.user, form.filters())
    return form, figures


@reader_required
def figures_page(request):
    form, figures = _figures_for(request)
    for figure in figures.figures:
        figure.svg = mark_safe(figure_chart(figure))  # noqa: S308 - built by core.charts, every text escaped
    query = request.GET.copy()
    query.pop("figure", None)
    return render(
        request,
        "figures/page.html",
        {
            "form": form,
            "selection": form.describe(),
            "figures": figures,
            "headline": figures.headline,
            "query": query.urlencode(),
        },
    )


@reader_required
def figures_export(request):
    """The page's figures as an XLSX workbook, one sheet per figure (or only ``?figure=KEY``)."""
    form, figures = _figures_for(request)
    chosen = figures.figures
    key = request.GET.get("figure")
    if key:
        figure = figures.get(key)
        if figure is None:
            raise Http404
        chosen = [figure]
    content = figures_workbook(chosen, selection=form.describe())
    stamp = timezone.localdate().isoformat()
    name = f"score-figures-{key or 'all'}-{slugify(form.describe()) or 'all'}-{stamp}.xlsx"
    return attachment(HttpResponse(content, content_type=CONTENT_TYPE_XLSX), name)


HOME_FIGURES = ("by_country", "by_module", "kpi_outcomes", "cost_by_period")  # the countries: for whoever sees two


def home_figures(user) -> dict:
    """Three charts of the latest year for the officer's home page, with the link to the figures page."""
    _years, latest = figure_years(user)
    figures = programme_figures(user, FigureFilters.for_year(latest), only=HOME_FIGURES)
    for figure in figures.figures:
        figure.svg = mark_safe(figure_chart(figure, prefix="home-"))  # noqa: S308 - built by core.charts
    return {"year": latest, "figures": [f for f in figures.figures if not f.empty]}


_TITLE, _BOLD = Style(bold=True, size=13), Style(bold=True)
_NUMBER_FORMATS = {"percent": "0.0", "money": "#,##0.00"}


def figures_workbook(figures: list[Figure], *, selection: str) -> bytes:
    """One sheet per figure: its title, the selection, its note, then its table (user text stays text)."""
    workbook = XlsxWriter()
    used: set[str] = set()
    for figure in figures:
        title = safe_sheet_title(figure.title)[:28]
        while title in used:
            title = f"{title[:26]}{len(used)}"
        used.add(title)
        rows = [[Styled(figure.title, _TITLE)], [selection], *([[figure.note]] if figure.note else []), []]
        rows.append([Styled(_heading(c), _BOLD) for c in figure.columns])
        rows += [[float(v) if isinstance(v, Decimal) else v for v in row] for row in figure.rows]
        if figure.totals:
            rows.append([Styled(float(v) if isinstance(v, Decimal) else v, _BOLD) for v in figure.totals])
        formats = {
            i: _NUMBER_FORMATS[c.kind] for i, c in enumerate(figure.columns, start=1) if c.kind in _NUMBER_FORMATS
        }
        widths = {1: 36} | dict.fromkeys(range(2, 11), 16)
        workbook.sheet(title, rows, widths=widths, formats=formats)
    return workbook.getvalue()


def _heading(column) -> str:
    if column.kind == "percent":
        return f"{column.label} (%)"
    return column.label
