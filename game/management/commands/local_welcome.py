"""Printed by `make run` (and, with --venue, `make venue`) before the server starts:
where to go and how to log in."""

import contextlib
import os
import secrets
from pathlib import Path

import segno
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from game.room.accounts import facilitator_create

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


def terminal_qr(url: str, *, color: bool) -> str:
    """The URL as a QR code in text, two rows of modules to a line (half blocks). With
    colour it is black on an explicit white background, so it scans on light and dark
    terminals alike; without, the printed blocks are the dark modules."""
    rows = [[bool(m) for m in row] for row in segno.make(url, error="m").matrix_iter(border=4)]
    if len(rows) % 2:
        rows.append([False] * len(rows[0]))
    blocks = {(True, True): "\u2588", (True, False): "\u2580", (False, True): "\u2584"}
    lines = [
        "".join(blocks.get(pair, " ") for pair in zip(top, bottom, strict=True))
        for top, bottom in zip(rows[::2], rows[1::2], strict=True)
    ]
    if color:
        lines = [f"\x1b[30;107m{line}\x1b[0m" for line in lines]
    return "\n".join(lines) + "\n"


class Command(BaseCommand):
    help = "Create the admin account asked for in the environment, and print the URLs."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")
        parser.add_argument(
            "--venue",
            action="store_true",
            help="venue mode (VENUE=true): print the phones' URL on the local network and its QR code",
        )

    def handle(self, *args, host: str, port: str, venue: bool = False, **options):
        if venue and not (settings.VENUE and settings.PUBLIC_URL):
            raise CommandError("--venue needs venue mode: start with `make venue` (VENUE=true)")
        username = self.ensure_admin()
        password = local_facilitator_password()
        phones = self.print_urls(host, port, venue)
        self.print_login(password)
        if not username:
            self.stdout.write(
                "  No admin account was asked for. To create one, stop the server and run\n"
                "  DJANGO_SUPERUSER_USERNAME=you DJANGO_SUPERUSER_PASSWORD=... make run\n"
            )
        self.print_mail()
        if venue:
            color = self.stdout.isatty() and not options.get("no_color")
            self.stdout.write("\n" + terminal_qr(phones, color=color))
            self.stdout.write(
                "Phones must be on the same Wi-Fi as this laptop; if they cannot open the page, "
                'the Wi-Fi may keep devices apart ("client isolation"): use a phone\'s hotspot.\n'
            )
        self.stdout.write("Stop with Ctrl+C.\n")

    def ensure_admin(self) -> str:
        """Create the admin account named in the environment, only when asked for
        (Django's createsuperuser reads DJANGO_SUPERUSER_PASSWORD itself)."""
        username = os.environ.get("DJANGO_SUPERUSER_USERNAME", "")
        if not (username and os.environ.get("DJANGO_SUPERUSER_PASSWORD")):
            return username
        if get_user_model().objects.filter(username=username).exists():
            self.stdout.write(f"Admin account {username!r} exists; password unchanged.")
            return username
        email = os.environ.get("DJANGO_SUPERUSER_EMAIL", f"{username}@localhost")
        call_command(
            "createsuperuser", interactive=False, username=username, email=email, verbosity=0
        )
        self.stdout.write(self.style.SUCCESS(f"Created admin account {username!r}."))
        return username

    def print_urls(self, host: str, port: str, venue: bool) -> str:
        """Where the facilitator and the phones go; returns the phones' join URL."""
        base = f"http://{host}:{port}"
        if venue:
            # The facilitator works on this laptop itself; phones come in over the Wi-Fi.
            base, phones = f"http://127.0.0.1:{port}", f"{settings.PUBLIC_URL}/join/"
            self.stdout.write(
                "\nInnovation on Track is starting in venue mode.\n"
                f"  Phones open:     {phones}  (or scan the QR code below)\n"
                f"  Host a session:  {base}/host/  (in a browser on this laptop)\n"
                f"  The cards:       {settings.PUBLIC_URL}/kaarten/\n"
                f"  Admin:           {base}/admin/\n"
            )
            return phones
        phones = f"{settings.PUBLIC_URL or base}/join/"
        only_here = "" if settings.PUBLIC_URL else "  (this computer only; phones: make venue)"
        self.stdout.write(
            "\nInnovation on Track is starting.\n"
            f"  Host a session:  {base}/host/\n"
            f"  Players join:    {phones}{only_here}\n"
            f"  The cards:       {base}/kaarten/\n"
            f"  Admin:           {base}/admin/\n"
        )
        return phones

    def print_mail(self) -> None:
        """Where the plans and follow-ups go: files to read in var/mail/ without EMAIL_URL."""
        if settings.EMAIL_BACKEND.endswith("filebased.EmailBackend"):
            folder = Path(settings.EMAIL_FILE_PATH)
            with contextlib.suppress(ValueError):
                folder = folder.relative_to(Path(settings.BASE_DIR))
            self.stdout.write(
                f"  Mails (plans, follow-ups) are written as files to {folder}/ (no EMAIL_URL set);\n"
                "  follow-ups that are due: .venv/bin/python manage.py send_followups --as-of YYYY-MM-DD\n"
            )

    def print_login(self, password: str) -> None:
        if password:
            self.stdout.write(
                f"  Log in as facilitator: user {LOCAL_FACILITATOR!r}, password {password}\n"
            )
            return
        self.stdout.write(
            f"  Log in as facilitator {LOCAL_FACILITATOR!r} with the password you set\n"
            "  (new one: .venv/bin/python manage.py create_facilitator "
            f"{LOCAL_FACILITATOR} --reset-password)\n"
        )
