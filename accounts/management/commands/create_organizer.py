"""Create an organizer account: staff, in the Organizers group, no superuser powers."""

import os

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.organizers import create_organizer, generate_password


class Command(BaseCommand):
    help = (
        "Create an organizer account (staff, in the Organizers group). The password comes from"
        " ORGANIZER_PASSWORD, or a random one is printed once."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="")

    def handle(self, *args, username, email, **options):
        given = os.environ.get("ORGANIZER_PASSWORD")
        password = given or generate_password()
        try:
            user = create_organizer(username=username, password=password, email=email)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(self.style.SUCCESS(f'Created organizer "{user.username}".'))
        if not given:
            self.stdout.write(f"Password (shown once, change it after logging in): {password}")
