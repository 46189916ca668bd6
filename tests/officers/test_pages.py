"""What an officer sees and does through the pages: forms, errors next to the field, exports, the home page."""

import csv
import datetime as dt
import io

import pytest
from django.core import mail
from django.utils import timezone
from openpyxl import load_workbook

from enterprises.models import Enterprise, FactoryVisit, Participation
from programmes.models import Agreement, TrainingRound
from tests.factories import (
    AgreementFactory,
    EnterpriseFactory,
    OrganisationFactory,
    QualificationFactory,
    ResultFactory,
    TrainerFactory,
    TrainingRoundFactory,
    bring_in,
    module,
)
from tests.tokens import page_token
from trainers.models import RoundTrainer

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


def round_form(programme, **overrides):
    data = {
        "module": module("M1").pk,
        "kind": "toe",
        "organiser": programme.cec.pk,
        "province": "Jiangsu",
        "city": "Suzhou",
        "start": "2015-03-01",
        "end": "2015-04-30",
        "notes": "",
    }
    data.update(overrides)
    return data


def test_officer_creates_a_round_and_lands_on_its_page(officer_client, programme):
    response = officer_client.post("/rounds/new/", round_form(programme, co_organisers=[programme.other.pk]))
    training_round = TrainingRound.objects.get(city="Suzhou")
    assert response.status_code == 302 and response.url == f"/rounds/{training_round.pk}/"
    assert list(training_round.co_organisers.all()) == [programme.other]
    html = officer_client.get(response.url).content.decode()
    assert "Training round M1 ToE Suzhou 2015-03-01 created." in html
    assert "Planned" in html and "Move to Classroom" in html


