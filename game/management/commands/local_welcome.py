"""Printed by `make run` before the server starts: where to go and how to log in."""

import os

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand


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
        self.stdout.write(
            "\nInnovation on Track is starting.\n"
            f"  The cards:   {base}/kaarten/\n"
            f"  Admin:       {base}/admin/\n"
        )
        if not username:
            self.stdout.write(
                "  No admin account was asked for. To create one, stop the server and run\n"
                "  DJANGO_SUPERUSER_USERNAME=you DJANGO_SUPERUSER_PASSWORD=... make run\n"
            )
        self.stdout.write("Stop with Ctrl+C.\n")
