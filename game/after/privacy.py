"""Personal data: deleting a session's names, plans and votes on request, and whole
sessions after the retention period (``manage.py purge_sessions``)."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from cards import studio
from game.models import Workshop
from game.room.accounts import check_runs


def workshop_forget_people(*, workshop: Workshop, by: AbstractBaseUser) -> int:
    """Delete the session's personal data: every player's name, plan and votes. The
    games' public events stay (they hold seat numbers only). Returns players deleted."""
    check_runs(by, workshop)
    with transaction.atomic():
        count = workshop.players.count()
        workshop.players.all().delete()  # plans, votes and receipts go with them
    return count


def workshops_purge(*, older_than_days: int) -> int:
    """Delete whole sessions created more than ``older_than_days`` days ago, and the
    versions of decks that only they played."""
    cutoff = timezone.now() - timedelta(days=older_than_days)
    old = Workshop.objects.filter(created__lt=cutoff)
    count = old.count()
    for workshop in old:
        with transaction.atomic():
            workshop.delete()
    studio.versions_prune()
    return count
