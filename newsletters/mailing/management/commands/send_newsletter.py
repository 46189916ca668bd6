"""python manage.py send_newsletter NUMBER [--country CODE] [--language LANG] [--to ADDRESS]"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from newsletters.mailing import services
from newsletters.mailing.selectors import mailing_progress
from newsletters.models import Issue
from newsletters.selectors import newsletter_country


class Command(BaseCommand):
    help = (
        "Send a published edition of an issue to its confirmed subscribers, here and now (or, with --to, one test "
        "message). Sending again sends nobody a second copy: only those who have not had it yet."
    )

    def add_arguments(self, parser):
        parser.add_argument("number", type=int)
        parser.add_argument(
            "--country", help="The newsletter's country programme, an ISO code (default: the first programme, China)."
        )
        parser.add_argument("--language", default=settings.LANGUAGE_CODE, help="The edition's language (default en).")
        parser.add_argument("--to", default="", help="send one test message to this address")
        parser.add_argument("--rate", type=float, default=None, help="messages per second (default MAILING_RATE)")

    def handle(self, *args, number, language, to, rate, country=None, **options):
        try:
            programme = newsletter_country(country)
        except Http404:
            raise CommandError(f"There is no country programme {country!r}.") from None
        issue = Issue.objects.filter(country=programme, number=number, language=language).first()
        if issue is None:
            raise CommandError(f"There is no issue No. {number} in {language}.")
        if to:
            services.issue_email_test_send(issue=issue, to=to)
            self.stdout.write(f"Sent a test of issue No. {number} ({language}) to {to}.")
            return
        try:
            services.mailing_send_now(issue=issue, rate=rate)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        progress = mailing_progress(issue)
        self.stdout.write(
            f"Issue No. {number} ({language}): {progress['sent']} sent, {progress['failed']} failed, "
            f"{progress['left']} left, {progress['skipped']} not sent (unsubscribed or bounced)."
        )
