"""The e-mail of an issue: the same records as the PDF and the web edition (newsletters.selectors.issue_content),
through e-mail templates (table layout, 600 px, CSS inlined by css-inline), as HTML and plain text.

An edition's e-mail is rendered once; each subscriber's message only has their own links put in (`message`), so
sending 10,000 costs one rendering, not 10,000.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field

import css_inline
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from PIL import Image

from core.forms import one_line
from newsletters import selectors as newsletter_selectors
from newsletters.models import Issue

from .emails import absolute, from_address

# The per-subscriber links, put in after rendering (characters no template or inliner escapes).
PREFERENCES = "%%PREFERENCES_URL%%"
UNSUBSCRIBE = "%%UNSUBSCRIBE_URL%%"
SHORT_WORDS = 60  # news and results are shortened to this many words, with a "read more" link to the web edition
MAIL_BOX = (540, 420)  # the e-mail copy of a photo: two side by side in 600 px, sharp on a phone's screen
MAIL_DIR = "newsletters/mail"


def photo_name(photo, width: str) -> str:
    """The storage name the edition's template registers for the photo (newsletter_tags.print_src): the image
    URLs of an e-mail serve only names a published version printed."""
    copy = photo.print if width == "full" else getattr(photo, "print_half", None)
    return copy.name if copy else photo.image.name


def mail_copy_name(source: str) -> str:
    """A small JPEG of a stored photo for e-mail, made once and kept in storage under the source's name hash."""
    digest = hashlib.sha256(source.encode()).hexdigest()[:32]
    name = f"{MAIL_DIR}/{digest}-{MAIL_BOX[0]}x{MAIL_BOX[1]}.jpg"
    if default_storage.exists(name):
        return name
    with default_storage.open(source, "rb") as fh:
        image = Image.open(fh)
        image.draft("RGB", MAIL_BOX)
        image = image.convert("RGB")
        image.thumbnail(MAIL_BOX, Image.Resampling.LANCZOS)
        out = io.BytesIO()
        image.save(out, "JPEG", quality=80, optimize=True, progressive=True)
    return default_storage.save(name, ContentFile(out.getvalue()))


@dataclass
class Entry:
    """One record as the e-mail shows it."""

    kind: str
    heading: str = ""
    dateline: str = ""
    text: str = ""
    shortened: bool = False
    meta: str = ""
    person: str = ""
    person_lines: list[str] = field(default_factory=list)
    kpis: list = field(default_factory=list)
    pairs: list[dict] = field(default_factory=list)


@dataclass
class EditionEmail:
    issue: Issue
    subject: str
    html: str
    text: str
    web_url: str

    def message(
        self, *, to: str, preferences_url: str, unsubscribe_url: str, message_id: str = "", headers=None
    ) -> EmailMultiAlternatives:
        def links(body: str) -> str:
            return body.replace(PREFERENCES, preferences_url).replace(UNSUBSCRIBE, unsubscribe_url)

        extra = {
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "List-Id": f"SCORE e-newsletter <newsletter.{settings.PORTAL_URL.split('//')[-1].split('/')[0]}>",
            **(headers or {}),
        }
        if message_id:
            extra["Message-ID"] = message_id
        # a header never carries a line break (Django refuses to send one: the test e-mail answered 500)
        message = EmailMultiAlternatives(
            subject=one_line(self.subject), body=links(self.text), from_email=from_address(), to=[to], headers=extra
        )
        message.attach_alternative(links(self.html), "text/html")
        return message


def _shorten(text: str) -> tuple[str, bool]:
    short = Truncator(text).words(SHORT_WORDS, truncate="…")
    return short, short != text


