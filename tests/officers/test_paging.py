"""Detail pages whose lists grow with the programme show them a page at a time, each section on its own,
with the totals of every page."""

import datetime as dt
import re

import pytest

from enterprises.models import Result
from tests.factories import (
    EnterpriseFactory,
    ParticipationFactory,
    ResultFactory,
    TrainerFactory,
    TrainingRoundFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


def rows(html: str, section: str) -> list[str]:
    """The round links (or names) listed in a section of the page, in order."""
    body = html.split(f'id="{section}"', 1)[1].split("</section>", 1)[0]
    return re.findall(r'<a href="/(?:rounds|trainers)/\d+/">([^<]+)</a>', body)


def test_an_organisations_rounds_and_trainers_are_paged_separately(officer_client, programme):
    for i in range(30):
        start = dt.date(2016, 1, 1) + dt.timedelta(i)
        TrainingRoundFactory(organiser=programme.cec, city=f"Town {i:02}", start=start, end=start)
    for i in range(3):
        TrainerFactory(name=f"Trainer {i}", organisation=programme.cec)
    url = f"/organisations/{programme.cec.pk}/"
    first = officer_client.get(url).content.decode()
    assert len(rows(first, "rounds")) == 25  # 31 rounds: the newest 25 first
    assert "Town 29" in rows(first, "rounds")[0]
    assert "Page 1 of 2" in first
    second = officer_client.get(url, {"rounds_page": 2}).content.decode()
    assert len(rows(second, "rounds")) == 6 and "Taixing" in rows(second, "rounds")[-1]
    assert rows(second, "trainers") == rows(first, "trainers")  # the other section stays where it was
    assert 'href="?rounds_page=1#rounds"' in second


def test_a_rounds_attendance_is_paged_and_its_totals_count_every_page(officer_client, programme):
    for i in range(60):
        ParticipationFactory(
            training_round=programme.round,
            enterprise=EnterpriseFactory(name=f"Works {i:02}"),
            managers_women=1,
            managers_men=0,
            workers_women=2,
            workers_men=3,
        )
    url = f"/rounds/{programme.round.pk}/"
    html = officer_client.get(url).content.decode()
    table = html.split('id="participations"', 1)[1].split("</table>", 1)[0]
    assert len(re.findall(r'<a href="/enterprises/\d+/">', table)) == 50
    assert "61 enterprises" in html
    p = programme.participation
    everyone = 60 * 6 + p.managers_women + p.managers_men + p.workers_women + p.workers_men
    assert f"{everyone} participants" in html
    html = officer_client.get(url, {"enterprises_page": 2}).content.decode()
    table = html.split('id="participations"', 1)[1].split("</table>", 1)[0]
    assert len(re.findall(r'<a href="/enterprises/\d+/">', table)) == 11 and "Works 59" in table


def test_a_rounds_results_are_paged_in_the_order_of_their_enterprises(officer_client, programme):
    for i in range(30):
        enterprise = EnterpriseFactory(name=f"Aardvark Works {i:02}")  # before the programme's own enterprises
        ResultFactory(enterprise=enterprise, training_round=programme.round, title=f"Headline {i:02}")
    url = f"/rounds/{programme.round.pk}/"
    html = officer_client.get(url).content.decode()
    section = html.split('id="results"', 1)[1].split("</section>", 1)[0]
    headlines = re.findall(r'<a href="/results/\d+/">Headline (\d+)</a>', section)
    assert headlines == [f"{i:02}" for i in range(25)]
    total = Result.objects.filter(training_round=programme.round).count()
    assert total == 31  # the programme's own and these 30
    assert "31 results" in section and "Page 1 of 2" in section
    second = officer_client.get(url, {"results_page": 2}).content.decode()
    section = second.split('id="results"', 1)[1].split("</section>", 1)[0]
    assert re.findall(r'<a href="/results/\d+/">Headline (\d+)</a>', section) == ["25", "26", "27", "28", "29"]
    assert len(re.findall(r'<a href="/results/\d+/">', section)) == 6
    assert 'href="?results_page=1#results"' in section
