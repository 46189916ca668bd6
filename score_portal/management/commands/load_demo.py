from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from score_portal.demo import DEMO_FILES, demo_load


class Command(BaseCommand):
    help = (
        "Load the demo programmes (SCORE China 2014, and SCORE Viet Nam, illustrative) and their demo accounts "
        "(DEBUG only). Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--file",
            action="append",
            help="A demo data file (YAML); give it again for more, loaded in order. Default: the demo's files.",
        )
        parser.add_argument(
            "--no-accounts", action="store_true", help="Load the records only, without the demo accounts."
        )

    def handle(self, *args, **options):
        from pathlib import Path

        try:
            paths = [Path(name) for name in options["file"]] if options["file"] else DEMO_FILES
            report = demo_load(paths=paths, with_accounts=not options["no_accounts"])
        except ImproperlyConfigured as exc:
            raise CommandError(f"{exc} Run with --no-accounts to load the records only.") from exc
        if report.created:
            for label, n in sorted(report.created.items()):
                self.stdout.write(f"  {n:4d} {label} created")
            self.stdout.write(self.style.SUCCESS("Demo programme loaded."))
        else:
            self.stdout.write("The demo programme is already loaded; nothing changed.")
