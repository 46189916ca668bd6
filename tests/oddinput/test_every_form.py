"""No 500 for any input (issue 21 §3): every form the portal's pages post, its text fields filled with odd Unicode,
control characters and ``$ % { <`` by Hypothesis (seeded, bounded), posted as the role that uses it; the page
answers without a 500, and so do what shows the saved record: its page, the lists and their exports, the figures,
the issue's preview and e-mail preview."""

from __future__ import annotations

import importlib
import inspect

import pytest
from django import forms
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from programmes.models import Country
from tests.factories import (
    AgreementFactory,
    EnterpriseFactory,
    IssueFactory,
    KPIFactory,
    NewsItemFactory,
    OrganisationFactory,
    ParticipationFactory,
    ResultFactory,
    TrainerFactory,
    TrainingRoundFactory,
    bring_in,
)

pytestmark = pytest.mark.django_db

FORM_MODULES = (
    "people.forms",
    "programmes.forms",
    "trainers.forms",
    "enterprises.forms",
    "enterprises.results.forms",
    "newsletters.forms",
    "newsletters.mailing.forms",
)
# Forms no portal page posts: the Django admin's (the admin engineer's tests), a base class, a file-only form.
NOT_POSTED_BY_A_PAGE = {
    "RoundTrainerAdminForm",
    "TrainingRoundAdminForm",
    "AgreementAdminForm",
    "CountryAdminForm",  # the admin's; CountryForm, its portal page's subclass, is posted below
    "ParticipationAdminForm",
    "FactoryVisitAdminForm",
    "TranslatedTextForm",  # the base of the records' forms, each posted below
    "RoleForm",  # InviteForm's base; posted as the people edit page's second form
    "ThrottledPasswordResetForm",  # an e-mail field only: tests/people/test_password_reset.py
    "ThrottledPasswordChangeForm",  # passwords only: tests/people/test_password_change.py
    "ImportForm",  # a file upload with a note (results, subscribers): the uploads' own tests
    "ReturnForm",  # a reviewer's reason on a submitted result: its own tests
    "ReopenForm",  # a reason asked on the confirmation page (core.confirm) of a reopening: test_review_queue.py
    "RoundTransitionForm",  # a status change, no free text
    "PreferencesForm",  # a choice of language, no free text
}

ODD = st.one_of(
    st.sampled_from(
        [
            "CEC $#$",
            "$10 to $20",
            "100% {name} %(x)s %s",
            "<script>alert(1)</script>",
            '=HYPERLINK("x")',
            "a\r\nBcc: x@example.org",
            "\x00\x07\x1b",
            "\u202e\u200b\ufeff",
            "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 😀 中文",
            "{{ 7|add:1 }} {% now 'Y' %}",
            "\\frac{1}{2} _^",
            " ",
        ]
    ),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=40),
)


def _portal_form_classes() -> set[str]:
    found = set()
    for name in FORM_MODULES:
        module = importlib.import_module(name)
        for cls_name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == name:
                found.add(cls_name)
    return found


@pytest.fixture
def world(officer, editor, make_partner):
    cec = OrganisationFactory(name="China Enterprise Confederation", short_name="CEC")
    partner = make_partner(cec)
    training_round = TrainingRoundFactory(organiser=cec)
    enterprise = EnterpriseFactory(name="Teho Metal")
    bring_in(enterprise, cec)
    participation = ParticipationFactory(training_round=training_round, enterprise=enterprise)
    trainer = TrainerFactory()
    kpi = KPIFactory()
    result = ResultFactory(enterprise=enterprise, module=training_round.module, organisation=cec, author=partner)
    agreement = AgreementFactory(organisation=cec)
    news = NewsItemFactory(title="ToE on Module 2")
    issue = IssueFactory(number=7, title="Issue 7")
    country = Country.objects.get(code="CN")  # made by the data migration
    return {
        "country": country,
        "officer": officer,
        "partner": partner,
        "editor": editor,
        "cec": cec,
        "round": training_round,
        "enterprise": enterprise,
        "participation": participation,
        "trainer": trainer,
        "kpi": kpi,
        "result": result,
        "agreement": agreement,
        "news": news,
        "issue": issue,
    }


