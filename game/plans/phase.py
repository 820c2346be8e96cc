"""The plan moment in the room: the facilitator starts the plan phase from the dashboard,
the phones go to the plan page, and the projector counts the plans per table ("14 van 18
hebben een plan"), with a minute's countdown if the facilitator chose one. Names with or
without a plan reach the dashboard only; never a plan's text."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from game.errors import Refused
from game.models import Workshop
from game.realtime import live
from game.room.accounts import check_runs
from game.room.people import people_reached

COUNTDOWN = timedelta(minutes=1)


def workshop_plan_phase(
    *, workshop: Workshop, by: AbstractBaseUser, countdown: bool = False
) -> Workshop:
    """Start the plan phase (again: the countdown starts over): every phone of the session
    goes to its plan page, the projector shows the room's count."""
    check_runs(by, workshop)
    if not workshop.is_open:
        raise Refused("session_ended")
    now = timezone.now()
    with transaction.atomic():
        workshop.plan_phase = now
        workshop.plan_countdown = now + COUNTDOWN if countdown else None
        workshop.save(update_fields=["plan_phase", "plan_countdown"])
        _publish(workshop.pk)
    return workshop


def workshop_plan_phase_end(*, workshop: Workshop, by: AbstractBaseUser) -> Workshop:
    """Back to the games: the projector shows the tables again; phones stay where they are."""
    check_runs(by, workshop)
    with transaction.atomic():
        workshop.plan_phase = workshop.plan_countdown = None
        workshop.save(update_fields=["plan_phase", "plan_countdown"])
        _publish(workshop.pk)
    return workshop


def _publish(workshop_id: int) -> None:
    # The seating push makes every phone read its view again (which says the phase),
    # and the dashboard and projector look again.
    transaction.on_commit(lambda: live.publish_seating(workshop_id))


@dataclass(frozen=True)
class TableCount:
    number: int | None  # None: the people not at a table
    planned: int
    people: int


@dataclass(frozen=True)
class PlanCounts:
    """Who has a plan: the room's count, per table, and the ids of those with one."""

    planned: int
    people: int
    tables: list[TableCount]
    with_plan: frozenset[int]


def plan_counts(workshop: Workshop) -> PlanCounts:
    """The people of the session (bots that took over a seat count for their person) and
    whether each has a plan of at least one card; two queries."""
    people = list(
        people_reached([workshop]).values_list("pk", "table__number").order_by("table__number")
    )
    with_plan = frozenset(
        people_reached([workshop])
        .filter(plan__isnull=False)
        .distinct()
        .values_list("pk", flat=True)
    )
    tables: dict[int | None, list[int]] = {}
    for pk, number in people:
        tables.setdefault(number, []).append(pk)
    return PlanCounts(
        planned=len(with_plan),
        people=len(people),
        tables=[
            TableCount(number, sum(pk in with_plan for pk in ids), len(ids))
            for number, ids in sorted(tables.items(), key=lambda kv: (kv[0] is None, kv[0] or 0))
        ],
        with_plan=with_plan,
    )


def countdown_left(workshop: Workshop, now: datetime | None = None) -> int | None:
    """Seconds left on the plan phase's countdown (0 once it ran out); None without one."""
    if workshop.plan_phase is None or workshop.plan_countdown is None:
        return None
    left = (workshop.plan_countdown - (now or timezone.now())).total_seconds()
    return max(0, int(left + 0.999))