def test_round_form_shows_the_licence_refusal_next_to_the_start_field(officer_client, programme):
    response = officer_client.post(
        "/rounds/new/", round_form(programme, organiser=programme.tuv.pk, start="2014-09-01")
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "must fall inside one of its licence agreements" in " ".join(form.errors["start"])
    assert 'id="error_1_id_start"' in response.content.decode()  # crispy renders it under the field
    assert not TrainingRound.objects.filter(city="Suzhou").exists()


def test_round_form_shows_end_before_start_next_to_end(officer_client, programme):
    response = officer_client.post("/rounds/new/", round_form(programme, end="2015-02-01"))
    assert "cannot end before it starts" in " ".join(response.context["form"].errors["end"])


def test_officer_edits_a_round(officer_client, programme):
    url = f"/rounds/{programme.round.pk}/edit/"
    response = officer_client.post(
        url,
        {
            **round_form(programme, city="Taixing", start="2014-08-01", end="2014-12-15", notes="Extended"),
            **page_token(officer_client, url),
        },
    )
    assert response.status_code == 302
    programme.round.refresh_from_db()
    assert programme.round.end == dt.date(2014, 12, 15) and programme.round.notes == "Extended"


def test_round_moves_forward_and_an_illegal_move_is_refused_with_a_message(officer_client, programme):
    url = f"/rounds/{programme.round.pk}/status/"
    response = officer_client.post(url, {"to_status": "completed"}, follow=True)
    assert "cannot move from Planned to Completed" in response.content.decode()
    officer_client.post(url, {"to_status": "classroom"})
    programme.round.refresh_from_db()
    assert programme.round.status == "classroom"


def test_adding_an_enterprise_from_the_round_page(officer_client, programme):
    newcomer = EnterpriseFactory(name="Shengbao Vehicle")
    response = officer_client.post(
        f"/rounds/{programme.round.pk}/enterprises/add/",
        {
            "p-enterprise": newcomer.pk,
            "p-managers_women": 1,
            "p-managers_men": 2,
            "p-workers_women": 3,
            "p-workers_men": 0,
        },
    )
    assert response.status_code == 302 and response.url.endswith("#enterprises")
    p = Participation.objects.get(enterprise=newcomer)
    assert (p.managers_women, p.managers_men, p.workers_women, p.workers_men) == (1, 2, 3, 0)


def test_negative_attendance_is_shown_on_the_round_page_next_to_the_field(officer_client, programme):
    newcomer = EnterpriseFactory(name="Shengbao Vehicle")
    response = officer_client.post(
        f"/rounds/{programme.round.pk}/enterprises/add/",
        {
            "p-enterprise": newcomer.pk,
            "p-managers_women": -1,
            "p-managers_men": 0,
            "p-workers_women": 0,
            "p-workers_men": 0,
        },
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Enterprises and attendance" in html  # still the round's page
    assert "Ensure this value is greater than or equal to 0." in html
    assert 'id="error_1_id_p-managers_women"' in html
    assert '<details class="add-form" open>' in html
    assert not Participation.objects.filter(enterprise=newcomer).exists()


def test_module_1_first_refusal_and_exception_on_the_round_page(officer_client, programme):
    m2 = TrainingRoundFactory(
        organiser=programme.cec, module=module("M2"), start=dt.date(2015, 1, 5), end=dt.date(2015, 3, 31)
    )
    newcomer = EnterpriseFactory(name="Newcomer Ltd")
    url = f"/rounds/{m2.pk}/enterprises/add/"
    counts = {"p-managers_women": 1, "p-managers_men": 1, "p-workers_women": 1, "p-workers_men": 1}
    response = officer_client.post(url, {"p-enterprise": newcomer.pk, **counts})
    assert "Newcomer Ltd has not taken Module 1" in response.content.decode()
    response = officer_client.post(
        url, {"p-enterprise": newcomer.pk, "p-module_order_exception": "Took M1 in Vietnam", **counts}
    )
    assert response.status_code == 302
    html = officer_client.get(f"/rounds/{m2.pk}/").content.decode()
    assert "Took M1 in Vietnam" in html


def test_unqualified_trainer_refusal_on_the_round_page(officer_client, programme):
    stranger = TrainerFactory(name="Unqualified Person")
    response = officer_client.post(
        f"/rounds/{programme.round.pk}/trainers/add/", {"t-trainer": stranger.pk, "t-role": "lead"}
    )
    assert response.status_code == 400
    assert "Unqualified Person is not qualified for M1" in response.content.decode()
    qualified = TrainerFactory(name="Qualified Person")
    QualificationFactory(trainer=qualified)
    response = officer_client.post(
        f"/rounds/{programme.round.pk}/trainers/add/", {"t-trainer": qualified.pk, "t-role": "co"}
    )
    assert response.status_code == 302
    assert RoundTrainer.objects.filter(trainer=qualified, role="co").exists()


def test_factory_visit_from_the_round_page(officer_client, programme):
    url = f"/rounds/{programme.round.pk}/visits/add/"
    data = {"v-enterprise": programme.enterprise.pk, "v-trainer": programme.trainer.pk, "v-notes": "5S audit"}
    response = officer_client.post(url, {**data, "v-visited_on": "2014-07-01"})
    assert "cannot be before the round starts" in response.content.decode()
    response = officer_client.post(url, {**data, "v-visited_on": "2014-10-02"})
    assert response.status_code == 302
    assert FactoryVisit.objects.filter(notes="5S audit", visited_on=dt.date(2014, 10, 2)).exists()


def test_edit_attendance_page(officer_client, programme):
    url = f"/rounds/{programme.round.pk}/enterprises/{programme.participation.pk}/edit/"
    data = {"managers_women": 2, "managers_men": 2, "workers_women": 5, "workers_men": 4}
    assert officer_client.post(url, {**data, **page_token(officer_client, url)}).status_code == 302
    programme.participation.refresh_from_db()
    assert programme.participation.participants == 13


def test_round_page_shows_everything_related(officer_client, programme):
    html = officer_client.get(f"/rounds/{programme.round.pk}/").content.decode()
    for text in ("Yucheng Futong Electric", "Jia Hongwei", "Lead trainer", "2014-09-15", "307 suggestions"):
        assert text in html


def test_enterprise_page_shows_modules_rounds_visits_and_results(officer_client, programme):
    html = officer_client.get(f"/enterprises/{programme.enterprise.pk}/").content.decode()
    for text in ("Modules taken", "M1", "Taixing", "Jia Hongwei", "307 suggestions", "China Enterprise Confederation"):
        assert text in html


def test_trainer_page_shows_qualifications_and_rounds(officer_client, programme):
    html = officer_client.get(f"/trainers/{programme.trainer.pk}/").content.decode()
    assert "M1 Workplace Cooperation" in html and "2012-01-01" in html
    assert str(programme.round) in html


def test_officer_adds_a_qualification_and_a_bad_one_is_refused(officer_client, programme):
    url = f"/trainers/{programme.trainer.pk}/qualifications/add/"
    response = officer_client.post(
        url, {"q-module": module("M2").pk, "q-qualified_on": "2014-01-01", "q-expires_on": "2013-01-01"}
    )
    assert "must expire after the date it was awarded" in response.content.decode()
    response = officer_client.post(url, {"q-module": module("M2").pk, "q-qualified_on": "2014-01-01"})
    assert response.status_code == 302
    assert programme.trainer.qualifications.filter(module__code="M2").exists()


def test_organisation_page_and_agreement_forms(officer_client, programme):
    html = officer_client.get(f"/organisations/{programme.tuv.pk}/").content.decode()
    assert "Licence agreement" in html and "2017-10-20" in html
    response = officer_client.post(
        f"/organisations/{programme.tuv.pk}/agreements/new/",
        {"kind": "licence", "signed_on": "2017-10-01", "start": "2017-10-21", "end": "2017-01-01"},
    )
    assert "cannot end before it starts" in " ".join(response.context["form"].errors["end"])
    response = officer_client.post(
        f"/organisations/{programme.tuv.pk}/agreements/new/",
        {"kind": "licence", "signed_on": "2017-10-01", "start": "2017-10-21", "end": "2020-10-20"},
    )
    assert response.status_code == 302
    assert programme.tuv.agreements.filter(kind=Agreement.Kind.LICENCE).count() == 2


def test_officer_creates_an_enterprise_and_returns_to_the_round(officer_client, programme):
    response = officer_client.post(
        f"/enterprises/new/?next=/rounds/{programme.round.pk}/",
        {
            "name": "Teho Metal",
            "sector": "metal",
            "province": "Jiangsu",
            "city": "Taixing",
            "workers_women": 10,
            "workers_men": 20,
            "organisations": [programme.cec.pk],
        },
    )
    assert response.status_code == 302 and response.url == f"/rounds/{programme.round.pk}/"
    assert Enterprise.objects.get(name="Teho Metal").organisations.get() == programme.cec


def test_enterprise_form_never_sends_the_officer_to_another_site(officer_client, programme):
    response = officer_client.post(
        "/enterprises/new/?next=https://evil.example/phish",
        {"name": "Shengbao Vehicle", "sector": "automotive", "province": "Jiangsu", "city": "Taixing"},
    )
    saved = Enterprise.objects.get(name="Shengbao Vehicle")
    assert response.status_code == 302 and response.url == saved.get_absolute_url()


def test_enterprise_form_refuses_a_duplicate_next_to_the_form(officer_client, programme):
    response = officer_client.post(
        "/enterprises/new/",
        {"name": "Yucheng Futong Electric", "sector": "electronics", "province": "Jiangsu", "city": "Taixing"},
    )
    assert "already registered in this city" in response.content.decode()


# --- Lists and exports ---------------------------------------------------------------------------------------


def test_round_list_filters_search_and_sort(officer_client, programme):
    html = officer_client.get(f"/rounds/?module={module('M3').pk}").content.decode()
    assert "Guangzhou" in html and "Taixing 2014" not in html
    html = officer_client.get("/rounds/?q=taixing").content.decode()
    assert "Taixing, Jiangsu" in html and "Guangzhou" not in html
    html = officer_client.get(f"/rounds/?organisation={programme.cec.pk}&status=planned").content.decode()
    assert "Taixing, Jiangsu" in html
    assert officer_client.get("/rounds/?sort=-organiser").status_code == 200
    assert officer_client.get("/rounds/?start_from=2015-01-01").context["table"].paginator.count == 0


def test_round_search_finds_by_organiser_and_module_and_needs_every_word(officer_client, programme):
    def places(query):
        return [r.record.city for r in officer_client.get("/rounds/", {"q": query}).context["table"].page.object_list]

    # the organiser's name or short name (another table), the module's name, the city: any of them
    assert places("confederation") == ["Taixing"]
    assert places("BSCI") == ["Guangzhou"]
    assert set(places(module("M3").name.split()[0])) >= {"Guangzhou"}
    # every word must be found, each in any of the fields
    assert places("CEC taixing") == ["Taixing"]
    assert places("CEC guangzhou") == []


def test_csv_export_holds_exactly_the_filtered_rows(officer_client, programme):
    response = officer_client.get("/rounds/?q=taixing&_export=csv")
    assert response["Content-Type"].startswith("text/csv")
    assert response.streaming  # written row by row, not built in memory first
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:7] == ["Place", "Module", "Kind", "Organiser", "Start", "End", "Status"]
    assert len(rows) == 2 and rows[1][:2] == ["Taixing, Jiangsu", "M1"] and rows[1][6] == "Planned"


def test_excel_export_of_enterprises(officer_client, programme):
    response = officer_client.get(f"/enterprises/?organisation={programme.cec.pk}&_export=xlsx")
    assert response.streaming  # written to a temporary file row by row, sent as a file
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.bold
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][0] == "Name"
    assert [v[0] for v in values[1:]] == ["Yucheng Futong Electric"]
    assert values[1][5] == "M1"