# (name, role, page to read the form from, the context's form names or None for all, where it posts)
CASES = [
    ("organisation_create", "officer", "/organisations/new/", None, None),
    ("organisation_update", "officer", "/organisations/{cec.pk}/edit/", None, None),
    ("country_create", "officer", "/countries/new/", None, None),
    ("country_update", "officer", "/countries/{country.pk}/edit/", None, None),
    ("region_add", "officer", "/countries/{country.pk}/", ["region_form"], "/countries/{country.pk}/regions/add/"),
    ("exchange_rate_set", "officer", "/countries/{country.pk}/", ["rate_form"], "/countries/{country.pk}/rates/set/"),
    ("agreement_create", "officer", "/organisations/{cec.pk}/agreements/new/", None, None),
    ("agreement_update", "officer", "/agreements/{agreement.pk}/edit/", None, None),
    ("round_create", "officer", "/rounds/new/", None, None),
    ("round_update", "officer", "/rounds/{round.pk}/edit/", None, None),
    ("enterprise_create", "officer", "/enterprises/new/", None, None),
    ("enterprise_update", "officer", "/enterprises/{enterprise.pk}/edit/", None, None),
    (
        "participation_add",
        "officer",
        "/rounds/{round.pk}/",
        ["participation_form"],
        "/rounds/{round.pk}/enterprises/add/",
    ),
    (
        "participation_edit",
        "officer",
        "/rounds/{round.pk}/enterprises/{participation.pk}/edit/",
        None,
        None,
    ),
    ("factory_visit_add", "officer", "/rounds/{round.pk}/", ["visit_form"], "/rounds/{round.pk}/visits/add/"),
    ("round_trainer_add", "officer", "/rounds/{round.pk}/", ["trainer_form"], "/rounds/{round.pk}/trainers/add/"),
    ("trainer_create", "officer", "/trainers/new/", None, None),
    ("trainer_update", "officer", "/trainers/{trainer.pk}/edit/", None, None),
    (
        "qualification_add",
        "officer",
        "/trainers/{trainer.pk}/",
        ["qualification_form"],
        "/trainers/{trainer.pk}/qualifications/add/",
    ),
    ("result_create", "officer", "/results/new/", None, None),
    ("result_edit", "partner", "/results/{result.pk}/edit/", None, None),
    ("photo_pair_add", "partner", "/results/{result.pk}/", ["photo_form"], "/results/{result.pk}/photos/add/"),
    ("review_queue", "officer", "/results/review/", ["form"], None),
    ("kpi_create", "officer", "/results/kpis/new/", None, None),
    ("kpi_edit", "officer", "/results/kpis/{kpi.pk}/edit/", None, None),
    ("person_invite", "officer", "/people/invite/", None, None),
    ("person_edit", "officer", "/people/{editor.pk}/edit/", None, None),
    ("issue_create", "editor", "/newsletters/issues/new/", None, None),
    ("issue_update", "editor", "/newsletters/issues/{issue.pk}/", ["form"], "/newsletters/issues/{issue.pk}/edit/"),
    (
        "issue_section_add",
        "editor",
        "/newsletters/issues/{issue.pk}/",
        ["section_add_form"],
        "/newsletters/issues/{issue.pk}/sections/",
    ),
    ("news_create", "editor", "/newsletters/news/new/", None, None),
    ("news_edit", "editor", "/newsletters/news/{news.pk}/", None, None),
    ("event_create", "editor", "/newsletters/events/new/", None, None),
    ("comment_create", "editor", "/newsletters/comments/new/", None, None),
    ("quoted_person_create", "editor", "/newsletters/people/new/", None, None),
    ("masthead", "editor", "/newsletters/masthead/", None, None),
    ("subscribe", None, "/newsletter/subscribe/", None, None),
]
# What shows the records after a save, read as the same role.
AFTERWARDS = {
    "officer": [
        "/organisations/?_export=csv",
        "/countries/?_export=xlsx",
        "/rounds/?_export=xlsx",
        "/enterprises/?_export=csv",
        "/trainers/",
        "/results/export/",
        "/figures/?year=all",
        "/people/?_export=csv",
    ],
    "editor": [
        "/newsletters/",
        "/newsletters/news/",
        "/newsletters/issues/{issue.pk}/",
        "/newsletters/issues/{issue.pk}/preview/",
        "/newsletters/issues/{issue.pk}/email/",
    ],
    "partner": ["/", "/results/", "/results/export/", "/figures/?year=all"],
    None: ["/newsletter/"],
}


def _fill(template: str, world: dict) -> str:
    return template.format(**world)


def _forms_of(response, names) -> list[forms.BaseForm]:
    found = []
    for context in response.context or []:
        for key, value in context.flatten().items():
            if isinstance(value, forms.BaseForm) and (names is None or key in names) and value not in found:
                found.append(value)
    return found


def _data(form: forms.BaseForm) -> dict:
    data = {}
    for bound in form:
        value = bound.value()
        if value is None:
            continue
        if isinstance(bound.field, forms.BooleanField):
            if value:
                data[bound.html_name] = "on"
            continue
        data[bound.html_name] = [str(v) for v in value] if isinstance(value, list | tuple) else str(value)
    return data


def _text_fields(form: forms.BaseForm) -> list[str]:
    return [
        bound.html_name
        for bound in form
        if type(bound.field) in (forms.CharField, forms.EmailField, forms.URLField, forms.SlugField)
        and not isinstance(bound.field.widget, forms.HiddenInput)
    ]


def _no_500(response, what: str) -> None:
    assert response.status_code < 500, f"{what} answered {response.status_code}"


@pytest.mark.parametrize(("name", "role", "page", "names", "post_to"), CASES, ids=[c[0] for c in CASES])
@settings(
    derandomize=True,
    max_examples=3,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_odd_text_in_every_form_never_answers_500(world, name, role, page, names, post_to, data):
    client = Client(raise_request_exception=False)
    if role:
        client.force_login(world[role])
    response = client.get(_fill(page, world))
    _no_500(response, page)
    found = _forms_of(response, names)
    assert found, f"no form on {page}"
    posted = {}
    for form in found:
        posted.update(_data(form))
        for field in _text_fields(form):
            posted[field] = data.draw(ODD, label=field)
    response = client.post(_fill(post_to or page, world), posted)
    _no_500(response, f"POST {post_to or page}")
    if response.status_code == 302:
        _no_500(client.get(response["Location"]), response["Location"])
        for url in AFTERWARDS[role]:
            _no_500(client.get(_fill(url, world)), url)


def test_every_form_of_the_portal_is_posted_above_or_named_as_not_posted(world):
    # the forms the pages above show, found in their context: a new form must be added to CASES or named
    shown = set()
    for _name, role, page, names, _post in CASES:
        client = Client()
        if role:
            client.force_login(world[role])
        shown |= {type(form).__name__ for form in _forms_of(client.get(_fill(page, world)), names)}
    missing = _portal_form_classes() - shown - NOT_POSTED_BY_A_PAGE
    assert not missing, f"forms no test posts odd text to: {sorted(missing)}"
