from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from game.room.privacy import workshops_purge


class Command(BaseCommand):
    help = (
        "Delete sessions older than --days (default SESSION_RETENTION_DAYS) with all their "
        "players, plans, votes and games. Run it daily, e.g. from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=settings.SESSION_RETENTION_DAYS)

    def handle(self, *args, days: int, **options):
        if days < 1:
            raise CommandError("--days must be at least 1")
        count = workshops_purge(older_than_days=days)
        self.stdout.write(f"Deleted {count} session(s) older than {days} days.")
