from django.contrib import admin

from .models import Event, ExpertComment, Issue, NewsItem


@admin.register(NewsItem)
class NewsItemAdmin(admin.ModelAdmin):
    list_display = ["title", "place", "date", "section"]
    list_filter = ["section"]
    search_fields = ["title", "place", "body", "title_zh", "place_zh", "body_zh"]
    autocomplete_fields = ["training_round"]
    date_hierarchy = "date"


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["title", "place", "starts_on", "ends_on"]
    search_fields = ["title", "place", "body", "title_zh", "place_zh", "body_zh"]
    date_hierarchy = "starts_on"


@admin.register(ExpertComment)
class ExpertCommentAdmin(admin.ModelAdmin):
    list_display = ["trainer", "heading", "given_on"]
    search_fields = ["trainer__name", "quote", "heading", "quote_zh", "heading_zh"]
    autocomplete_fields = ["trainer"]
    list_select_related = ["trainer"]


@admin.register(Issue)
class IssueAdmin(admin.ModelAdmin):
    list_display = ["number", "language", "period_start", "title", "status", "published_at"]
    list_filter = ["status", "language"]
    search_fields = ["title", "introduction"]
