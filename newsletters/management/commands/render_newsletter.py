from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from newsletters import services
from newsletters.models import Issue


class Command(BaseCommand):
    help = (
        "Render one newsletter issue to PDF synchronously (no Celery) and write it to FILE. A draft's stored PDF "
        "and state are brought up to date as the 'Render PDF' button would; a published issue writes the PDF of "
        "its latest published version."
    )

    def add_arguments(self, parser):
        parser.add_argument("number", type=int, help="The issue number.")
        parser.add_argument("--output", "-o", required=True, help="Where to write the PDF.")
        parser.add_argument(
            "--language", help="The edition, e.g. en or zh-hans (needed when the issue has editions in several)."
        )

    def handle(self, *args, number: int, output: str, language: str | None = None, **options):
        editions = Issue.objects.filter(number=number)
        if language:
            editions = editions.filter(language=language)
        found = list(editions)
        if not found:
            raise CommandError(f"There is no issue No. {number}" + (f" in {language!r}." if language else "."))
        if len(found) > 1:
            languages = ", ".join(sorted(e.language for e in found))
            raise CommandError(f"Issue No. {number} has editions in {languages}: choose one with --language.")
        issue = found[0]
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
