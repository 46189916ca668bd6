"""Every list and detail page runs the same number of SQL queries with 1 row as with 50."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from programmes.models import Agreement
from tests.factories import (
    AgreementFactory,
    EnterpriseFactory,
    FactoryVisitFactory,
    KPILineFactory,
    OrganisationFactory,
    ParticipationFactory,
    QualificationFactory,
    ResultFactory,
    RoundTrainerFactory,
    TrainerFactory,
    TrainingRoundFactory,
    bring_in,
    co_organise,
    module,
)

pytestmark = pytest.mark.django_db


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        if response.streaming:  # a streamed export reads its rows while it is sent
            b"".join(response.streaming_content)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def day(i: int) -> dt.date:
    return dt.date(2014, 1, 1) + dt.timedelta(days=i)


def build_rounds(n, org):
    for i in range(n):
        r = TrainingRoundFactory(organiser=org, start=day(i), end=day(i + 30), city=f"City {i}")
        co_organise(r, OrganisationFactory())
        e = EnterpriseFactory()
        bring_in(e, org)
        ParticipationFactory(training_round=r, enterprise=e)
        t = TrainerFactory(organisation=org)
        QualificationFactory(trainer=t)
        RoundTrainerFactory(training_round=r, trainer=t)
    return None


def build_round_detail(n, org):
    r = TrainingRoundFactory(organiser=org, start=dt.date(2014, 1, 1), end=dt.date(2014, 12, 31))
    for _ in range(n):
        e = EnterpriseFactory()
        ParticipationFactory(training_round=r, enterprise=e)
        t = TrainerFactory()
        QualificationFactory(trainer=t)
        RoundTrainerFactory(training_round=r, trainer=t)
        FactoryVisitFactory(training_round=r, enterprise=e, trainer=t, visited_on=dt.date(2014, 6, 1))
        ResultFactory(enterprise=e, training_round=r)
    return f"/rounds/{r.pk}/"


def build_enterprise_detail(n, org):
    e = EnterpriseFactory()
    bring_in(e, org)
    t = TrainerFactory()
    for i in range(n):
        r = TrainingRoundFactory(organiser=org, start=day(i), end=day(i + 10), module=module(f"M{1 + i % 5}"))
        ParticipationFactory(training_round=r, enterprise=e)
        FactoryVisitFactory(training_round=r, enterprise=e, trainer=t, visited_on=day(i + 1))
    for code in ["M1", "M2", "M3", "M4", "M5"][: min(n, 5)]:
        ResultFactory(enterprise=e, module=module(code))
    return f"/enterprises/{e.pk}/"


def build_trainer_detail(n, org):
    t = TrainerFactory(organisation=org)
    for i in range(n):
        QualificationFactory(trainer=t, qualified_on=day(i))
        r = TrainingRoundFactory(organiser=org, start=day(400 + i), end=day(430 + i))
        RoundTrainerFactory(training_round=r, trainer=t)
        e = EnterpriseFactory()
        ParticipationFactory(training_round=r, enterprise=e)
        FactoryVisitFactory(training_round=r, enterprise=e, trainer=t, visited_on=day(410 + i))
    return f"/trainers/{t.pk}/"


def build_organisations(n, org):
    for i in range(n):
        o = OrganisationFactory(parent=org)
        AgreementFactory(organisation=o)
        AgreementFactory(organisation=o, kind=Agreement.Kind.LICENCE, start=day(i))
        TrainingRoundFactory(organiser=o)


def build_organisation_detail(n, org):
    for i in range(n):
        AgreementFactory(organisation=org, start=day(i))
        TrainingRoundFactory(organiser=org, start=day(i), end=day(i + 5))
        TrainerFactory(organisation=org)
        OrganisationFactory(parent=org)
    return f"/organisations/{org.pk}/"


def build_results(n, org):
    for i in range(n):
        e = EnterpriseFactory()
        bring_in(e, org)
        r = TrainingRoundFactory(organiser=org, start=day(i), end=day(i + 30))
        ParticipationFactory(training_round=r, enterprise=e)
        result = ResultFactory(enterprise=e, organisation=org, training_round=r, title=f"Fewer defects {i}")
        KPILineFactory(result=result)


def build_result_detail(n, org):
    e = EnterpriseFactory()
    bring_in(e, org)
    result = ResultFactory(enterprise=e, organisation=org)
    for _ in range(n):
        line = KPILineFactory(result=result)
        line.note = "changed"
        line.save()  # a second history record per line
    return f"/results/{result.pk}/"


LIST_PAGES = [
    ("/rounds/", build_rounds),
    ("/rounds/?_export=csv", build_rounds),
    ("/rounds/?module=1&status=planned&q=City", build_rounds),
    ("/enterprises/", build_rounds),
    ("/enterprises/?_export=xlsx", build_rounds),
    ("/trainers/", build_rounds),
    ("/trainers/?_export=csv", build_rounds),
    ("/organisations/", build_organisations),
    ("/organisations/?_export=csv", build_organisations),
    ("/", build_rounds),
    ("/rounds/?q=city", build_rounds),
    ("/rounds/?sort=-n_enterprises", build_rounds),
    ("/enterprises/?q=enterprise", build_rounds),
    ("/enterprises/?module=1&sector=machinery", build_rounds),
    ("/trainers/?q=a", build_rounds),
    ("/results/", build_results),
    ("/results/?q=enterprise", build_results),
    ("/results/export/?format=csv", build_results),
]
DETAIL_PAGES = [
    build_round_detail,
    build_enterprise_detail,
    build_trainer_detail,
    build_organisation_detail,
    build_result_detail,
]


@pytest.mark.parametrize(("url", "build"), LIST_PAGES)
def test_officer_list_pages_run_the_same_queries_for_1_and_50_rows(client, officer, url, build):
    client.force_login(officer)
    org = OrganisationFactory()
    build(1, org)
    one = queries(client, url)
    build(49, org)
    assert queries(client, url) == one


@pytest.mark.parametrize(
    ("url", "build"),
    [
        ("/", build_results),
        ("/rounds/", build_rounds),
        ("/rounds/?_export=csv", build_rounds),
        ("/enterprises/", build_rounds),
        ("/enterprises/?q=enterprise", build_rounds),
        ("/enterprises/?_export=csv", build_rounds),
        ("/results/", build_results),
        ("/results/?q=enterprise", build_results),
        ("/results/export/?format=csv", build_results),
    ],
)
def test_partner_list_pages_run_the_same_queries_for_1_and_50_rows(client, make_partner, url, build):
    org = OrganisationFactory()
    client.force_login(make_partner(org))
    build(1, org)
    one = queries(client, url)
    build(49, org)
    assert queries(client, url) == one


@pytest.mark.parametrize("build", DETAIL_PAGES)
def test_detail_pages_run_the_same_queries_for_1_and_50_rows(client, officer, build):
    client.force_login(officer)
    one = queries(client, build(1, OrganisationFactory()))
    fifty = queries(client, build(50, OrganisationFactory()))
    assert fifty == one


@pytest.mark.parametrize("build", [build_round_detail, build_enterprise_detail, build_result_detail])
def test_partner_detail_pages_run_the_same_queries_for_1_and_50_rows(client, make_partner, build):
    org = OrganisationFactory()
    client.force_login(make_partner(org))
    one = queries(client, build(1, org))
    assert queries(client, build(50, org)) == one
