"""``manage.py send_followups``: send the plans and follow-ups that are due (game.followups.mail,
game.followups.outbox). Safe to run every 15 minutes (deploy/systemd/kwartet-followups.timer),
by several runs at once: each mail goes once."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from game.followups.mail import followups_run, links_base
from game.followups.schedule import end_of_day
from game.models import Workshop
from game.programmes.circles import circles_due
from game.room.sessions import normalise_code


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--as-of must be a date as YYYY-MM-DD, got {text!r}") from None


class Command(BaseCommand):
    help = (
        "Send the action plans and follow-up mails that are due, and only those: the plan "
        "right after a session ends, the follow-ups at the session's weeks. Idempotent: a "
        "second run the same day sends nothing twice. A mail server that refuses or is down: "
        "retried at the next run with a back-off. Links point at PUBLIC_URL (or --base-url)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--as-of",
            type=_day,
            help="run as on this day (YYYY-MM-DD): what the schedule makes due by its end",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="list what would be sent; send and change nothing",
        )
        parser.add_argument(
            "--base-url",
            default="",
            help="the site's address for the links in the mails (default: PUBLIC_URL)",
        )
        parser.add_argument("--session", help="only this session (its join code)")

    def handle(self, *args, as_of=None, dry_run=False, base_url="", session=None, **options):
        workshop = None
        if session:
            workshop = Workshop.objects.filter(code=normalise_code(session)).first()
            if workshop is None:
                raise CommandError(f"No session with code {session!r}.")
        if not dry_run:
            try:
                links_base(base_url)
            except ValueError as error:
                raise CommandError(str(error)) from None
        moment = end_of_day(as_of) if as_of else timezone.now()
        if not dry_run:  # learning circles whose introduction day came: their mails go now
            circles_due(today=timezone.localtime(moment).date())
        report = followups_run(as_of=moment, base_url=base_url, dry_run=dry_run, workshop=workshop)
        if dry_run:
            for item in report.would_send:
                local = timezone.localtime(item.due).strftime("%Y-%m-%d %H:%M")
                skipped = f" (instead of {', '.join(item.skips)})" if item.skips else ""
                self.stdout.write(
                    f"would send {item.kind}{skipped} to player {item.player.pk} of session "
                    f"{item.player.workshop.code}, due {local}"
                )
            self.stdout.write(f"{len(report.would_send)} mail(s) would be sent.")
            return
        self.stdout.write(
            f"Sent {len(report.sent)}, to retry {len(report.retry)}, "
            f"bounced {len(report.bounced)}, failed {len(report.failed)}."
        )
