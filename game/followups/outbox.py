"""The outbox (``Mail``, one row per player and kind): the due mails written into it, and a
batch claimed at a time (``select_for_update(skip_locked=True)`` on PostgreSQL; SQLite's
IMMEDIATE transactions serialise the claims), leased to the run that sends them."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import Q

from game.followups.schedule import mails_due
from game.models import (
    Mail,
    Workshop,
)

LEASE = timedelta(minutes=10)  # a claimed mail is another run's again after this
BATCH = 20


def outbox_fill(*, as_of: datetime, now: datetime, workshop: Workshop | None = None) -> int:
    """Write the due mails into the outbox (idempotent: one row per player and kind, two
    runs at once write each once) and settle the earlier ones they make needless.
    Returns the rows that are waiting to go."""
    waiting = 0
    for item in mails_due(as_of=as_of, workshop=workshop):
        with transaction.atomic():
            Mail.objects.bulk_create(
                [
                    Mail(
                        player=item.player, kind=kind, due=item.due, next_attempt=now, status=status
                    )
                    for kind, status in [
                        (item.kind, Mail.Status.PENDING),
                        *((k, Mail.Status.SKIPPED) for k in item.skips),
                    ]
                ],
                ignore_conflicts=True,
            )
            Mail.objects.filter(
                player=item.player, kind__in=item.skips, status=Mail.Status.PENDING
            ).update(status=Mail.Status.SKIPPED)
        waiting += 1
    # Mails whose person can no longer be reached wait no more.
    Mail.objects.filter(status=Mail.Status.PENDING).filter(
        Q(player__contact__isnull=True)
        | Q(player__contact__email="")
        | Q(player__contact__stopped__isnull=False)
        | Q(player__contact__bounced__isnull=False)
        | Q(player__workshop__followups_moved__isnull=False)
    ).update(status=Mail.Status.CANCELLED)
    return waiting


def outbox_claim(
    *, now: datetime, limit: int = BATCH, workshop: Workshop | None = None
) -> list[Mail]:
    """Take up to ``limit`` mails that may go now, leased to this run: no other run
    takes them until they are sent, set to retry, or the lease ends."""
    with transaction.atomic():
        rows = Mail.objects.filter(
            Q(status=Mail.Status.PENDING) | Q(status=Mail.Status.SENDING),
            next_attempt__lte=now,
        )
        if workshop is not None:
            rows = rows.filter(player__workshop=workshop)
        if connection.features.has_select_for_update_skip_locked:
            rows = rows.select_for_update(skip_locked=True, of=("self",))
        claimed = list(rows.order_by("next_attempt", "id")[:limit])
        ids = [mail.pk for mail in claimed]
        Mail.objects.filter(pk__in=ids).update(status=Mail.Status.SENDING, next_attempt=now + LEASE)
    for mail in claimed:
        mail.status, mail.attempts = Mail.Status.SENDING, mail.attempts + 1
    return claimed
