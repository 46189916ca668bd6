"""Roles by country (issue 22 §3), from the outside: two country programmes, China and Viet Nam, each with every kind
of record; an officer of each and an officer of the global team.

The Viet Nam officer, given every China record's id on every detail, edit, action, export and file URL, gets 404
(403 where their role cannot open the page at all: a new country programme); their lists, searches, exports,
autocompletes, figures and home name no China record; and the same back for the China officer. The global officer
opens both. The URLs are those the existing walks list (tests/officers/test_access.py for the programme's pages,
tests/results/test_scope.py for the results', tests/countries/test_pages.py for the country pages) and every
newsletter and people URL that takes an id, read from the URL patterns."""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace

import pytest
from django.urls import URLPattern, reverse

from enterprises.models import ResultImport
from enterprises.results import services as result_services
from newsletters import services as newsletter_services
from newsletters import urls as newsletter_urls
from people import urls as people_urls
from programmes.models import Agreement, Country, TrainingRound
from tests.conftest import _user, give_countries
from tests.countries.test_pages import _country_urls
from tests.factories import (
    AgreementFactory,
    CountryFactory,
    EnterpriseFactory,
    EventFactory,
    ExpertCommentFactory,
    FactoryVisitFactory,
    NewsItemFactory,
    OrganisationFactory,
    ParticipationFactory,
    QualificationFactory,
    RegionFactory,
    RoundTrainerFactory,
    TrainerFactory,
    TrainingRoundFactory,
    bring_in,
    module,
)
from tests.officers.test_access import urls as programme_urls
from tests.results.conftest import Side, draft, jpeg_bytes, upload
from tests.results.test_scope import object_urls as result_urls

pytestmark = pytest.mark.django_db

NOT_FOUND, FORBIDDEN = 404, 403


def country_programme(country: Country, names: dict, make_partner) -> SimpleNamespace:
    """A country's programme with every kind of record, named by ``names`` (what its officer may see and the other
    country's officer must never): the namespace tests/officers/test_access.py's walk reads, and more."""
    org = OrganisationFactory(
        name=names["organisation"],
        short_name=names["short"],
        countries=[country],
        city=names["city"],
        province=names["province"],
    )
    agreement = AgreementFactory(organisation=org, country=country, kind=Agreement.Kind.IMPLEMENTATION)
    training_round = TrainingRoundFactory(
        country=country,
        organiser=org,
        city=names["city"],
        province=names["province"],
        start=dt.date(2014, 8, 1),
        end=dt.date(2014, 11, 30),
        status=TrainingRound.Status.COMPLETED,
    )
    trainer = TrainerFactory(name=names["trainer"], organisation=org, countries=[country])
    qualification = QualificationFactory(trainer=trainer, module=module("M1"), qualified_on=dt.date(2012, 1, 1))
    round_trainer = RoundTrainerFactory(training_round=training_round, trainer=trainer)
    enterprise = EnterpriseFactory(name=names["enterprise"], city=names["city"], country=country)
    bring_in(enterprise, org)
    participation = ParticipationFactory(training_round=training_round, enterprise=enterprise)
    visit = FactoryVisitFactory(
        training_round=training_round, enterprise=enterprise, trainer=trainer, visited_on=dt.date(2014, 9, 15)
    )
    partner = make_partner(org, f"partner-{country.code.lower()}")
    result = draft(Side(org, partner, training_round, enterprise))
    result_services.result_transition(result=result, by=partner, to="submitted")
    pair = result_services.photo_pair_add(
        result=result,
        by=partner,
        before=upload(jpeg_bytes()),
        before_caption=names["caption"],
        after=upload(jpeg_bytes(color="green")),
        after_caption=names["caption"],
    )
    upload_record = ResultImport.objects.create(
        filename="results.xlsx", uploaded_by=partner, organisation=org, file="imports/x.xlsx"
    )
    news = NewsItemFactory(
        country=country, title=names["news"], place=names["city"], date=names["period"], training_round=None
    )
    event = EventFactory(country=country, title=names["event"], place=names["city"])
    comment = ExpertCommentFactory(country=country, trainer=trainer, quote=names["quote"])
    issue = newsletter_services.issue_create(
        country=country, number=names["issue_number"], period_start=names["period"]
    )
    region = RegionFactory(country=country, name=names["region"])
    return SimpleNamespace(
        country=country,
        region=region,
        names=names,
        cec=org,
        agreement=agreement,
        round=training_round,
        trainer=trainer,
        qualification=qualification,
        round_trainer=round_trainer,
        enterprise=enterprise,
        participation=participation,
        visit=visit,
        partner=partner,
        result=result,
        results={"result": result, "pair": pair, "photo": pair.before, "import": upload_record},
        news=news,
        event=event,
        comment=comment,
        issue=issue,
    )


