"""Issue 22 §4: a record's text in any language its country writes in; the forms offer those languages and no
other; a newsletter's editions are its country's languages (a Vietnamese edition reads the Vietnamese texts)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from newsletters import services
from newsletters.models import Issue, NewsItem
from programmes.models import Country
from tests.conftest import give_countries
from tests.factories import CountryFactory, NewsItemFactory, give_texts
from tests.tokens import page_token

from .conftest import PERIOD

pytestmark = pytest.mark.django_db


def _save_item(client, item: NewsItem, **texts: str):
    """The editor saves the news item's form as it is, with ``texts`` in other languages (field_language=text)."""
    url = f"/newsletters/news/{item.pk}/"
    fields = {"country": item.country_id, "section": "news", "place": item.place, "title": item.title}
    fields |= {"date": item.date.isoformat(), "body": item.body}
    return client.post(url, {**fields, **texts, **page_token(client, url)})


def test_a_chinese_record_is_offered_chinese_and_not_a_language_china_does_not_use(client, editor):
    item = NewsItemFactory(title="ToE on Module 2")
    client.force_login(editor)
    form = client.get(f"/newsletters/news/{item.pk}/").content.decode()
    assert "Title (Simplified Chinese)" in form and "Vietnamese" not in form
    # a value posted for a language China does not write in never reaches the record
    response = _save_item(
        client, item, title_zh_hans="模块二企业培训", title_vi="Đào tạo mô-đun 2", title_es="Formación del módulo 2"
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.i18n == {"title_zh_hans": "模块二企业培训"}


def test_a_viet_nam_record_is_offered_vietnamese_and_not_chinese(client, editor):
    item = NewsItemFactory(country=CountryFactory(), title="Module 1 in Hồ Chí Minh City", place="Hồ Chí Minh City")
    give_countries(editor, item.country)  # Viet Nam's editor
    client.force_login(editor)
    form = client.get(f"/newsletters/news/{item.pk}/").content.decode()
    assert "Title (Vietnamese)" in form and 'lang="vi"' in form and "Simplified Chinese" not in form
    response = _save_item(client, item, title_vi="Mô-đun 1 tại Thành phố Hồ Chí Minh", title_zh_hans="胡志明市")
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.i18n == {"title_vi": "Mô-đun 1 tại Thành phố Hồ Chí Minh"}
    # and the list finds it by its Vietnamese text
    found = client.get("/newsletters/news/?q=Thành phố").content.decode()
    assert "Module 1 in Hồ Chí Minh City" in found


def test_a_language_a_country_adds_is_offered_with_no_column_and_no_migration(client, editor):
    # given China writes in Vietnamese too, from a change of its record alone
    Country.objects.filter(code="CN").update(languages=["en", "zh-hans", "vi"])
    item = NewsItemFactory(title="ToE on Module 2")
    client.force_login(editor)
    form = client.get(f"/newsletters/news/{item.pk}/").content.decode()
    assert "Title (Simplified Chinese)" in form and "Title (Vietnamese)" in form
    assert _save_item(client, item, title_vi="Đào tạo mô-đun 2").status_code == 302
    item.refresh_from_db()
    assert item.i18n == {"title_vi": "Đào tạo mô-đun 2"}


def test_a_viet_nam_issue_has_a_vietnamese_edition_that_prints_the_vietnamese_texts(client, editor):
    # given Viet Nam's records of the period, one with its Vietnamese text, and its English issue
    viet_nam = CountryFactory()
    NewsItemFactory(country=viet_nam, title="Module 1 completed in Hà Nội", date=dt.date(2014, 12, 11))
    NewsItemFactory(country=viet_nam, title="Information day in Đà Nẵng", date=dt.date(2014, 11, 14))
    give_texts(
        NewsItem.objects.filter(title="Module 1 completed in Hà Nội"),
        "vi",
        title="Ba doanh nghiệp hoàn thành Mô-đun 1 tại Hà Nội",
        body="Các nhóm cải tiến doanh nghiệp sẽ họp hằng tuần.",
    )
    english = services.issue_create(period_start=PERIOD, number=3, country=viet_nam)
    # when Viet Nam's editor makes its Vietnamese edition from the issue page (Chinese is not offered)
    give_countries(editor, viet_nam)
    client.force_login(editor)
    page = client.get(english.get_absolute_url()).content.decode()
    assert "Make the Vietnamese edition" in page and "Simplified Chinese" not in page
    client.post(f"/newsletters/issues/{english.pk}/editions/", {"language": "vi"})
    vietnamese = Issue.objects.get(number=3, language="vi", country=viet_nam)
    # then the edition's page flags the record that lacks Vietnamese, and its preview prints the Vietnamese text
    page = client.get(vietnamese.get_absolute_url()).content.decode()
    assert page.count('data-testid="english-only"') == 1
    preview = client.get(f"/newsletters/issues/{vietnamese.pk}/preview/").content.decode()
    assert "Ba doanh nghiệp hoàn thành Mô-đun 1 tại Hà Nội" in preview
    assert "Các nhóm cải tiến doanh nghiệp sẽ họp hằng tuần." in preview
    assert "Information day in Đà Nẵng" in preview  # no Vietnamese text: printed as entered
    assert "Ba doanh nghiệp" not in client.get(f"/newsletters/issues/{english.pk}/preview/").content.decode()


def test_an_edition_in_a_language_the_issues_country_does_not_write_in_is_refused(make_issue):
    china_issue = make_issue()
    with pytest.raises(ValidationError, match="no edition in this language"):
        services.issue_edition_create(issue=china_issue, language="vi")
    with pytest.raises(ValidationError, match="no edition in this language"):
        services.issue_create(period_start=PERIOD, number=9, language="vi")
    assert not Issue.objects.filter(language="vi").exists()
