"""The admin of newsletter records: every write through newsletters.services (core/admin_guards.py).

No deletes: the services have none (an issue keeps a snapshot of the records it printed). An issue's state
(status, publication, its rendered PDF) moves only on the issue's page: render, publish, reopen, send."""

from django.contrib import admin

from core.admin_guards import ServiceModelAdmin

from . import services
from .models import Event, ExpertComment, Issue, NewsItem


class _SavedWith(ServiceModelAdmin):
    """A record saved whole by one ``<entity>_save(*, <entity>=..., edit_version=...)`` service."""

    save_service = None
    record_name = ""

    def service_add(self, request, obj, data):
        return type(self).save_service(**{self.record_name: obj})

    def service_change(self, request, obj, data, edit_version):
        return type(self).save_service(**{self.record_name: obj, "edit_version": edit_version})


@admin.register(NewsItem)
class NewsItemAdmin(_SavedWith):
    save_service = services.news_item_save
    record_name = "news_item"
    list_display = ["title", "place", "date", "section"]
    list_filter = ["country", "section"]
    search_fields = ["title", "place", "body"]
    translated_search_fields = ("title", "place", "body")
    autocomplete_fields = ["training_round"]
    date_hierarchy = "date"


@admin.register(Event)
class EventAdmin(_SavedWith):
    save_service = services.event_save
    record_name = "event"
    list_display = ["title", "place", "starts_on", "ends_on"]
    search_fields = ["title", "place", "body"]
    translated_search_fields = ("title", "place", "body")
    date_hierarchy = "starts_on"


@admin.register(ExpertComment)
class ExpertCommentAdmin(_SavedWith):
    save_service = services.expert_comment_save
    record_name = "expert_comment"
    list_display = ["trainer", "heading", "given_on"]
    search_fields = ["trainer__name", "quote", "heading"]
    translated_search_fields = ("quote", "heading")
    autocomplete_fields = ["trainer"]
    list_select_related = ["trainer"]


@admin.register(Issue)
class IssueAdmin(ServiceModelAdmin):
    """Issues are made on the portal (issue_create); here their texts change through issue_update."""

    list_display = ["number", "language", "period_start", "title", "status", "published_at"]
    list_filter = ["country", "status", "language"]
    search_fields = ["title", "introduction"]
    state_fields = ["status", "published_at", "pdf", "rendered_at", "error"]
    fields = [
        "country",
        "number",
        "period_start",
        "language",
        "publication_date",
        "title",
        "introduction",
        *state_fields,
    ]
    readonly_fields = ["country", "number", "period_start", *state_fields]

    def service_change(self, request, obj, data, edit_version):
        return services.issue_update(
            issue=obj,
            title=data["title"],
            introduction=data["introduction"],
            language=data.get("language"),
            publication_date=data.get("publication_date"),
            edit_version=edit_version,
        )
