import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from game.room.accounts import facilitator_create, facilitator_group


class Command(BaseCommand):
    help = "Create a facilitator account (or give an existing one a new password) and print its password."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--reset-password", action="store_true", help="give an existing account a new password"
        )

    def handle(self, *args, username: str, email: str, reset_password: bool, **options):
        password = secrets.token_urlsafe(12)
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            facilitator_create(username=username, password=password, email=email)
            self.stdout.write(self.style.SUCCESS(f"Created facilitator {username!r}."))
        elif reset_password:
            user.set_password(password)
            user.save(update_fields=["password"])
            user.groups.add(facilitator_group())
            self.stdout.write(self.style.SUCCESS(f"New password for facilitator {username!r}."))
        else:
            raise CommandError(f"{username!r} exists; use --reset-password for a new password")
        self.stdout.write(f"Password: {password}")
