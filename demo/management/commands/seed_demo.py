import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.logins import logins_table
from demo.seed import PROJECT_CODE, PROJECT_NAME, seed_demo

PRODUCTION_SETTINGS = "salesoffice.settings.production"


class Command(BaseCommand):
    help = (
        "Creates the demo sales office 和玺一期 (HX01): its staff, about 300 customers and a month "
        "of visits, calls and follow-ups. Does nothing if the project exists; prints the logins."
    )

    def handle(self, *args, **options):
        if settings.SETTINGS_MODULE == PRODUCTION_SETTINGS:
            # The demo accounts, a superuser among them, share a password printed in the README.
            raise CommandError("seed_demo creates accounts with a published password: not here.")
        started = time.monotonic()
        result = seed_demo()
        counts = ", ".join(f"{n} {what}" for what, n in result.counts.items())
        if result.created:
            elapsed = time.monotonic() - started
            self.stdout.write(
                self.style.SUCCESS(f"Demo project created in {elapsed:.1f} s: {counts}.")
            )
        else:
            self.stdout.write(
                f"The demo project {PROJECT_CODE} already exists ({counts}): nothing changed."
            )
        self.stdout.write(f"\nDemo logins for {PROJECT_NAME} ({PROJECT_CODE}):\n")
        self.stdout.write(logins_table())
