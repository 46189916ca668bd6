"""The officers' headline figures are kept as a summary and counted again after any change they count."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from enterprises import services as enterprise_services
from programmes import services as round_services
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


def by_module_row(html: str, code: str) -> str:
    table = html[html.index('id="by-module"') :]
    return table[table.index(f">{code}") :].split("</tr>", 1)[0]


def visit(client) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as ctx:
        html = client.get("/").content.decode()
    return html, len(ctx.captured_queries)


def test_headline_figures_are_kept_and_follow_every_change(client, officer, programme):
    client.force_login(officer)
    first, counted = visit(client)
    assert "2 women, 2 men" in first
    again, kept = visit(client)
    assert kept < counted and again.count("2 women, 2 men") == 1  # read from the summary, same figures
    # an enterprise joins the (still planned) round through the service: the figures follow at once
    newcomer = EnterpriseFactory(name="Newcomer Works")
    enterprise_services.participation_add(
        training_round=programme.round, enterprise=newcomer, managers_women=2, workers_men=5, by=officer
    )
    html, _n = visit(client)
    assert "4 women, 7 men" in html
    # the round completes: its two enterprises now count as trained in M1
    round_services.round_transition(training_round=programme.round, to_status="classroom", by=officer)
    html, _n = visit(client)
    assert "rounds in classroom or consulting" in html
    assert by_module_row(html, "M1").count('<td class="text-end">2</td>') == 1  # two in training
