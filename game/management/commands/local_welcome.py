"""Printed by `make run` before the server starts: where to go and how to log in."""

import os
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand

from game.accounts import facilitator_create

LOCAL_FACILITATOR = "facilitator"


def local_facilitator_password() -> str:
    """A fresh install gets a facilitator account with a random password, kept beside
    the SQLite database (owner-only) so the start-up message can repeat it."""
    path = Path(settings.LOCAL_FACILITATOR_PASSWORD_FILE)
    user = get_user_model().objects.filter(username=LOCAL_FACILITATOR).first()
    if path.exists() and user is not None and user.check_password(path.read_text().strip()):
        return path.read_text().strip()
    password = secrets.token_urlsafe(12)
    if user is None:
        facilitator_create(username=LOCAL_FACILITATOR, password=password)
    else:
        return ""  # the account exists with a password somebody chose: leave it alone
    path.parent.mkdir(exist_ok=True)
    path.write_text(password)
    path.chmod(0o600)
    return password


class Command(BaseCommand):
    help = "Create the admin account asked for in the environment, and print the URLs."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")

    def handle(self, *args, host: str, port: str, **options):
        # Only when asked: Django's createsuperuser reads DJANGO_SUPERUSER_PASSWORD itself.
        username = os.environ.get("DJANGO_SUPERUSER_USERNAME", "")
        if username and os.environ.get("DJANGO_SUPERUSER_PASSWORD"):
            if get_user_model().objects.filter(username=username).exists():
                self.stdout.write(f"Admin account {username!r} exists; password unchanged.")
            else:
                email = os.environ.get("DJANGO_SUPERUSER_EMAIL", f"{username}@localhost")
                call_command(
                    "createsuperuser",
                    interactive=False,
                    username=username,
                    email=email,
                    verbosity=0,
                )
                self.stdout.write(self.style.SUCCESS(f"Created admin account {username!r}."))
        base = f"http://{host}:{port}"
        password = local_facilitator_password()
        self.stdout.write(
            "\nInnovation on Track is starting.\n"
            f"  Host a session:  {base}/host/\n"
            f"  Players join:    {base}/join/\n"
            f"  The cards:       {base}/kaarten/\n"
            f"  Admin:           {base}/admin/\n"
        )
        if password:
            self.stdout.write(
                f"  Log in as facilitator: user {LOCAL_FACILITATOR!r}, password {password}\n"
            )
        else:
            self.stdout.write(
                f"  Log in as facilitator {LOCAL_FACILITATOR!r} with the password you set\n"
                "  (new one: .venv/bin/python manage.py create_facilitator "
                f"{LOCAL_FACILITATOR} --reset-password)\n"
            )
        if not username:
            self.stdout.write(
                "  No admin account was asked for. To create one, stop the server and run\n"
                "  DJANGO_SUPERUSER_USERNAME=you DJANGO_SUPERUSER_PASSWORD=... make run\n"
            )
        self.stdout.write("Stop with Ctrl+C.\n")
