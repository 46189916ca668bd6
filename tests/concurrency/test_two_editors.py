"""Issue 9, class 6: two people editing one record. A and B open the same page; A saves; B, who saw the
values from before A's save, saves too. B's save is refused with 409, the page says what A changed (the
field's label and its new value), B's input is kept, and saving the page again keeps A's and B's changes.
Nothing A saved is lost, and a KPI line nobody changed is not written again.

Each editor has their own test client (their own session) and posts the form as the page gave it.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from decimal import Decimal

import pytest
from django.test import Client

from enterprises.models import KPI, KPILine
from enterprises.results import services as result_services
from newsletters.models import Issue
from programmes.models import TrainingRound
from tests.conftest import give_countries
from tests.factories import (
    EnterpriseFactory,
    NewsItemFactory,
    OrganisationFactory,
    ParticipationFactory,
    TrainingRoundFactory,
    bring_in,
    china,
    module,
)

from .conftest import form_values

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split()))


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _line(result, by, name: str, baseline: str, followup: str) -> KPILine:
    return result_services.kpi_line_save(
        result=result,
        by=by,
        kpi=KPI.objects.get(name=name),
        baseline_value=Decimal(baseline),
        baseline_date=dt.date(2014, 5, 1),
        followup_value=Decimal(followup),
        followup_date=dt.date(2014, 8, 1),
    )


@pytest.fixture
def shared_result(make_partner):
    """A draft result of CEC with two KPI lines, and two partner users of CEC who edit it."""
    org = OrganisationFactory(name="China Enterprise Confederation", short_name="CEC")
    rnd = TrainingRoundFactory(organiser=org, city="Taixing")
    enterprise = EnterpriseFactory(name="Yucheng Futong Electric", city="Taixing")
    bring_in(enterprise, org)
    ParticipationFactory(training_round=rnd, enterprise=enterprise)
    a, b = make_partner(org, "partner-a"), make_partner(org, "partner-b")
    result = result_services.result_create(
        by=a, enterprise=enterprise, module=module("M1"), title="Defects down", narrative="The EIT met weekly."
    )
    delivery = _line(result, a, "On-time delivery", "88.6", "92.58")
    defects = _line(result, a, "Defect / reject rate", "4.13", "0.61")
    return result, delivery, defects, a, b


def _line_prefix(values: dict, line: KPILine) -> str:
    return next(k.removesuffix("-line_id") for k, v in values.items() if k.endswith("-line_id") and v == str(line.pk))


def test_second_editor_of_a_result_is_refused_told_what_changed_and_loses_nothing(shared_result):
    result, delivery, defects, a, b = shared_result
    url = f"/results/{result.pk}/edit/"
    editor_a, editor_b = client_of(a), client_of(b)
    form_a, form_b = form_values(editor_a.get(url), url), form_values(editor_b.get(url), url)
    # given: A changes the headline and the baseline of on-time delivery, and saves
    form_a["title"] = "On-time delivery up to 92.58 %"
    form_a[f"{_line_prefix(form_a, delivery)}-baseline_value"] = "85.5"
    assert editor_a.post(url, form_a).status_code == 302
    # when: B, who opened the page before A saved, changes only the narrative and saves
    form_b["narrative"] = "The EIT met every Thursday and collected 307 suggestions."
    refused = editor_b.post(url, form_b)
    # then: refused, told what A changed, B's text still in the form
    assert refused.status_code == 409
    page = text(refused)
    assert "Someone else saved this record while you were editing it" in page
    assert "Headline is now “On-time delivery up to 92.58 %”" in page
    assert "On-time delivery: Baseline value is now “85.5”" in page
    assert "Defect / reject rate" not in page.split("What changed:")[1].split(".")[0]
    assert "The EIT met every Thursday and collected 307 suggestions." in page
    result.refresh_from_db()
    delivery.refresh_from_db()
    assert (result.title, result.narrative) == ("On-time delivery up to 92.58 %", "The EIT met weekly.")
    assert delivery.baseline_value == Decimal("85.5")
    # B saves the page as it came back: A's changes and B's are both kept
    again = form_values(refused, url)
    assert again["title"] == "On-time delivery up to 92.58 %"
    assert again[f"{_line_prefix(again, delivery)}-baseline_value"] == "85.5"
    assert editor_b.post(url, again).status_code == 302
    result.refresh_from_db()
    delivery.refresh_from_db()
    assert result.title == "On-time delivery up to 92.58 %"
    assert result.narrative == "The EIT met every Thursday and collected 307 suggestions."
    assert delivery.baseline_value == Decimal("85.5")
    # the lines nobody changed were never written again: created once, and on-time delivery changed once
    assert KPILine.history.filter(id=defects.pk).count() == 1
    assert KPILine.history.filter(id=delivery.pk).count() == 2


def test_saving_a_result_writes_only_the_kpi_lines_that_changed(shared_result):
    result, delivery, defects, a, _b = shared_result
    url = f"/results/{result.pk}/edit/"
    editor = client_of(a)
    values = form_values(editor.get(url), url)
    values[f"{_line_prefix(values, defects)}-followup_value"] = "0.5"
    assert editor.post(url, values).status_code == 302
    defects.refresh_from_db()
    assert defects.followup_value == Decimal("0.5")
    assert KPILine.history.filter(id=delivery.pk).count() == 1  # untouched, not saved again
    assert KPILine.history.filter(id=defects.pk).count() == 2


def test_a_forged_version_token_is_refused(shared_result):
    result, _delivery, _defects, a, _b = shared_result
    url = f"/results/{result.pk}/edit/"
    editor = client_of(a)
    values = form_values(editor.get(url), url)
    values["edit_token"] = values["edit_token"][:-3] + "xyz"
    values["title"] = "Changed"
    response = editor.post(url, values)
    assert "This page was changed on its way here." in text(response)
    result.refresh_from_db()
    assert result.title == "Defects down"


@pytest.fixture
def two_officers(officer, django_user_model):
    from django.contrib.auth.models import Group

    from core import roles

    other = django_user_model.objects.create_user(username="officer2", password="pw", is_staff=True)
    other.groups.add(Group.objects.get(name=roles.OFFICERS))
    give_countries(other, everywhere=True)
    return officer, other


def _two_editors(user_a, user_b, page_url: str, action: str, change_a: dict, change_b: dict):
    editor_a, editor_b = client_of(user_a), client_of(user_b)
    form_a = form_values(editor_a.get(page_url), action)
    form_b = form_values(editor_b.get(page_url), action)
    saved = editor_a.post(action, {**form_a, **change_a})
    assert saved.status_code == 302, text(saved)[:2000]
    refused = editor_b.post(action, {**form_b, **change_b})
    return refused, editor_b


def test_second_editor_of_a_round_is_refused_and_told_what_changed(two_officers):
    a, b = two_officers
    org = OrganisationFactory(name="China Enterprise Confederation", short_name="CEC")
    rnd = TrainingRoundFactory(organiser=org, city="Taixing", notes="")
    url = f"/rounds/{rnd.pk}/edit/"
    refused, editor_b = _two_editors(a, b, url, url, {"city": "Ningbo"}, {"notes": "Five local enterprises."})
    assert refused.status_code == 409
    page = text(refused)
    assert "Someone else saved this record while you were editing it" in page
    assert "City is now “Ningbo”" in page
    rnd.refresh_from_db()
    assert (rnd.city, rnd.notes) == ("Ningbo", "")
    assert editor_b.post(url, form_values(refused, url)).status_code == 302
    rnd = TrainingRound.objects.get(pk=rnd.pk)
    assert (rnd.city, rnd.notes) == ("Ningbo", "Five local enterprises.")


def test_second_editor_of_an_issue_is_refused_and_told_what_changed(editor, django_user_model):
    from django.contrib.auth.models import Group

    from core import roles

    other = django_user_model.objects.create_user(username="editor2", password="pw")
    other.groups.add(Group.objects.get(name=roles.EDITORS))
    give_countries(other)
    issue = Issue.objects.create(
        country=china(), number=5, period_start=dt.date(2014, 11, 1), title="Issue No. 5", language="en"
    )
    page_url, action = issue.get_absolute_url(), f"/newsletters/issues/{issue.pk}/edit/"
    refused, editor_b = _two_editors(
        editor,
        other,
        page_url,
        action,
        {"title": "SCORE China e-newsletter, Issue No. 5"},
        {"introduction": "Welcome to the fifth issue."},
    )
    assert refused.status_code == 409
    page = text(refused)
    assert "Title is now “SCORE China e-newsletter, Issue No. 5”" in page
    assert "Welcome to the fifth issue." in page  # B's text, kept in the form
    issue.refresh_from_db()
    assert (issue.title, issue.introduction) == ("SCORE China e-newsletter, Issue No. 5", "")
    assert editor_b.post(action, form_values(refused, action)).status_code == 302
    issue.refresh_from_db()
    assert (issue.title, issue.introduction) == ("SCORE China e-newsletter, Issue No. 5", "Welcome to the fifth issue.")


def test_second_editor_of_a_news_item_is_refused_and_told_what_changed(editor, django_user_model):
    from django.contrib.auth.models import Group

    from core import roles

    other = django_user_model.objects.create_user(username="editor2", password="pw")
    other.groups.add(Group.objects.get(name=roles.EDITORS))
    give_countries(other)
    item = NewsItemFactory(title="ToE on Module 2", place="Taixing", date=dt.date(2014, 11, 14))
    url = f"/newsletters/news/{item.pk}/"
    refused, _b = _two_editors(editor, other, url, url, {"place": "Taixing, Jiangsu"}, {"body": "Six SMEs."})
    assert refused.status_code == 409
    assert "Place is now “Taixing, Jiangsu”" in text(refused)
    item.refresh_from_db()
    assert item.place == "Taixing, Jiangsu" and item.body != "Six SMEs."


@pytest.mark.parametrize("kind", ["enterprise", "organisation", "trainer"])
def test_second_editor_of_an_officers_record_is_refused(two_officers, kind):
    from tests.factories import TrainerFactory

    a, b = two_officers
    org = OrganisationFactory(name="China Enterprise Confederation", short_name="CEC")
    record, url = {
        "enterprise": lambda: (e := EnterpriseFactory(name="Yucheng Futong Electric"), f"/enterprises/{e.pk}/edit/"),
        "organisation": lambda: (org, f"/organisations/{org.pk}/edit/"),
        "trainer": lambda: (t := TrainerFactory(name="Jia Hongwei", organisation=org), f"/trainers/{t.pk}/edit/"),
    }[kind]()
    refused, _b = _two_editors(a, b, url, url, {"name": "Renamed by A"}, {"notes": "A note by B."})
    assert refused.status_code == 409
    assert "Name is now “Renamed by A”" in text(refused)
    record.refresh_from_db()
    assert record.name == "Renamed by A" and record.notes != "A note by B."


def test_a_kpi_line_deleted_by_one_editor_is_not_brought_back_by_the_other(shared_result):
    result, delivery, defects, a, b = shared_result
    url = f"/results/{result.pk}/edit/"
    editor_a, editor_b = client_of(a), client_of(b)
    form_a, form_b = form_values(editor_a.get(url), url), form_values(editor_b.get(url), url)
    form_a[f"{_line_prefix(form_a, defects)}-DELETE"] = "on"
    assert editor_a.post(url, form_a).status_code == 302
    form_b["narrative"] = "307 suggestions."
    refused = editor_b.post(url, form_b)
    assert refused.status_code == 409
    assert "KPI line is now “deleted”" in text(refused)
    assert editor_b.post(url, form_values(refused, url)).status_code == 302
    assert list(result.kpi_lines.values_list("pk", flat=True)) == [delivery.pk]
    result.refresh_from_db()
    assert result.narrative == "307 suggestions."
