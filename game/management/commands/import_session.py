"""``manage.py import_session FILE``: a session's follow-ups from a laptop (game.followups.transfer)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from game.errors import Refused
from game.followups.transfer import MAX_FILE_BYTES, import_for_followups
from innovation_track import boundary


class Command(BaseCommand):
    help = (
        "Import a session written by `export_session CODE --for-followups` on a laptop, so "
        "that this server sends its plans and follow-ups. The whole file is checked first; "
        "a deck this server does not have (or the facilitator may not play) is refused; a file "
        "imported twice is one session."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the JSON file export_session --for-followups wrote")
        parser.add_argument(
            "--facilitator",
            required=True,
            help="the user name of the facilitator who runs the session here",
        )

    def handle(self, *args, file: str, facilitator: str, **options):
        user = get_user_model().objects.filter(username=facilitator).first()
        if user is None:
            raise CommandError(f"No user {facilitator!r}.")
        try:
            with open(file, "rb") as source:
                raw = source.read(MAX_FILE_BYTES + 1)
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}") from None
        try:
            data = boundary.loads(raw, max_bytes=MAX_FILE_BYTES)
        except boundary.Malformed as error:
            refusal = Refused.from_malformed(error).message("en")
            raise CommandError(f"{file} cannot be read: {refusal}") from None
        try:
            workshop, created = import_for_followups(data=data, by=user)
        except Refused as refusal:
            raise CommandError(refusal.message("en")) from None
        if created:
            self.stdout.write(
                f"Imported session {workshop.code} ({workshop.name}): "
                f"{workshop.players.count()} player(s); its follow-ups are sent from here."
            )
        else:
            self.stdout.write(
                f"Session {workshop.code} ({workshop.name}) was imported before; nothing changed."
            )
