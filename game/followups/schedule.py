"""When the mails go: the plan right after the session ends (or when the player asks), then a
follow-up ``followup_weeks_1`` and ``followup_weeks_2`` weeks after the session (0 = off),
at 09:00 on that day; and which mails are due at a moment (only the latest of several:
each follow-up carries the whole plan). Reads, but for ``workshop_set_followups``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from game.errors import Refused
from game.models import (
    FOLLOWUP_WEEKS_MAX,
    PLAN_DAYS_MAX,
    Mail,
    MailKind,
    Player,
    PlayerContact,
    Workshop,
)
from game.room.accounts import check_runs

SEND_HOUR = 9  # follow-ups go from 09:00 on their day (TIME_ZONE)
KINDS = [MailKind.PLAN.value, MailKind.FOLLOWUP_1.value, MailKind.FOLLOWUP_2.value]
DONE_WITH = (Mail.Status.SENT, Mail.Status.SKIPPED, Mail.Status.CANCELLED, Mail.Status.FAILED)


def mail_counts(workshop: Workshop) -> dict[str, int]:
    """For the dashboard: how many left an address (counted, never shown), and the mails
    sent so far."""
    sent = Mail.objects.filter(player__workshop=workshop, status=Mail.Status.SENT)
    return {
        "addresses": PlayerContact.objects.filter(player__workshop=workshop).count(),
        "plans_sent": sent.filter(kind=MailKind.PLAN).count(),
        "followups_sent": sent.filter(kind__in=(MailKind.FOLLOWUP_1, MailKind.FOLLOWUP_2)).count(),
    }


# --- the follow-up times ----------------------------------------------------------------------


def check_plan_days(days: int) -> None:
    if not 0 <= days <= PLAN_DAYS_MAX:
        raise Refused("bad_plan_days", most=PLAN_DAYS_MAX)


def check_weeks(first: int, second: int) -> None:
    for weeks in (first, second):
        if not 0 <= weeks <= FOLLOWUP_WEEKS_MAX:
            raise Refused("bad_followup_weeks", most=FOLLOWUP_WEEKS_MAX)
    if first and second and second <= first:
        raise Refused("followups_in_order")


def workshop_set_followups(
    *,
    workshop: Workshop,
    by,
    followup_weeks_1: int,
    followup_weeks_2: int,
    plan_days: int | None = None,
) -> Workshop:
    """When the follow-ups go (weeks after the session, 0 = off), and for how many days
    after it the plans stay open (unchanged when not given). Mails not sent yet follow the
    new times at the next run; sent ones are not sent again."""
    check_runs(by, workshop)
    check_weeks(followup_weeks_1, followup_weeks_2)
    plan_days = workshop.plan_days if plan_days is None else plan_days
    check_plan_days(plan_days)
    Workshop.objects.filter(pk=workshop.pk).update(
        followup_weeks_1=followup_weeks_1, followup_weeks_2=followup_weeks_2, plan_days=plan_days
    )
    workshop.followup_weeks_1, workshop.followup_weeks_2 = followup_weeks_1, followup_weeks_2
    workshop.plan_days = plan_days
    # A follow-up still waiting to go follows the new times: the next run writes it again
    # if it is still due.
    Mail.objects.filter(
        player__workshop=workshop,
        kind__in=[MailKind.FOLLOWUP_1, MailKind.FOLLOWUP_2],
        status=Mail.Status.PENDING,
    ).delete()
    return workshop


def schedule(workshop: Workshop) -> list[tuple[str, datetime]]:
    """The session's mails and when each is due: the plan when the session ended, the
    follow-ups at 09:00 that many weeks later. Empty while the session is open."""
    if workshop.ended is None:
        return []
    plan = [(MailKind.PLAN.value, workshop.ended)]
    day = timezone.localtime(workshop.ended).date()
    followups = [
        (kind, _at_send_hour(day + timedelta(weeks=weeks)))
        for kind, weeks in (
            (MailKind.FOLLOWUP_1.value, workshop.followup_weeks_1),
            (MailKind.FOLLOWUP_2.value, workshop.followup_weeks_2),
        )
        if weeks
    ]
    return plan + followups


def _at_send_hour(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(SEND_HOUR)))


def end_of_day(day: date) -> datetime:
    """``--as-of DAY``: everything due on that day, whatever its hour."""
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time(0))) - timedelta(
        microseconds=1
    )


# --- what is due ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Due:
    """A mail that is due: to ``player``, of ``kind``, since ``due``; ``skips`` are the
    earlier kinds that are due too and go unsent (this one carries the whole plan)."""

    player: Player
    kind: str
    due: datetime
    skips: tuple[str, ...] = ()


def _reachable_players(workshop: Workshop | None) -> Iterable[Player]:
    players = Player.objects.filter(
        workshop__status=Workshop.Status.ENDED,
        workshop__followups_moved__isnull=True,
        contact__isnull=False,
        contact__stopped__isnull=True,
        contact__bounced__isnull=True,
        plan__isnull=False,
        removed=False,
    ).exclude(contact__email="")
    if workshop is not None:
        players = players.filter(workshop=workshop)
    return (
        players.distinct()
        .select_related("workshop", "contact")
        .prefetch_related("mails")
        .order_by("workshop_id", "id")
    )


def mails_due(*, as_of: datetime, workshop: Workshop | None = None) -> list[Due]:
    """What a run at ``as_of`` sends: per player, the latest mail of the schedule that is
    due by then and not sent or settled before. Reads only (``--dry-run`` lists these)."""
    due: list[Due] = []
    for player in _reachable_players(workshop):
        rows = {mail.kind: mail for mail in player.mails.all()}
        plan = schedule(player.workshop)
        # A plan the player asked for is due then; the schedule's is settled by it.
        asked = rows.get(MailKind.PLAN.value)
        if asked is not None and asked.status == Mail.Status.PENDING and asked.due <= as_of:
            plan = [(kind, at) for kind, at in plan if kind != MailKind.PLAN.value]
            plan.insert(0, (MailKind.PLAN.value, asked.due))
        ready = [(kind, at) for kind, at in plan if at <= as_of]
        if not ready:
            continue
        kind, at = ready[-1]
        row = rows.get(kind)
        if row is not None and row.status in DONE_WITH:
            continue  # sent (or settled) before: nothing later is due yet
        if row is not None and row.status == Mail.Status.SENDING:
            continue  # another run has it
        earlier = tuple(
            k for k, _at in ready[:-1] if rows.get(k) is None or rows[k].status not in DONE_WITH
        )
        due.append(Due(player, kind, at, earlier))
    return due