@pytest.mark.clock
def test_export_file_names_carry_the_programmes_date(officer_client, programme):
    today = timezone.localdate()
    response = officer_client.get("/rounds/?_export=csv")
    assert f'filename="training-rounds-{today:%Y-%m-%d}.csv"' in response["Content-Disposition"]
    response = officer_client.get("/results/export/?format=csv")
    assert f'filename="score-results-{today:%Y-%m-%d}.csv"' in response["Content-Disposition"]


def test_other_export_formats_are_not_offered(officer_client, programme):
    response = officer_client.get("/rounds/?_export=json")
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.clock
def test_trainer_list_filter_by_module_qualified_today(officer_client, programme):
    lapsed = TrainerFactory(name="Lapsed Trainer")
    QualificationFactory(trainer=lapsed, qualified_on=dt.date(2010, 1, 1), expires_on=dt.date(2012, 1, 1))
    html = officer_client.get(f"/trainers/?module={module('M1').pk}").content.decode()
    assert "Jia Hongwei" in html and "Lapsed Trainer" not in html


def test_organisation_list_shows_licence_end(officer_client, programme):
    html = officer_client.get("/organisations/?agreement=licence").content.decode()
    assert "TÜV Rheinland China" in html and "2017-10-20" in html and "Business Social" not in html


