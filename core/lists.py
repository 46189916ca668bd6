"""The one way to build a list page: django-filter's FilterView and django-tables2's table, exported as CSV or
Excel exactly as shown (every row, not one page). Subclasses name a table, a filter set, a title and a queryset
that starts from a ``*_visible_to(user)`` selector."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin
from django_tables2.export import ExportMixin

from . import roles
from .pages import KeptCountPaginator
from .tables import streamed_csv, streamed_xlsx, table_rows

EXPORT_FORMATS = ("csv", "xlsx")


class PortalListView(ExportMixin, SingleTableMixin, FilterView):
    """A filtered, searchable, sortable, paginated list that exports exactly what it shows as CSV or Excel."""

    template_name = "core/list.html"
    table_pagination = {"per_page": 25}  # the table paginates; the ListView must not do it a second time
    paginator_class = KeptCountPaginator  # the count kept until the data changes (core.datacache)
    title = ""
    create_url_name = ""
    create_label = ""
    export_name = "export"

    def render_to_response(self, context, **kwargs):
        export_format = self.request.GET.get(self.export_trigger_param)
        if export_format not in (None, *EXPORT_FORMATS):
            return super(ExportMixin, self).render_to_response(context, **kwargs)
        if export_format in EXPORT_FORMATS:  # every row of the list, written as it is read (core.tables)
            table = self.get_table(**self.get_table_kwargs())
            rows = table_rows(table, exclude_columns=self.exclude_columns)
            filename = self.get_export_filename(export_format)
            if export_format == "csv":
                return streamed_csv(rows, filename)
            return streamed_xlsx(rows, filename, title=str(self.title))
        return super().render_to_response(context, **kwargs)

    def get_export_filename(self, export_format):
        return f"{self.export_name}-{timezone.localdate():%Y-%m-%d}.{export_format}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        params = self.request.GET.copy()
        params.pop("page", None)
        exports = []
        for fmt, label in (("csv", "CSV"), ("xlsx", "Excel")):
            params[self.export_trigger_param] = fmt
            exports.append((label, "?" + params.urlencode()))
        context.update(
            title=self.title,
            exports=exports,
            create_url=reverse(self.create_url_name)
            if self.create_url_name and roles.is_officer(self.request.user)
            else "",
            create_label=self.create_label,
            filtered=any(v for k, v in self.request.GET.items() if k not in ("page", "sort")),
        )
        return context