CHINA = {
    "organisation": "China Enterprise Confederation",
    "short": "CEC",
    "city": "Taixing",
    "province": "Jiangsu",
    "region": "Sichuan",
    "trainer": "Jia Hongwei",
    "enterprise": "Yucheng Futong Electric",
    "caption": "Oil barrels carried by two workers",
    "news": "Module 2 training of enterprises in Taixing",
    "event": "SCORE Module 3 ToE in Chongqing",
    "quote": "Cooperation in the workplace pays in Jiangsu",
    "issue_number": 5,
    "period": dt.date(2014, 11, 1),  # issues of two countries do not share a period yet (issue 22 §6)
}
VIET_NAM = {
    "organisation": "Viet Nam Chamber of Commerce and Industry",
    "short": "VCCI",
    "city": "Hai Phong",
    "province": "Hai Phong",
    "region": "Da Nang",
    "trainer": "Nguyen Thi Lan",
    "enterprise": "Song Hong Garment Joint Stock Company",
    "caption": "Fabric rolls stacked on the cutting floor",
    "news": "Workplace cooperation training in Hai Phong",
    "event": "SCORE Module 2 ToE in Da Nang",
    "quote": "Quality circles changed our sewing lines",
    "issue_number": 6,
    "period": dt.date(2015, 1, 1),
}


@pytest.fixture
def world(db, make_partner):
    china = Country.objects.get(code="CN")
    viet_nam = CountryFactory()
    cn = country_programme(china, CHINA, make_partner)
    vn = country_programme(viet_nam, VIET_NAM, make_partner)
    officers = {
        "cn": give_countries(_user_officer("officer-cn"), china),
        "vn": give_countries(_user_officer("officer-vn"), viet_nam),
        "global": give_countries(_user_officer("officer-global"), everywhere=True),
    }
    return SimpleNamespace(cn=cn, vn=vn, officers=officers)


def _user_officer(username: str):
    from django.contrib.auth.models import User

    from core import roles

    return _user(User, username, roles.OFFICERS, is_staff=True)


def _has_id(url: str) -> bool:
    return bool(re.search(r"/\d+/", url))


def newsletter_and_people_urls(p) -> list[str]:
    """Every newsletter and people URL that takes an id, filled with ``p``'s records (a new one is named here)."""
    issue = p.issue
    item, section = issue.items.first(), issue.sections.first()
    args = {
        "issue_item": [issue.pk, item.pk],
        "issue_section": [issue.pk, section.pk],
    }
    found = []
    for pattern in newsletter_urls.urlpatterns:
        route = str(pattern.pattern)
        if not isinstance(pattern, URLPattern) or not route.startswith("newsletters/"):
            continue
        if "<int:pk>" in route and "<str:kind>" in route:
            found += [
                reverse("newsletters:record_edit", args=["news", p.news.pk]),
                reverse("newsletters:record_edit", args=["events", p.event.pk]),
                reverse("newsletters:record_edit", args=["comments", p.comment.pk]),
            ]
        elif "<int:pk>" in route:
            found.append(reverse(f"newsletters:{pattern.name}", args=args.get(pattern.name, [issue.pk])))
    for pattern in people_urls.urlpatterns:
        if "<int:pk>" in str(pattern.pattern):
            found.append(reverse(f"people:{pattern.name}", args=[p.partner.pk]))
    assert len(found) >= 20, found
    return found


def _call(client, method: str, url: str):
    return getattr(client, method)(url)


def walk_other_countrys_ids(client, other) -> list[str]:
    """Every URL with an id of ``other``'s records: what answers anything but 404 (or 403, 405 where allowed)."""
    wrong = []
    for method, url, officer_expected, *_ in programme_urls(other):
        if not _has_id(url):
            continue
        allowed = {NOT_FOUND, 405} if officer_expected == 405 else {NOT_FOUND}
        status = _call(client, method, url).status_code
        if status not in allowed:
            wrong.append(f"{method} {url}: {status}")
    for url in [u for u in result_urls(other.results) if "/kpis/" not in u]:  # the KPI catalogue is everyone's
        uploads = {FORBIDDEN} if "/import/" in url else set()  # a partner's spreadsheet uploads: no officer's page
        for method, allowed in (("get", {NOT_FOUND, 405} | uploads), ("post", {NOT_FOUND} | uploads)):
            status = _call(client, method, url).status_code
            if status not in allowed:
                wrong.append(f"{method} {url}: {status}")
    for method, url in _country_urls(other.country, other.region):
        allowed = {FORBIDDEN} if url.startswith("/countries/new/") else {NOT_FOUND}
        if not _has_id(url):
            continue
        status = _call(client, method, url).status_code
        if status not in allowed:
            wrong.append(f"{method} {url}: {status}")
    for url in newsletter_and_people_urls(other):
        for method, allowed in (("get", {NOT_FOUND, 405}), ("post", {NOT_FOUND})):
            status = _call(client, method, url).status_code
            if status not in allowed:
                wrong.append(f"{method} {url}: {status}")
    return wrong