# --- The officer's home ---------------------------------------------------------------------------------------


@pytest.mark.clock
def test_officer_home_shows_what_needs_attention_and_headline_counts(officer_client, programme):
    today = timezone.localdate()
    soon = TrainingRoundFactory(
        organiser=programme.cec,
        city="Soonville",
        start=today + dt.timedelta(days=10),
        end=today + dt.timedelta(days=40),
    )
    TrainingRoundFactory(
        organiser=programme.cec,
        city="Laterville",
        start=today + dt.timedelta(days=45),
        end=today + dt.timedelta(days=60),
    )
    TrainingRoundFactory(organiser=programme.cec, city="Endedville", status="completed")
    with_results = TrainingRoundFactory(organiser=programme.cec, city="Reportedville", status="completed")
    ResultFactory(enterprise=EnterpriseFactory(), training_round=with_results, status="approved")
    provider = OrganisationFactory(name="Expiring Provider", kind="licensed")
    AgreementFactory(
        organisation=provider, kind="licence", start=today - dt.timedelta(days=700), end=today + dt.timedelta(days=60)
    )
    programme.round.status = "completed"
    programme.round.save()
    html = officer_client.get("/").content.decode()
    starting = html[html.index('id="starting-soon"') : html.index('id="licences"')]
    assert str(soon) in starting and "Laterville" not in starting
    without = html[html.index('id="without-results"') : html.index('id="by-module"')]
    assert "Endedville" in without and "Reportedville" not in without
    assert "Expiring Provider" in html
    assert "enterprises in training rounds" in html
    by_module = html[html.index('id="by-module"') :]
    # M1: one enterprise trained (the Taixing round completed), one trainer qualified today
    assert '<td class="text-end">1</td><td class="text-end">0</td><td class="text-end">1</td>' in by_module
    assert "2 women, 2 men" in html


