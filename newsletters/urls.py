from django.urls import path, re_path, register_converter

from . import feeds, views


class LanguageConverter:
    """A language code of an edition in a URL: 'en', 'zh-hans' (never a word like 'pdf' or 'images')."""

    regex = "[a-z]{2}(?:-[a-z]{2,4})?"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class CountryConverter:
    """A country programme's newsletter in a URL: its ISO code in small letters ('cn', 'vn'). Reversed from a
    Country or a code; the view gets the code in capitals."""

    regex = "[a-z]{2}"

    def to_python(self, value: str) -> str:
        return value.upper()

    def to_url(self, value) -> str:
        return getattr(value, "code", value).lower()


register_converter(LanguageConverter, "lang")
register_converter(CountryConverter, "cc")

app_name = "newsletters"

urlpatterns = [
    # Editors
    path("newsletters/", views.dashboard, name="dashboard"),
    path("newsletters/issues/new/", views.issue_create, name="issue_create"),
    path("newsletters/issues/<int:pk>/", views.issue_detail, name="issue_detail"),
    path("newsletters/issues/<int:pk>/edit/", views.issue_update, name="issue_update"),
    path("newsletters/issues/<int:pk>/editions/", views.issue_edition_create, name="issue_edition_create"),
    path("newsletters/issues/<int:pk>/items/<int:item_pk>/", views.issue_item_action, name="issue_item"),
    path("newsletters/issues/<int:pk>/records/", views.issue_add_records, name="issue_add_records"),
    path("newsletters/issues/<int:pk>/sections/", views.issue_section_add, name="issue_section_add"),
    path("newsletters/issues/<int:pk>/sections/<int:section_pk>/", views.issue_section_action, name="issue_section"),
    path("newsletters/issues/<int:pk>/refresh/", views.issue_refresh, name="issue_refresh"),
    path("newsletters/issues/<int:pk>/render/", views.issue_render, name="issue_render"),
    path("newsletters/issues/<int:pk>/publish/", views.issue_publish, name="issue_publish"),
    path("newsletters/issues/<int:pk>/reopen/", views.issue_reopen, name="issue_reopen"),
    path("newsletters/issues/<int:pk>/preview/", views.issue_preview, name="issue_preview"),
    path("newsletters/issues/<int:pk>/pdf/", views.issue_pdf, name="issue_pdf"),
    path("newsletters/images/<path:name>", views.image, name="image"),
    path("newsletter/fonts.css", views.fonts_css, name="fonts_css"),
    path("newsletters/masthead/", views.masthead_edit, name="masthead"),
    path("newsletters/<str:kind>/", views.record_list, name="record_list"),
    path("newsletters/<str:kind>/new/", views.record_edit, name="record_create"),
    path("newsletters/<str:kind>/<int:pk>/", views.record_edit, name="record_edit"),
    # The public archive: the index of the countries' newsletters, then each country's own
    path("newsletter/", views.archive_index, name="archive"),
    path("newsletter/<cc:country>/", views.archive, name="country_archive"),
    path("newsletter/<cc:country>/feed/", feeds.ArchiveFeed(), name="archive_feed"),
    path("newsletter/<cc:country>/<int:number>/", views.archive_issue, name="archive_issue"),
    path("newsletter/<cc:country>/<int:number>/pdf/", views.archive_pdf, name="archive_pdf"),
    path("newsletter/<cc:country>/<int:number>/v<int:version>/pdf/", views.archive_pdf, name="archive_version_pdf"),
    path("newsletter/<cc:country>/<int:number>/images/<path:name>", views.archive_image, name="archive_image"),
    # An edition in one language (the paths above give the English one, or the only one)
    path("newsletter/<cc:country>/<int:number>/<lang:language>/", views.archive_issue, name="archive_edition"),
    path("newsletter/<cc:country>/<int:number>/<lang:language>/pdf/", views.archive_pdf, name="archive_edition_pdf"),
    path(
        "newsletter/<cc:country>/<int:number>/<lang:language>/v<int:version>/pdf/",
        views.archive_pdf,
        name="archive_edition_version_pdf",
    ),
    # The addresses handed out before each country had its own newsletter (the archive's feed, an issue's pages,
    # PDFs and images, the photos of sent e-mails) name no country: they are the first programme's, moved for good.
    path("newsletter/feed/", views.archive_moved, {"rest": "feed/"}, name="archive_feed_moved"),
    re_path(r"^newsletter/(?P<rest>[0-9]+/.*)$", views.archive_moved, name="archive_moved"),
]