def _entries(part, image_url) -> list[Entry]:
    from newsletters.templatetags.newsletter_tags import (
        eventdates,
        headline,
        kpi_change,
        kpi_value,
        photo_alt,
        recorddate,
    )

    section, entries = part.section, []
    for item in part.items:
        if item.news_item_id:
            record = item.news_item
            text, shortened = _shorten(record.local_body)
            entries.append(
                Entry(
                    "news",
                    heading="" if part.heading_is_the_record_title else headline(record),
                    dateline=recorddate(record, section.issue) if section.show_dates else "",
                    text=text,
                    shortened=shortened,
                )
            )
        elif item.event_id:
            record = item.event
            entries.append(
                Entry(
                    "event",
                    heading="" if part.heading_is_the_record_title else headline(record),
                    dateline=eventdates(record, section.issue),
                    text=record.local_body,
                )
            )
        elif item.expert_comment_id:
            comment = item.expert_comment
            text, shortened = _shorten(comment.local_quote)
            entries.append(
                Entry(
                    "comment",
                    heading=comment.local_heading if not section.heading else "",
                    text=text,
                    shortened=shortened,
                    person=comment.person_name,
                    person_lines=list(comment.person_lines),
                )
            )
        elif item.result_id:
            result = item.result
            text, shortened = _shorten(result.local_narrative if item.prints_story else "")
            enterprise = result.enterprise
            place = enterprise.city
            if enterprise.province and enterprise.province != enterprise.city:
                place = f"{place}, {enterprise.province}"
            entry = Entry(
                "result",
                heading=enterprise.name,
                meta=_("%(place)s · Module %(code)s “%(name)s”")
                % {"place": place, "code": result.module.code, "name": result.module.local_name},
                dateline=result.local_title,
                text=text,
                shortened=shortened,
            )
            if item.prints_kpis:
                entry.kpis = [
                    {
                        "name": line.kpi.local_name,
                        "unit": line.kpi.local_unit,
                        "period": line.get_period_display() if line.period else "",
                        "baseline": kpi_value(line.baseline_value),
                        "followup": kpi_value(line.followup_value),
                        "change": kpi_change(line),
                    }
                    for line in result.kpi_lines.all()
                ]
            if item.prints_story:
                for pair in result.photo_pairs.all():
                    entry.pairs.append(
                        {
                            "before": image_url(photo_name(pair.before, item.photo_width)),
                            "after": image_url(photo_name(pair.after, item.photo_width)),
                            "before_alt": photo_alt(pair.before, pair, after=False),
                            "after_alt": photo_alt(pair.after, pair, after=True),
                            "caption": pair.local_caption,
                        }
                    )
            entries.append(entry)
    return entries


def edition_web_url(issue: Issue) -> str:
    return absolute(reverse("newsletters:archive_edition", args=[issue.country, issue.number, issue.language]))


def public_image_url(issue: Issue):
    return lambda name: absolute(reverse("mailing:image", args=[issue.country, issue.number, name]))


def edition_email(issue: Issue, *, image_url=None) -> EditionEmail:
    """The issue's e-mail in its language. ``image_url(name)``: the address of a photo (by default the public one,
    which serves only what a published version printed; the editors' preview passes its own)."""
    image_url = image_url or public_image_url(issue)
    content = newsletter_selectors.issue_content(issue)
    web_url = edition_web_url(issue)
    with translation.override(issue.language):
        masthead = issue.printed_masthead
        month = formats.date_format(newsletter_selectors.add_months(issue.period_start, 1), "YEAR_MONTH_FORMAT")
        sections = [
            {
                "heading": part.section.local_heading,
                "kind": part.section.kind,
                "anchor": part.section.anchor,
                "entries": _entries(part, image_url),
            }
            for part in content.sections
            if part.prints
        ]
        context = {
            "issue": issue,
            "masthead": masthead,
            "month": month,
            "sections": sections,
            "web_url": web_url,
            "archive_url": absolute(reverse("newsletters:country_archive", args=[issue.country])),
            "preferences_url": PREFERENCES,
            "unsubscribe_url": UNSUBSCRIBE,
        }
        subject = issue.title or _("%(name)s, Issue No. %(number)s, %(month)s") % {
            "name": masthead.newsletter_name or _("SCORE newsletter"),
            "number": issue.number,
            "month": month,
        }
        html = render_to_string("mailing/email/issue.html", context)
        text = render_to_string("mailing/email/issue.txt", context)
    html = css_inline.CSSInliner(keep_style_tags=True, load_remote_stylesheets=False).inline(html)
    return EditionEmail(issue=issue, subject=subject, html=html, text=text, web_url=web_url)
