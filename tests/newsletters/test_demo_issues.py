"""The demo's issues 1, 2 and 5 of 2014: assembled from the records, rendered and published by load_demo."""

import io
import re

import pytest
from django.core.management import call_command

from newsletters.models import Issue, IssueVersion
from programmes.models import Country
from tests.conftest import give_countries

from .conftest import assert_dense, in_order, pdf_page_texts, pdf_text, pdffonts, pdftotext

pytestmark = pytest.mark.django_db


def version_pdf(number: int, language: str = "en") -> bytes:
    version = IssueVersion.objects.get(issue__country__code="CN", issue__number=number, issue__language=language)
    with version.pdf.open("rb") as fh:
        return fh.read()


def version_text(number: int, language: str = "en") -> str:
    return pdf_text(version_pdf(number, language))


def test_load_demo_publishes_issues_1_2_and_5_with_their_sections_in_order(settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=io.StringIO())
    published = Issue.objects.filter(status="published", country__code="CN").order_by("number", "language")
    assert list(published.values_list("number", "language")) == [(1, "en"), (2, "en"), (5, "en"), (5, "zh-hans")]

    in_order(
        version_text(1),
        "Issue No. 1, April 2014",
        "Welcome to the first issue of SCORE China e-newsletter!",
        "The Latest SCORE News",
        "Guangzhou, Guangdong: ILO-BSCI Supplier Training on Module 3",
        "Chongqing: A New Round of Training of Enterprises (ToE) in Chongqing",
        "Beijing: Implementation Agreements Signed with CEC and SAWS",
        "Comments from SCORE International Expert Trainer",
        "Tim Larson",
        "Businesses typically find that Cleaner Production helps them save money",
        "ILO Country Office for China and Mongolia",
    )
    in_order(
        version_text(2),
        "Issue No. 2, June 2014",
        "The first issue of SCORE China e-newsletter was well received",
        "The Latest SCORE News",
        "Beijing: ILO Office for China and Mongolia launches its official Weibo",
        "Beijing: Capacity Building Workshop for Partners",
        "Guangzhou, Guangdong: ILO-BSCI Supplier Training on Module 4",
        "Ningbo, Zhejiang: Training of Trainers (ToT) and Training of Enterprises (ToE) in Ningbo",
        "Deyang, Sichuan: ILO-SAWS Launching Ceremony for SCORE Project",
        "Comments from SCORE Expert Trainer",
        "Mu Xiaojun",
        "Enterprise Improvement Results",
        "Ningbo household products manufacturer",
        "Storage area before the improvement",
        "Operation field before the improvement",
        "The Upcoming Key Activities",
        "Guangzhou, Guangdong: ILO-BSCI Supplier Training on Module 5",
        "Chongqing: Implementation Agreement with Chongqing CEC",
        "Latest News on CSR Development",
        "The Ninth International CSR Forum",
        "China CSR Monitoring and Evaluation System introduced",
    )
    text5 = version_text(5)
    in_order(
        text5,
        "Issue No. 5, December 2014",
        "This is the last issue of SCORE newsletter in 2014.",
        "The Latest SCORE News",
        "Guangzhou, Guangdong: BSCI continues SCORE training with NEWAsia Solutions",
        "Yunnan: Developing HR handbook",
        "Chongqing: Exploring paths for SCORE sustainability",
        "Ho Chi Minh City, Vietnam: SCORE Regional Training Workshop",
        'Taixing, Jiangsu: ToE on Module 2 "Quality Management"',
        "Guangdong/Zhejiang/Anhui/Jiangsu: Completion of Module 1 training for ETI suppliers",
        "Deyang, Sichuan: Module 1 ToT/E for the second round",
        "Comments from SCORE Trainer",
        "Asia Wang",
        "Enterprise Improvement Results",
        "Yucheng Futong Electric",
        "Shengbao Vehicle",
        "Moving oil barrels needed two workers",
        "Using a handling cart lowered labour intensity",
        "Runyuan Warp Knitting Machinery",
        "Teho Metal",
        "Tailai Decelerator",
        "The Upcoming Key Activities",
        "Beijing: Expert Seminar on Training Material Adaptation",
        "Shanghai: ToT for SGS trainers",
        "CSR Practice Sharing Hub",
        "An innovative practice by SWITCHER",
        "Tel. +86 10 6532 5091",
    )
    # Yucheng Futong's KPI lines as a table: baseline -> follow-up, change
    in_order(text5, "Defect / reject rate", "4.13", "0.61", "−3.52")
    in_order(text5, "On-time delivery", "88.6", "92.58", "+3.98")
    in_order(text5, "Cost savings / benefits", "0", "255,700", "+255,700")

    # the Chinese edition of issue 5: the same items, with the records' Chinese text and Chinese headings
    text5zh = re.sub(r"\s+", "", version_text(5, "zh-hans"))
    in_order(
        text5zh,
        "SCORE中国电子简报第5期，2014年12月",
        "这是2014年最后一期SCORE简报",
        "SCORE最新动态",
        "广东广州：BSCI与NEWAsiaSolutions合作继续开展SCORE培训",
        "江苏泰兴：模块二“质量管理”企业培训",
        "SCORE培训师点评",
        "在SCORE实施过程中",
        "企业改善成果",
        "YuchengFutongElectric",
        "改善团队每周例会，收到307条建议，缺陷率从4.13%降至0.61%",
        "企业改善团队每周四召开例会。",
        "搬运油桶需要两名工人，费时费力",
        "使用搬运车降低了劳动强度，提高了效率",
        "近期重点活动",
        "上海：SGS培训师师资培训",
        "企业社会责任实践分享",
    )
    assert "The Latest SCORE News" not in version_text(5, "zh-hans")

    # printed as densely as the originals: no more pages (2, 3 and 4), no page but the last more than a third blank,
    # no page that holds only the contact block; in the shipped Latin fonts, the English editions without a CJK font
    for number, original_pages in ((1, 2), (2, 3), (5, 4)):
        data = version_pdf(number)
        assert len(pdf_page_texts(data)) <= original_pages, number
        assert_dense(data)
        assert not [font for font in pdffonts(data) if "CJK" in font], number
        assert "SUSTAINING COMPETITIVE AND RESPONSIBLE ENTERPRISES (SCORE)" in pdftotext(data)
    assert len(pdf_page_texts(version_pdf(5, "zh-hans"))) <= 4

    # running load_demo again changes nothing
    versions = list(IssueVersion.objects.values_list("pk", "pdf"))
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert "nothing changed" in out.getvalue()
    assert list(IssueVersion.objects.values_list("pk", "pdf")) == versions


def _image_sources(html: str) -> list[str]:
    return re.findall(r'<img[^>]* src="([^"]+)"', html)


def test_the_editors_previews_of_every_demo_issue_load_every_image(client, editor, settings):
    # given the demo's issues (issue 2's result prints its pairs at half width, issue 5's at half and full)
    settings.DEBUG = True
    call_command("load_demo", stdout=io.StringIO())
    give_countries(editor, *Country.objects.all())  # an editor of every demo newsletter
    client.force_login(editor)
    seen = 0
    for issue in Issue.objects.all():
        # when the editor opens the web preview and the e-mail preview
        for url in (f"/newsletters/issues/{issue.pk}/preview/", f"/newsletters/issues/{issue.pk}/email/"):
            page = client.get(url)
            assert page.status_code == 200, url
            sources = _image_sources(page.content.decode())
            # then every photo answers with an image
            for src in sources:
                assert src and src.startswith("/newsletters/images/"), (url, src)
                response = client.get(src)
                assert response.status_code == 200, (url, src)
                assert response["Content-Type"].startswith("image/"), (url, src, response["Content-Type"])
            seen += len(sources)
    assert seen >= 16  # the demo: 3 pairs (6 photos) in the web previews and in the e-mail previews, and portraits
