from django.core.management.base import BaseCommand

from enterprises import services


class Command(BaseCommand):
    help = (
        "Rebuild the rows kept from participations, rounds and organisation links (which organisations reach which "
        "enterprises, the modules each enterprise has taken, each round's counts) from their sources, each table in "
        "one transaction: pages read the old rows until the new ones are committed. For after a bulk load that "
        "bypassed the services."
    )

    def handle(self, *args, **options):
        services.derived_rebuild()
        self.stdout.write(self.style.SUCCESS("Derived rows rebuilt: scope, modules taken, round counts."))
