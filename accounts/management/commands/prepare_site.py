"""First-start set-up for the run command: the seed program and an organizer account.

Runs after ``migrate`` on every start and does only what is missing, so restarting never loads
the fixture twice nor makes a second account.
"""

import os

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from accounts.organizers import create_organizer, generate_password, has_organizer
from program.models import Conference


class Command(BaseCommand):
    help = "Load the program fixture into an empty database and create the first organizer."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-fixture", action="store_true", help="Do not load the fixture, even when empty."
        )

    def handle(self, *args, no_fixture=False, **options):
        if no_fixture:
            self.stdout.write("Fixture: skipped (--no-fixture).")
        elif Conference.objects.exists():
            self.stdout.write("Fixture: the database already holds a program; not loaded again.")
        else:
            call_command("load_program", str(settings.PROGRAM_FIXTURE), verbosity=0)
            self.stdout.write(f"Fixture: loaded {settings.PROGRAM_FIXTURE.name}.")
            # Ready at first start, without waiting for the task runner that the load queued.
            call_command("refresh_similar_papers", verbosity=0, stdout=self.stdout)

        if has_organizer():
            return
        username = os.environ.get("ORGANIZER_USERNAME", "organizer")
        given = os.environ.get("ORGANIZER_PASSWORD")
        password = given or generate_password()
        try:
            create_organizer(
                username=username, password=password, email=os.environ.get("ORGANIZER_EMAIL", "")
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(self.style.SUCCESS(f'Organizer account "{username}" created.'))
        if given:
            self.stdout.write("Its password is the one in ORGANIZER_PASSWORD.")
        else:
            self.stdout.write(f"Its password (shown once, change it after logging in): {password}")
