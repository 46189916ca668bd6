import re

import pytest
from django.core.cache import cache

from newsletters.mailing.models import Subscriber
from tests.factories import china
from tests.newsletters.conftest import make_issue  # noqa: F401 (the newsletter's issue fixture, used below)


@pytest.fixture(autouse=True)
def _fresh_rate_limits(settings):
    settings.PORTAL_URL = "https://score.example.org"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def make_subscriber(db):
    def make(email: str, **fields) -> Subscriber:
        fields.setdefault("status", Subscriber.Status.CONFIRMED)
        fields.setdefault("consent_source", Subscriber.Source.ARCHIVE)
        fields.setdefault("country", china())
        return Subscriber.objects.create(email=email, **fields)

    return make


def links(text: str) -> list[str]:
    return re.findall(r"https://score\.example\.org[^\s\"'<>]+", text)


def parts(message) -> tuple[str, str]:
    """The plain-text and the HTML part of a received message."""
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    return text, html


def path_of(url: str) -> str:
    return url.removeprefix("https://score.example.org")


@pytest.fixture
def published_issue(make_issue):  # noqa: F811
    """published_issue(**options) -> issue 7 (English), rendered and published."""
    from newsletters import services
    from newsletters.models import Issue

    def make(**options) -> Issue:
        issue = services.issue_render(issue_id=make_issue(**options).pk)
        services.issue_publish(issue=issue)
        return Issue.objects.get(pk=issue.pk)

    return make