# --- Password change and reset -------------------------------------------------------------------------------


def test_password_reset_sends_an_email_with_a_working_link(client, officer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # the mail is queued when the request's work commits
        response = client.post("/accounts/password_reset/", {"email": officer.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "SCORE Portal: choose a new password"
    link = next(line for line in message.body.splitlines() if "/accounts/reset/" in line).strip()
    path = link.split("testserver", 1)[1]
    response = client.get(path, follow=True)
    assert "Choose a new password" in response.content.decode()
    response = client.post(
        response.redirect_chain[-1][0], {"new_password1": "Ningbo-2014-rounds", "new_password2": "Ningbo-2014-rounds"}
    )
    assert response.status_code == 302
    assert client.login(username=officer.username, password="Ningbo-2014-rounds")


def test_password_change_page(client, officer):
    client.force_login(officer)
    assert "Change your password" in client.get("/accounts/password_change/").content.decode()
    response = client.post(
        "/accounts/password_change/",
        {"old_password": "pw", "new_password1": "Deyang-2014-rounds", "new_password2": "Deyang-2014-rounds"},
        follow=True,
    )
    assert "Your password was changed" in response.content.decode()


def test_round_page_stays_small_however_many_enterprises_and_trainers_exist(officer_client, programme):
    # given a programme far larger than a page could list
    EnterpriseFactory.create_batch(120, city="Wuxi")
    TrainerFactory.create_batch(80)
    # when the officer opens a round
    html = officer_client.get(programme.round.get_absolute_url()).content.decode()
    # then the add forms offer a search box and a bounded number of options
    enterprise_select = html.split('name="p-enterprise"')[1].split("</select>")[0]
    trainer_select = html.split('name="t-trainer"')[1].split("</select>")[0]
    assert enterprise_select.count("<option") <= 51
    assert trainer_select.count("<option") <= 51
    assert 'data-search-url="/results/enterprises/autocomplete/"' in enterprise_select
    assert 'data-search-url="/trainers/autocomplete/"' in trainer_select


def test_an_enterprise_beyond_the_first_options_can_still_be_added(officer_client, programme):
    EnterpriseFactory.create_batch(60, city="Wuxi")
    late = EnterpriseFactory(name="Zhenjiang Zipper Works", city="Zhenjiang")
    bring_in(late, programme.cec)
    response = officer_client.post(
        f"/rounds/{programme.round.pk}/enterprises/add/",
        {"p-enterprise": late.pk, "p-managers_women": 1, "p-managers_men": 1, "p-workers_women": 1, "p-workers_men": 1},
    )
    assert response.status_code == 302
    assert Participation.objects.filter(training_round=programme.round, enterprise=late).exists()


def test_trainer_search_is_for_officers_only(client, officer, make_partner, programme):
    client.force_login(officer)
    data = client.get("/trainers/autocomplete/?q=jia").json()
    assert [r["label"] for r in data["results"]] == ["Jia Hongwei (CEC)"]
    client.force_login(make_partner(programme.cec))
    assert client.get("/trainers/autocomplete/?q=jia").status_code in (403, 404)
