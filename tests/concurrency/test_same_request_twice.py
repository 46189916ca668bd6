"""Issue 9, class 5: the same request sent many times at once (a double click in two tabs, a phone retrying
on a bad network). Ten clients post the same form at the same moment, on real PostgreSQL: exactly one row
is made, one client is sent to it and every other one sees the form again with the reason; none gets a 500.

Before the fix the form's checks and the services' ``exists()`` let several through and the database's
unique constraint answered them with server errors.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import FileField
from django.test import Client
from PIL import Image

from enterprises.models import KPI, Enterprise, Participation, PhotoPair, Result
from enterprises.results import services as result_services
from newsletters.models import Event, Issue, IssueItem, NewsItem
from programmes.models import Organisation
from tests.factories import (
    EnterpriseFactory,
    NewsItemFactory,
    OrganisationFactory,
    ParticipationFactory,
    QualificationFactory,
    TrainerFactory,
    TrainingRoundFactory,
    bring_in,
    china,
    module,
)
from tests.tokens import page_token
from trainers.models import Qualification, RoundTrainer, Trainer

from .conftest import post_at_once, refused_or_redirected

pytestmark = pytest.mark.usefixtures("transactional_db")


def _partner_world(make_partner):
    org = OrganisationFactory(name="China Enterprise Confederation", short_name="CEC")
    rnd = TrainingRoundFactory(organiser=org, city="Taixing")
    enterprise = EnterpriseFactory(name="Yucheng Futong Electric", city="Taixing")
    bring_in(enterprise, org)
    ParticipationFactory(training_round=rnd, enterprise=enterprise)
    return make_partner(org, "partner-a"), rnd, enterprise


def test_new_result_posted_ten_times_at_once_makes_one_result(make_partner):
    partner, rnd, enterprise = _partner_world(make_partner)
    data = {
        "enterprise": enterprise.pk,
        "module": module("M1").pk,
        "training_round": rnd.pk,
        "title": "Defects down",
        "narrative": "Weekly EIT meetings.",
        "lines-TOTAL_FORMS": 0,
        "lines-INITIAL_FORMS": 0,
    }
    responses = post_at_once(partner, "/results/new/", lambda i: data)
    assert Result.objects.filter(enterprise=enterprise).count() == 1
    refused_or_redirected(responses, "Yucheng Futong Electric already has a result for M1.")


def test_new_kpi_line_posted_ten_times_at_once_makes_one_line(make_partner):
    partner, rnd, enterprise = _partner_world(make_partner)
    result = result_services.result_create(by=partner, enterprise=enterprise, module=module("M1"), narrative="x")
    kpi = KPI.objects.get(name="On-time delivery")
    data = {
        "title": "Deliveries on time",
        "narrative": "x",
        "training_round": "",
        "lines-TOTAL_FORMS": 1,
        "lines-INITIAL_FORMS": 0,
        "lines-0-kpi": kpi.pk,
        "lines-0-baseline_value": "88.6",
        "lines-0-baseline_date": "2014-05-01",
        "lines-0-followup_value": "92.58",
        "lines-0-followup_date": "2014-08-01",
    }
    page = Client()
    page.force_login(partner)
    data.update(page_token(page, f"/results/{result.pk}/edit/"))
    responses = post_at_once(partner, f"/results/{result.pk}/edit/", lambda i: data)
    assert result.kpi_lines.count() == 1
    statuses = [r.status_code for r in responses]
    assert all(s < 500 for s in statuses), statuses


def _jpeg(color: str) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (800, 600), color).save(buf, "JPEG")
    return buf.getvalue()


def test_photo_pair_sent_ten_times_at_once_is_stored_once(make_partner, settings):
    partner, rnd, enterprise = _partner_world(make_partner)
    result = result_services.result_create(by=partner, enterprise=enterprise, module=module("M1"), narrative="x")
    before, after = _jpeg("navy"), _jpeg("orange")

    def data(i):
        return {
            "before": SimpleUploadedFile("before.jpg", before, content_type="image/jpeg"),
            "after": SimpleUploadedFile("after.jpg", after, content_type="image/jpeg"),
            "before_caption": "Moving oil barrels needed two workers",
            "after_caption": "A handling cart lowered labour intensity",
        }

    responses = post_at_once(partner, f"/results/{result.pk}/photos/add/", data)
    assert PhotoPair.objects.filter(result=result).count() == 1
    refused_or_redirected(responses, "This photo pair is already in this result.")
    # the refused copies left no files behind: one master, web, print and thumbnail copy per photo at most
    stored = [p for p in (settings.MEDIA_ROOT).rglob("*") if p.is_file()]
    pair = PhotoPair.objects.get(result=result)
    kept = {f.name for photo in (pair.before, pair.after) for f in photo_files(photo)}
    assert {str(p.relative_to(settings.MEDIA_ROOT)) for p in stored} == kept


def photo_files(photo):
    names = [f.name for f in type(photo)._meta.fields if isinstance(f, FileField)]
    return [getattr(photo, name) for name in names if getattr(photo, name)]


def test_the_same_photo_pair_sent_again_later_is_refused(make_partner):
    partner, rnd, enterprise = _partner_world(make_partner)
    result = result_services.result_create(by=partner, enterprise=enterprise, module=module("M1"), narrative="x")
    before, after = _jpeg("navy"), _jpeg("orange")
    args = {"result": result, "by": partner, "before_caption": "Before", "after_caption": "After"}
    result_services.photo_pair_add(before=io.BytesIO(before), after=io.BytesIO(after), **args)
    with pytest.raises(Exception, match="already in this result"):
        result_services.photo_pair_add(before=io.BytesIO(before), after=io.BytesIO(after), **args)
    # another pair of photos is still welcome
    result_services.photo_pair_add(before=io.BytesIO(after), after=io.BytesIO(before), **args)
    assert result.photo_pairs.count() == 2


@pytest.fixture
def round_world():
    org = OrganisationFactory(name="China Enterprise Confederation", short_name="CEC")
    rnd = TrainingRoundFactory(organiser=org, city="Taixing", start=dt.date(2014, 8, 1), end=dt.date(2014, 11, 30))
    enterprise = EnterpriseFactory(name="Newcomer Ltd")
    trainer = TrainerFactory(name="Jia Hongwei", organisation=org)
    QualificationFactory(trainer=trainer, module=module("M1"), qualified_on=dt.date(2012, 1, 1))
    return org, rnd, enterprise, trainer


def test_participation_posted_ten_times_at_once_is_added_once(officer, round_world):
    _org, rnd, enterprise, _trainer = round_world
    counts = {"p-managers_women": 1, "p-managers_men": 1, "p-workers_women": 2, "p-workers_men": 2}
    responses = post_at_once(
        officer, f"/rounds/{rnd.pk}/enterprises/add/", lambda i: {"p-enterprise": enterprise.pk, **counts}
    )
    assert Participation.objects.filter(training_round=rnd, enterprise=enterprise).count() == 1
    refused_or_redirected(
        responses,
        "Newcomer Ltd already takes part in this round.",
        "This enterprise already takes part in this round.",
        "Select a valid choice.",
    )


def test_round_trainer_posted_ten_times_at_once_is_added_once(officer, round_world):
    _org, rnd, _enterprise, trainer = round_world
    responses = post_at_once(
        officer, f"/rounds/{rnd.pk}/trainers/add/", lambda i: {"t-trainer": trainer.pk, "t-role": "lead"}
    )
    assert RoundTrainer.objects.filter(training_round=rnd, trainer=trainer).count() == 1
    refused_or_redirected(
        responses,
        "Jia Hongwei is already in this round.",
        "This trainer is already in this round.",
        "Select a valid choice.",
    )


def test_qualification_posted_ten_times_at_once_is_added_once(officer, round_world):
    _org, _rnd, _enterprise, trainer = round_world
    data = {"q-module": module("M2").pk, "q-qualified_on": "2014-01-01"}
    responses = post_at_once(officer, f"/trainers/{trainer.pk}/qualifications/add/", lambda i: data)
    assert Qualification.objects.filter(trainer=trainer, module__code="M2").count() == 1
    refused_or_redirected(responses, "This trainer already has this qualification from that date.")


def test_enterprise_posted_ten_times_at_once_is_created_once(officer, round_world):
    org, *_ = round_world
    data = {"name": "Ningbo Gear Works", "sector": "machinery", "province": "Zhejiang", "city": "Ningbo"}
    data["organisations"] = [org.pk]
    responses = post_at_once(officer, "/enterprises/new/", lambda i: data)
    assert Enterprise.objects.filter(name="Ningbo Gear Works").count() == 1
    refused_or_redirected(responses, "An enterprise with this name is already registered in this city.")


def test_organisation_posted_ten_times_at_once_is_created_once(officer):
    data = {"name": "Chongqing CEC", "kind": "implementing"}
    responses = post_at_once(officer, "/organisations/new/", lambda i: data)
    assert Organisation.objects.filter(name="Chongqing CEC").count() == 1
    refused_or_redirected(responses, "Organisation with this Name already exists.")


def test_trainer_posted_ten_times_at_once_is_created_once(officer, round_world):
    org, *_ = round_world
    data = {"name": "Wang Li", "sex": "f", "organisation": org.pk, "role": "trainer", "active": "on"}
    responses = post_at_once(officer, "/trainers/new/", lambda i: data)
    assert Trainer.objects.filter(name="Wang Li").count() == 1
    refused_or_redirected(responses, "A trainer with this name already works for this organisation.")


def test_kpi_posted_ten_times_at_once_is_added_once(officer):
    data = {"name": "Scrap rate", "unit": "%", "direction": "lower", "active": "on", "order": 0}
    responses = post_at_once(officer, "/results/kpis/new/", lambda i: data)
    assert KPI.objects.filter(name="Scrap rate").count() == 1
    refused_or_redirected(
        responses, "The catalogue already has a KPI with this name.", "KPI with this Name already exists."
    )


def test_news_item_posted_ten_times_at_once_is_created_once(editor):
    data = {"section": "news", "place": "Yunnan", "title": "Developing HR handbook", "date": "2014-11-14", "body": "x"}
    responses = post_at_once(editor, "/newsletters/news/new/", lambda i: data)
    assert NewsItem.objects.filter(title="Developing HR handbook").count() == 1
    refused_or_redirected(responses, "A news item with this title already exists for that date.")


def test_event_posted_ten_times_at_once_is_created_once(editor):
    data = {
        "title": "Seminar on OSH",
        "place": "Beijing",
        "starts_on": "2015-03-02",
        "ends_on": "2015-03-03",
        "body": "",
    }
    responses = post_at_once(editor, "/newsletters/events/new/", lambda i: data)
    assert Event.objects.filter(title="Seminar on OSH").count() == 1
    statuses = [r.status_code for r in responses]
    assert all(s < 500 for s in statuses) and statuses.count(302) == 1, statuses


def test_issue_posted_ten_times_at_once_is_created_once(editor):
    data = {"period_start": "2014-11-01", "number": 5, "language": "en", "title": "", "introduction": "Hello."}
    responses = post_at_once(editor, "/newsletters/issues/new/", lambda i: data)
    assert Issue.objects.filter(number=5).count() == 1
    refused_or_redirected(
        responses,
        "Issue No. 5 already exists in this language.",
        "There is already an issue with this number in this language.",
        "There is already an issue for this period in this language.",
    )


def test_issue_edition_and_record_posted_ten_times_at_once_are_added_once(editor):
    issue = Issue.objects.create(
        country=china(), number=5, period_start=dt.date(2014, 11, 1), title="Issue 5", language="en"
    )
    responses = post_at_once(editor, f"/newsletters/issues/{issue.pk}/editions/", lambda i: {"language": "zh-hans"})
    assert Issue.objects.filter(number=5, language="zh-hans").count() == 1
    assert all(r.status_code == 302 for r in responses)  # the refusals go back to the issue with a message
    item = NewsItemFactory(title="Yunnan: Developing HR handbook", date=dt.date(2013, 1, 5))
    data = {"kind": "news", "record": item.pk, "section": "kind:news"}
    responses = post_at_once(editor, f"/newsletters/issues/{issue.pk}/records/", lambda i: data)
    assert all(r.status_code == 302 for r in responses)
    assert IssueItem.objects.filter(issue=issue, news_item=item).count() == 1


def test_invitation_posted_ten_times_at_once_makes_one_account(officer):
    from django.contrib.auth.models import User

    data = {
        "email": "li.na@example.org",
        "first_name": "Li",
        "last_name": "Na",
        "role": "officer",
        "all_countries": "on",
    }
    responses = post_at_once(officer, "/people/invite/", lambda i: data)
    assert User.objects.filter(email="li.na@example.org").count() == 1
    statuses = [r.status_code for r in responses]
    assert all(s < 500 for s in statuses) and statuses.count(302) == 1, statuses
