"""Learning circles ("leerkringen") across a programme: people who ticked "ik wil met
anderen verder in een leerkring" are proposed in groups of 4 to 8 by what their plans
share, the organiser names the circles, moves people and adds a helper as host, and the
members are invited by mail (join / no thanks). Once three say yes (or on the circle's
``introduce_on`` day) those who said yes get one introduction mail with each other's
first names and addresses, the host's details and the cards they share; a later yes is
introduced the same way, and the others get one mail with the newcomer's. Nobody else ever sees an address (the mails are
game.followups.circles_mail; they go through the outbox).

The rule of the proposal (``propose``):
1. Everyone who opted in, is reachable by mail and is in no circle of the programme yet.
2. Each person's theme is the one most of their plan's cards belong to (ties: the theme
   first in the deck); people go together by theme.
3. A theme with fewer than 4 people joins the others left over into one mixed group.
4. A group of more than 8 is split into as few circles as keep each at most 8, and
   people of one table are dealt round-robin over those circles, so two of one table are
   in one circle only when nobody else fits.
5. A group of fewer than 4 left at the end joins the smallest circle with room (at most
   8), or stays a circle of its own when there is none (the organiser may move people).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from datetime import date, datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from game.errors import Refused
from game.models import (
    ACTIVE,
    Circle,
    CircleMember,
    CircleOptIn,
    Helper,
    Mail,
    MailKind,
    Player,
    Programme,
    is_reachable,
    reachable_q,
)
from game.programmes.access import check_owner

SMALLEST, LARGEST = 4, 8
INTRODUCE_AT = 3  # yeses that introduce a circle


# --- the player ---------------------------------------------------------------------------


def circle_opt_in(*, player: Player, on: bool, now: datetime | None = None) -> bool:
    """The player's tick (or untick): only with an address kept for the mails."""
    if not on:
        CircleOptIn.objects.filter(player=player).delete()
        return False
    if not is_reachable(player.pk):
        raise Refused("no_address")
    CircleOptIn.objects.get_or_create(player=player, defaults={"consented": now or timezone.now()})
    return True


def circle_answer(*, member: CircleMember, join: bool, now: datetime | None = None) -> CircleMember:
    """A member's answer to the invitation: once; refused after the circle closed. Enough
    yeses introduce the circle; a yes after that is introduced the same way."""
    now = now or timezone.now()
    with transaction.atomic():
        member = CircleMember.objects.select_for_update().select_related("circle").get(pk=member.pk)
        if member.circle.closed is not None:
            raise Refused("circle_closed")
        if member.joined is not None:
            raise Refused("circle_answered")
        if join and not is_reachable(member.player_id):
            raise Refused("no_address")
        member.joined, member.answered = join, now
        member.save(update_fields=["joined", "answered"])
        circle = member.circle
        if circle.introduced is not None and join:
            _introduce(circle, [member], now)
            _announce(circle, member, now)
        elif circle.introduced is None and _yeses(circle).count() >= INTRODUCE_AT:
            circle_introduce(circle=circle, now=now)
            circle.refresh_from_db()  # the page says the circle has started
    return member


def _yeses(circle: Circle):
    return circle.members.filter(reachable_q("player__contact__"), joined=True)


def circle_introduce(*, circle: Circle, now: datetime | None = None) -> int:
    """Introduce those who said yes to each other (one mail each); returns how many."""
    now = now or timezone.now()
    with transaction.atomic():
        circle = Circle.objects.select_for_update().get(pk=circle.pk)
        if circle.introduced is not None:
            return 0
        members = list(_yeses(circle))
        if not members:
            return 0
        circle.introduced = now
        circle.save(update_fields=["introduced"])
        return _introduce(circle, members, now)


def _introduce(circle: Circle, members: list[CircleMember], now: datetime) -> int:
    for member in members:
        Mail.objects.get_or_create(
            circle_member=member,
            kind=MailKind.INTRO,
            defaults={"player_id": member.player_id, "due": now, "next_attempt": now},
        )
        member.introduced = now
        member.save(update_fields=["introduced"])
    return len(members)


def _announce(circle: Circle, newcomer: CircleMember, now: datetime) -> int:
    """A later yes: the members introduced before hear of them (one mail each)."""
    others = [m for m in _yeses(circle).exclude(pk=newcomer.pk) if m.introduced is not None]
    for member in others:
        Mail.objects.get_or_create(
            circle_member=member,
            about_member=newcomer,
            kind=MailKind.JOINER,
            defaults={"player_id": member.player_id, "due": now, "next_attempt": now},
        )
    return len(others)


def circles_due(*, today: date) -> int:
    """Circles whose introduction day came, with at least one yes: introduced now (the
    timer's run of send_followups calls this)."""
    count = 0
    due = Circle.objects.filter(
        introduced__isnull=True, closed__isnull=True, introduce_on__lte=today
    )
    for circle in due:
        count += bool(circle_introduce(circle=circle))
    return count


# --- the organiser ------------------------------------------------------------------------


def _theme_of(player: Player) -> str:
    themes = Counter()
    order = {}
    for item in player.plan.select_related("card__theme"):
        themes[item.card.theme.name] += 1
        order.setdefault(item.card.theme.name, item.card.theme.order)
    if not themes:
        return ""
    return max(themes, key=lambda name: (themes[name], -order[name]))


def candidates(programme: Programme) -> list[Player]:
    """Who may be proposed: opted in, reachable, in none of the programme's circles."""
    return list(
        Player.objects.filter(
            reachable_q("contact__"),
            workshop__programmes=programme,
            removed=False,
            circle_opt_in__isnull=False,
        )
        .exclude(circle_memberships__circle__programme=programme)
        .select_related("workshop")
        .order_by("workshop_id", "table_id", "joined", "id")
        .distinct()
    )