def _text(response) -> str:
    body = b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content
    if body[:2] == b"PK":  # an Excel workbook: the shared strings it holds
        import io
        import zipfile

        with zipfile.ZipFile(io.BytesIO(body)) as book:
            return " ".join(book.read(name).decode("utf-8") for name in book.namelist() if name.endswith(".xml"))
    return body.decode("utf-8", "replace")


def reading_urls(p) -> list[str]:
    """Lists, searches, exports, autocompletes, figures and homes, each searching for ``p``'s names."""
    n = p.names
    return [
        "/",
        "/rounds/",
        f"/rounds/?q={n['city'][:4]}",
        "/rounds/?_export=csv",
        "/rounds/?_export=xlsx",
        "/enterprises/",
        f"/enterprises/?q={n['enterprise'][:6]}",
        "/enterprises/?_export=csv",
        "/enterprises/?_export=xlsx",
        "/organisations/",
        f"/organisations/?q={n['short']}",
        "/organisations/?_export=xlsx",
        "/trainers/",
        f"/trainers/?q={n['trainer'][:5]}",
        "/trainers/?_export=csv",
        f"/trainers/autocomplete/?q={n['trainer'][:5]}",
        f"/trainers/tot-rounds/autocomplete/?q={n['city'][:4]}",
        "/results/",
        f"/results/?q={n['enterprise'][:6]}",
        "/results/export/?format=csv",
        "/results/export/?format=xlsx",
        "/results/review/",
        f"/results/enterprises/autocomplete/?q={n['enterprise'][:6]}",
        "/figures/",
        "/figures/?year=all",
        "/figures/export.xlsx?year=all",
        "/countries/",
        "/countries/?_export=xlsx",
        "/people/",
        f"/people/?q={p.partner.username}",
        "/newsletters/",
        "/newsletters/news/",
        "/newsletters/events/",
        "/newsletters/comments/",
        f"/newsletters/news/?q={n['news'][:8]}",
    ]


def names_shown(client, p) -> list[str]:
    """Which of ``p``'s record names the reading pages show, as 'url: name'."""
    n = p.names
    names = [n["organisation"], n["trainer"], n["enterprise"], n["news"], n["event"], n["quote"], n["city"]]
    names += [p.partner.email, n["region"]]
    shown = []
    for url in reading_urls(p):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        text = _text(response)
        shown += [f"{url}: {name}" for name in names if name in text]
    return shown


@pytest.mark.parametrize(("who", "mine", "theirs"), [("vn", "vn", "cn"), ("cn", "cn", "vn")])
def test_a_country_officer_gets_404_on_every_id_of_the_other_country(client, world, who, mine, theirs):
    client.force_login(world.officers[who])
    assert walk_other_countrys_ids(client, getattr(world, theirs)) == []
    # and nothing of the other country changed on the way
    other = getattr(world, theirs)
    other.result.refresh_from_db()
    assert other.result.status == "submitted" and other.result.photo_pairs.count() == 1
    assert TrainingRound.objects.get(pk=other.round.pk).status == TrainingRound.Status.COMPLETED
    assert other.agreement.__class__.objects.filter(pk=other.agreement.pk).exists()


@pytest.mark.parametrize(("who", "mine", "theirs"), [("vn", "vn", "cn"), ("cn", "cn", "vn")])
def test_a_country_officers_lists_exports_and_figures_name_only_their_country(client, world, who, mine, theirs):
    client.force_login(world.officers[who])
    assert names_shown(client, getattr(world, theirs)) == []
    # while their own country's records are there (the walk can see a name when it is shown)
    shown = names_shown(client, getattr(world, mine))
    for name in ("organisation", "enterprise", "trainer", "news"):
        assert any(line.endswith(getattr(world, mine).names[name]) for line in shown), (name, shown)


