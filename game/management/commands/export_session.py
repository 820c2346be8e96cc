"""``manage.py export_session CODE``: one finished session as JSON, for the organiser's
archive (game.debrief.archive)."""

import json
import os

from django.core.management.base import BaseCommand, CommandError

from game.debrief.archive import export_session
from game.followups.transfer import export_for_followups, workshop_mark_moved
from game.models import Workshop
from game.room.sessions import normalise_code


class Command(BaseCommand):
    help = (
        "Write one finished session as JSON for the organiser's archive: the session and "
        "its settings, its tables (seats, quartets, winners, public events), its polls "
        "with their counts and the action plans. Privacy first: without --names no name "
        "a person typed is written (seats become 'Speler 1', 'Speler 2' ...; plans carry "
        "no player). A session still open is refused unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("code", help="the session's join code")
        parser.add_argument(
            "--names",
            action="store_true",
            default=False,
            help="include the players' names (default: without names)",
        )
        parser.add_argument(
            "--no-names", dest="names", action="store_false", help="without names (the default)"
        )
        parser.add_argument("-o", "--output", help="write to this file (default: standard output)")
        parser.add_argument(
            "--force", action="store_true", help="export a session that is still open"
        )
        parser.add_argument(
            "--for-followups",
            action="store_true",
            help=(
                "venue mode: write what the hosted server needs to send this session's plans "
                "and follow-ups (plans, cards, consents and addresses, nothing else), for "
                "`import_session` there; this server then sends nothing more for it"
            ),
        )

    def handle(self, *args, code: str, names: bool, output: str | None, force: bool, **options):
        workshop = Workshop.objects.filter(code=normalise_code(code)).first()
        if workshop is None:
            raise CommandError(f"No session with code {code!r}.")
        if options.get("for_followups"):
            self.for_followups(workshop, output)
            return
        if workshop.is_open and not force:
            raise CommandError(
                f"Session {workshop.code} ({workshop.name}) is still open: end it first, "
                "or export it as it is now with --force."
            )
        text = json.dumps(export_session(workshop, names=names), ensure_ascii=False, indent=2)
        if output:
            with open(output, "w", encoding="utf-8") as out:
                out.write(text + "\n")
            self.stdout.write(f"Wrote session {workshop.code} to {output}.")
        else:
            self.stdout.write(text)

    def for_followups(self, workshop: Workshop, output: str | None) -> None:
        if workshop.is_open:
            raise CommandError(
                f"Session {workshop.code} ({workshop.name}) is still open: end it first "
                "(its follow-ups are counted from its end)."
            )
        if not output:
            raise CommandError("--for-followups needs -o FILE: the file holds addresses.")
        text = json.dumps(export_for_followups(workshop), ensure_ascii=False, indent=2)
        with open(output, "w", encoding="utf-8") as out:
            out.write(text + "\n")
        os.chmod(output, 0o600)  # it holds e-mail addresses
        workshop_mark_moved(workshop=workshop)
        self.stdout.write(
            f"Wrote the follow-ups of session {workshop.code} to {output} (it holds e-mail "
            "addresses: keep it safe, delete it once imported). This server sends nothing "
            "more for this session; import the file on the hosted server."
        )