def _deal(people: list[Player], circles: int) -> list[list[Player]]:
    """People over ``circles`` circles, one table's people round-robin (rule 4)."""
    groups: list[list[Player]] = [[] for _ in range(circles)]
    by_table = sorted(people, key=lambda p: (p.workshop_id, p.table_id or 0, p.pk))
    for n, person in enumerate(by_table):
        groups[n % circles].append(person)
    return groups


def propose(people: list[Player]) -> list[list[Player]]:
    """Groups of 4 to 8 by shared theme (the module's rule), as far as the people allow."""
    by_theme: dict[str, list[Player]] = defaultdict(list)
    for person in people:
        by_theme[_theme_of(person)].append(person)
    groups: list[list[Player]] = []
    mixed: list[Player] = []
    for _theme, members in sorted(by_theme.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        if len(members) < SMALLEST:
            mixed += members
        else:
            groups += _deal(members, math.ceil(len(members) / LARGEST))
    if len(mixed) >= SMALLEST:
        groups += _deal(mixed, math.ceil(len(mixed) / LARGEST))
    elif mixed:
        roomy = [g for g in groups if len(g) + len(mixed) <= LARGEST]
        if roomy:
            min(roomy, key=len).extend(mixed)
        else:
            groups.append(mixed)
    return groups


def circles_propose(*, programme: Programme, by: AbstractBaseUser) -> list[Circle]:
    """Propose circles of the candidates; the organiser names and changes them before
    inviting."""
    check_owner(by, programme)
    people = candidates(programme)
    if len(people) < SMALLEST:
        raise Refused("circle_too_few", least=SMALLEST, count=len(people))
    made = []
    with transaction.atomic():
        number = programme.circles.count()
        for group in propose(people):
            number += 1
            theme = Counter(_theme_of(p) for p in group).most_common(1)[0][0]
            circle = Circle.objects.create(
                programme=programme, name=f"Leerkring {number}" + (f" · {theme}" if theme else "")
            )
            CircleMember.objects.bulk_create([CircleMember(circle=circle, player=p) for p in group])
            made.append(circle)
    return made


def _circle(programme: Programme, circle_id: int) -> Circle:
    circle = programme.circles.filter(pk=circle_id).first()
    if circle is None:
        raise Refused("not_found")
    return circle


def circle_change(
    *,
    programme: Programme,
    by: AbstractBaseUser,
    circle_id: int,
    name: str,
    host_id: int | None,
    introduce_on: date | None,
) -> Circle:
    check_owner(by, programme)
    circle = _circle(programme, circle_id)
    name = " ".join((name or "").split())
    if not 1 <= len(name) <= 100:
        raise Refused("bad_circle_name")
    host = None
    if host_id:
        host = Helper.objects.filter(programme=programme, pk=host_id).first()
        if host is None:
            raise Refused("not_found")
    circle.name, circle.host, circle.introduce_on = name, host, introduce_on
    circle.save(update_fields=["name", "host", "introduce_on"])
    return circle


def circle_move(
    *, programme: Programme, by: AbstractBaseUser, member_id: int, circle_id: int
) -> CircleMember:
    """Move a proposed member to another circle of the programme, before they answered."""
    check_owner(by, programme)
    member = CircleMember.objects.filter(circle__programme=programme, pk=member_id).first()
    target = _circle(programme, circle_id)
    if member is None:
        raise Refused("not_found")
    if member.joined is not None or member.mails.exists():
        raise Refused("circle_member_invited")
    if target.members.filter(player_id=member.player_id).exists():
        return member
    member.circle = target
    member.save(update_fields=["circle"])
    return member


def circle_invite(
    *, programme: Programme, by: AbstractBaseUser, circle_id: int, now: datetime | None = None
) -> int:
    """Invite the circle's members who were not invited yet (one mail each)."""
    check_owner(by, programme)
    now = now or timezone.now()
    circle = _circle(programme, circle_id)
    if circle.closed is not None:
        raise Refused("circle_closed")
    count = 0
    with transaction.atomic():
        for member in circle.members.filter(joined__isnull=True):
            _mail, made = Mail.objects.get_or_create(
                circle_member=member,
                kind=MailKind.INVITE,
                defaults={"player_id": member.player_id, "due": now, "next_attempt": now},
            )
            count += made
        if circle.invited is None:
            circle.invited = now
            circle.save(update_fields=["invited"])
    return count


def circle_close(*, programme: Programme, by: AbstractBaseUser, circle_id: int) -> Circle:
    check_owner(by, programme)
    circle = _circle(programme, circle_id)
    circle.closed = circle.closed or timezone.now()
    circle.save(update_fields=["closed"])
    return circle


# --- the figures --------------------------------------------------------------------------


def circle_rows(programme: Programme, latest_checkins: dict) -> list[dict]:
    """Each circle with its members, their answers, and their check-ins in aggregate
    (``latest_checkins``: game.programmes.selectors', of the programme's sessions)."""
    checked_in = {c.item.player_id for c in latest_checkins.values()}
    activated = {c.item.player_id for c in latest_checkins.values() if c.status in ACTIVE}
    rows = []
    for circle in programme.circles.select_related("host").prefetch_related(
        "members__player__workshop"
    ):
        members = list(circle.members.all())
        ids = {m.player_id for m in members if m.joined}
        checked, active = ids & checked_in, ids & activated
        rows.append(
            {
                "circle": circle,
                "members": members,
                "size": len(members),
                "yes": sum(m.joined is True for m in members),
                "no": sum(m.joined is False for m in members),
                "checked_in": len(checked),
                "activated": len(active),
            }
        )
    return rows


def waiting_count(programme: Programme) -> int:
    return len(candidates(programme))