def test_the_global_officer_opens_both_countries(client, world):
    client.force_login(world.officers["global"])
    for p in (world.cn, world.vn):
        for method, url, officer_expected, *_ in programme_urls(p):
            if method == "get" and _has_id(url):
                assert client.get(url).status_code == officer_expected, url
        for url in (f"/results/{p.result.pk}/", f"/results/photos/{p.results['photo'].pk}/web/"):
            assert client.get(url).status_code == 200, url
        for url in (f"/countries/{p.country.pk}/", f"/people/{p.partner.pk}/", p.issue.get_absolute_url()):
            assert client.get(url).status_code == 200, url
        assert client.get(reverse("newsletters:record_edit", args=["news", p.news.pk])).status_code == 200
        shown = names_shown(client, p)
        for name in ("organisation", "enterprise", "trainer", "news", "event"):
            assert any(line.endswith(p.names[name]) for line in shown), (name, shown)
    assert client.get("/countries/new/").status_code == 200


def test_a_country_officer_does_not_start_a_country_or_use_the_admin(client, world):
    client.force_login(world.officers["vn"])
    assert client.get("/countries/new/").status_code == FORBIDDEN
    assert "/countries/new/" not in client.get("/countries/").content.decode()
    admin = client.get("/admin/enterprises/enterprise/")
    assert admin.status_code == FORBIDDEN
    assert world.cn.names["enterprise"] not in admin.content.decode()


def test_the_global_officer_gives_an_officer_their_countries_and_a_country_officer_cannot(client, world, mailoutbox):
    from django.contrib.auth.models import User

    from core import roles
    from programmes.models import CountryAssignment

    invitation = {
        "email": "tran.minh@example.org",
        "first_name": "Minh",
        "last_name": "Tran",
        "role": "officer",
        "organisation": "",
        "trainer": "",
        "countries": [world.vn.country.pk],
    }
    # a country's officer may not give the officer role
    client.force_login(world.officers["cn"])
    refused = client.post(reverse("people:person_invite"), invitation)
    assert "Only the global team gives the officer and editor roles." in refused.content.decode()
    assert not User.objects.filter(email="tran.minh@example.org").exists()
    # an officer without countries is refused next to the field, even by the global team
    client.force_login(world.officers["global"])
    no_countries = client.post(reverse("people:person_invite"), {**invitation, "countries": []})
    assert "Choose the countries the person works for, or all countries." in no_countries.content.decode()
    # the global team makes an officer for Viet Nam, who then sees Viet Nam's rounds and not China's
    made = client.post(reverse("people:person_invite"), invitation)
    assert made.status_code == 302
    person = User.objects.get(email="tran.minh@example.org")
    assignment = CountryAssignment.objects.get(user=person)
    assert not assignment.all_countries and list(assignment.countries.all()) == [world.vn.country]
    assert roles.role_of(person) == roles.Role.OFFICER
    page = client.get(reverse("people:person_detail", args=[person.pk])).content.decode()
    assert "Project officer (Viet Nam)" in page
    client.force_login(person)
    rounds = client.get("/rounds/").content.decode()
    assert world.vn.names["city"] in rounds and world.cn.names["city"] not in rounds


def test_a_country_officer_sees_the_people_of_their_countries_only(client, world):
    client.force_login(world.officers["vn"])
    people = client.get("/people/").content.decode()
    assert world.vn.partner.email in people and world.cn.partner.email not in people
    assert "officer-vn" in people and "officer-cn" not in people and "officer-global" not in people
    assert client.get(reverse("people:person_detail", args=[world.officers["cn"].pk])).status_code == NOT_FOUND


def test_a_country_officer_corrects_their_own_name_but_not_their_countries(client, world):
    from tests.tokens import page_token

    me = world.officers["vn"]
    client.force_login(me)
    url = reverse("people:person_edit", args=[me.pk])
    form = {
        **page_token(client, url, "details", name="seen"),
        "details-email": me.email,
        "details-first_name": "Lan",
        "details-last_name": "Pham",
        "role-role": "officer",
        "role-countries": [world.vn.country.pk],
    }
    assert client.post(url, form).status_code == 302
    me.refresh_from_db()
    assert me.first_name == "Lan"
    # while adding China to their own countries is refused: China is not even offered
    wider = {**form, **page_token(client, url, "details", name="seen")}
    wider["role-countries"] = [world.vn.country.pk, world.cn.country.pk]
    assert client.post(url, wider).status_code == 200
    assert list(me.country_assignment.countries.all()) == [world.vn.country]
