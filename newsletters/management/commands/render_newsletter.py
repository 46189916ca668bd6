from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from newsletters import selectors, services
from newsletters.models import Issue


class Command(BaseCommand):
    help = (
        "Render one newsletter issue to PDF synchronously (no Celery) and write it to FILE. A draft's stored PDF "
        "and state are brought up to date as the 'Render PDF' button would; a published issue writes the PDF of "
        "its latest published version."
    )

    def add_arguments(self, parser):
        parser.add_argument("number", type=int, help="The issue number.")
        parser.add_argument(
            "--country", help="The newsletter's country programme, an ISO code (default: the first programme, China)."
        )
        parser.add_argument("--output", "-o", required=True, help="Where to write the PDF.")
        parser.add_argument(
            "--language", help="The edition, e.g. en or zh-hans (default: the English one, or the only one)."
        )

    def handle(self, *args, number: int, output: str, language: str | None = None, country=None, **options):
        try:
            programme = selectors.newsletter_country(country)
        except Http404:
            raise CommandError(f"There is no country programme {country!r}.") from None
        editions = Issue.objects.filter(country=programme, number=number)
        if language:
            editions = editions.filter(language=language)
        rank = selectors.language_rank()
        found = sorted(editions, key=lambda e: rank(e.language))
        if not found:
            raise CommandError(f"There is no issue No. {number}" + (f" in {language!r}." if language else "."))
        issue = found[0]
        if len(found) > 1:
            others = ", ".join(e.language for e in found[1:])
            self.stdout.write(f"Issue No. {number}: the {issue.language} edition (use --language for {others}).")
        if issue.is_frozen:
            version = issue.versions.order_by("-version").first()
            source = version.pdf
        else:
            issue = services.issue_render(issue_id=issue.pk)
            if issue.status != Issue.Status.READY:
                raise CommandError(f"Issue No. {number} could not be rendered: {issue.error}")
            source = issue.pdf
        with source.open("rb") as fh:
            data = fh.read()
        Path(output).write_bytes(data)
        self.stdout.write(self.style.SUCCESS(f"Issue No. {number}: {len(data) / 1e6:.2f} MB written to {output}"))
