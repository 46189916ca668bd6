"""A line break in a title: refused at the form, and one already stored never breaks an e-mail or a sending."""

import pytest

from newsletters.mailing import edition, services
from newsletters.mailing.models import Mailing, Subscriber
from newsletters.models import Issue

pytestmark = pytest.mark.django_db

EVIL = "Spring news\r\nBcc: everyone@evil.example"


@pytest.mark.parametrize("title", [EVIL, "Spring\nnews", "Spring\rnews", "Spring\u2028news", "Spring\x0bnews"])
def test_a_title_with_a_line_break_is_refused_at_the_form(client, editor, make_issue, title):
    issue = make_issue()
    client.force_login(editor)
    form = client.get(issue.get_absolute_url()).context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data["title"] = title
    page = client.post(f"/newsletters/issues/{issue.pk}/edit/", data, follow=True).content.decode()
    assert "Write this on one line: line breaks and control characters are not allowed here." in page
    assert Issue.objects.get(pk=issue.pk).title == issue.title


def test_a_stored_title_with_a_line_break_still_mails_on_one_line(
    client, editor, published_issue, make_subscriber, smtp_inbox, django_capture_on_commit_callbacks
):
    # given an edition whose title was stored with a line break before the form refused them
    issue = published_issue()
    Issue.objects.filter(pk=issue.pk).update(title=EVIL)
    make_subscriber("reader@example.com", language="en")
    client.force_login(editor)
    # when the editor sends themselves a test, then sends it to the subscribers
    response = client.post(f"/newsletters/issues/{issue.pk}/email/test/", follow=True)
    assert response.status_code == 200 and "A test e-mail was sent to" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/newsletters/issues/{issue.pk}/email/send/", {"confirm": "yes"}).status_code == 302
    # then both went out, the subject on one line and no header smuggled in
    messages = smtp_inbox.wait_for(2)
    for message in messages:
        assert message["Subject"].endswith("Spring news Bcc: everyone@evil.example")
        assert message["Bcc"] is None
    assert sorted(m["To"] for m in messages) == ["editor1@example.org", "reader@example.com"]
    assert Mailing.objects.get(issue=issue).status == Mailing.Status.DONE


def test_a_sending_that_fails_on_its_data_is_paused_not_left_sending(
    published_issue, make_subscriber, monkeypatch, smtp_inbox, django_capture_on_commit_callbacks
):
    issue = published_issue()
    make_subscriber("reader@example.com", language="en")
    mailing = services.mailing_start(issue=issue, enqueue=False)

    def broken(issue):
        raise ValueError("a data error")

    monkeypatch.setattr(edition, "edition_email", broken)
    with pytest.raises(ValueError, match="a data error"):
        services.mailing_send(mailing_id=mailing.pk)
    assert Mailing.objects.get(pk=mailing.pk).status == Mailing.Status.PAUSED  # the editor sees it, can resume
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        services.mailing_resume(issue=issue)  # sends what is pending
    smtp_inbox.wait_for(1)
    assert Mailing.objects.get(pk=mailing.pk).status == Mailing.Status.DONE
    assert Subscriber.objects.get().deliveries.get().status == "sent"
