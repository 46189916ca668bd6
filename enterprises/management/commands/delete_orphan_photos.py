import datetime as dt

from django.core.management.base import BaseCommand

from enterprises.results import photos


class Command(BaseCommand):
    help = (
        "Delete stored photo files that no photo record names: what a rolled-back upload or a process killed "
        "mid-upload leaves behind. Files younger than --hours are kept, as their upload may still be committing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--hours", type=float, default=6, help="Keep files younger than this (default 6).")
        parser.add_argument("--dry-run", action="store_true", help="List the files, delete nothing.")

    def handle(self, *args, hours: float, dry_run: bool, **options):
        names = photos.photo_orphans_delete(older_than=dt.timedelta(hours=hours), dry_run=dry_run)
        for name in names:
            self.stdout.write(name)
        verb = "would be deleted" if dry_run else "deleted"
        self.stdout.write(self.style.SUCCESS(f"{len(names)} orphan photo file(s) {verb}."))
