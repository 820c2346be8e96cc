"""Personal data: deleting a session's names, plans and votes on request, and whole
sessions after the retention period (``manage.py purge_sessions``)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from cards import studio
from game.models import PlayerContact, Workshop
from game.room.accounts import check_runs


def workshop_forget_people(*, workshop: Workshop, by: AbstractBaseUser) -> int:
    """Delete the session's personal data: every player's name, plan and votes. The
    games' public events stay (they hold seat numbers only). Returns players deleted."""
    check_runs(by, workshop)
    with transaction.atomic():
        count = workshop.players.count()
        workshop.players.all().delete()  # plans, votes and receipts go with them
    return count


def last_day(workshop: Workshop) -> datetime:
    """The session's last day of use: its start, or its last follow-up while follow-ups
    are on and someone left an address for them (their check-in links then work)."""
    weeks = max(workshop.followup_weeks_1, workshop.followup_weeks_2)
    waiting = PlayerContact.objects.filter(player__workshop=workshop).exclude(email="")
    if not weeks or workshop.followups_moved is not None or not waiting.exists():
        return workshop.created
    return (workshop.ended or workshop.created) + timedelta(weeks=weeks)


def workshops_purge(*, older_than_days: int) -> int:
    """Delete whole sessions whose last day (``last_day``) is more than
    ``older_than_days`` days ago, and the versions of decks that only they played."""
    cutoff = timezone.now() - timedelta(days=older_than_days)
    count = 0
    for workshop in Workshop.objects.filter(created__lt=cutoff).iterator():
        if last_day(workshop) < cutoff:
            with transaction.atomic():
                workshop.delete()
            count += 1
    studio.versions_prune()
    return count
