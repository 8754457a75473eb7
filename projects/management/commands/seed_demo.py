import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from projects import demo

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
        result = demo.seed_demo()
        counts = ", ".join(f"{n} {what}" for what, n in result.counts.items())
        if result.created:
            elapsed = time.monotonic() - started
            self.stdout.write(
                self.style.SUCCESS(f"Demo project created in {elapsed:.1f} s: {counts}.")
            )
        else:
            self.stdout.write(
                f"The demo project {demo.PROJECT_CODE} already exists ({counts}): nothing changed."
            )
        self.stdout.write(f"\nDemo logins for {demo.PROJECT_NAME} ({demo.PROJECT_CODE}):\n")
        self.stdout.write(demo.logins_table())
