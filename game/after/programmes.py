"""What a programme of workshops set in motion: sessions grouped by an organiser
("Overijssel 2027"), shared with named facilitators, and its figures.

Per session and in total: people reached (the people who played, bots not counted),
plans made (at least one card), people who left an address, follow-ups sent, people who
checked in, and people activated (at least one card whose latest check-in says started
or done). A funnel drawn on the server (``funnel``, for ``templates/game/_funnel.svg``),
per theme and card how often it was chosen, started and done, and the lines people
wrote about what helped or held them back: without names, unless the facilitator asks
and then only the names of those who agreed. Addresses are counted, never shown.
"""

from __future__ import annotations

import csv
import io
import itertools
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, fields
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from game.after.results import safe_cell
from game.errors import Refused
from game.models import (
    ACTIVE,
    CheckIn,
    CheckInStatus,
    Mail,
    MailKind,
    PlanItem,
    Player,
    PlayerContact,
    Programme,
    Workshop,
)
from game.room.accounts import can_host, can_run
from game.room.sessions import normalise_code

MAX_NAME = 100


class NotFound(Exception):
    """Not a programme this person may see (pages answer 404, as for sessions)."""


# --- who may see and change a programme ------------------------------------------------------


def programmes_for(user: AbstractBaseUser) -> list[Programme]:
    """The programmes a facilitator owns or has been given, newest first."""
    if not user.is_authenticated:
        return []
    visible = Programme.objects.all()
    if not user.is_superuser:
        visible = visible.filter(Q(owner=user) | Q(shared_with=user))
    return list(visible.distinct().select_related("owner").prefetch_related("sessions"))


def programme_for(user: AbstractBaseUser, pk: int) -> Programme:
    programme = Programme.objects.select_related("owner").filter(pk=pk).first()
    if programme is None or not may_see(user, programme):
        raise NotFound
    return programme


def may_see(user: AbstractBaseUser, programme: Programme) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser or programme.owner_id == user.pk:
        return True
    return programme.shared_with.filter(pk=user.pk).exists()


def _check_owner(by: AbstractBaseUser, programme: Programme) -> None:
    if not (by.is_superuser or programme.owner_id == by.pk):
        raise Refused("owner_only")


def _clean_name(name: str) -> str:
    cleaned = " ".join((name or "").split())
    if not 1 <= len(cleaned) <= MAX_NAME:
        raise Refused("bad_programme_name")
    return cleaned


def programme_create(*, owner: AbstractBaseUser, name: str) -> Programme:
    if not can_host(owner) and not owner.is_superuser:
        raise Refused("forbidden")
    return Programme.objects.create(owner=owner, name=_clean_name(name))


def programme_rename(*, programme: Programme, by: AbstractBaseUser, name: str) -> Programme:
    _check_owner(by, programme)
    programme.name = _clean_name(name)
    programme.save(update_fields=["name"])
    return programme


def programme_share(*, programme: Programme, by: AbstractBaseUser, username: str) -> Any:
    """Share with the facilitator called ``username``: they see the programme and may add
    their own sessions to it."""
    _check_owner(by, programme)
    username = (username or "").strip()
    user = get_user_model().objects.filter(username=username).first()
    if user is None or not (can_host(user) or user.is_superuser):
        raise Refused("unknown_facilitator", name=username[:40] or "-")
    if user.pk != programme.owner_id:
        programme.shared_with.add(user)
    return user


def programme_unshare(*, programme: Programme, by: AbstractBaseUser, user_id: int) -> None:
    _check_owner(by, programme)
    programme.shared_with.remove(user_id)


def programme_add_session(*, programme: Programme, by: AbstractBaseUser, code: str) -> Workshop:
    """Add a session the person runs (their own, or any for an admin) by its join code."""
    if not may_see(by, programme):
        raise Refused("forbidden")
    workshop = Workshop.objects.filter(code=normalise_code(code or "")).first()
    if workshop is None or not can_run(by, workshop):
        raise Refused("not_your_session", code=(code or "").strip()[:12] or "-")
    programme.sessions.add(workshop)
    return workshop


def programme_remove_session(
    *, programme: Programme, by: AbstractBaseUser, workshop_id: int
) -> None:
    """Take a session out: the owner may take any, a facilitator their own."""
    workshop = programme.sessions.filter(pk=workshop_id).first()
    if workshop is None:
        raise Refused("not_found")
    if not (by.is_superuser or programme.owner_id == by.pk or can_run(by, workshop)):
        raise Refused("owner_only")
    programme.sessions.remove(workshop)


def programme_delete(*, programme: Programme, by: AbstractBaseUser) -> None:
    """The programme goes; its sessions stay."""
    _check_owner(by, programme)
    with transaction.atomic():
        programme.delete()


# --- the figures ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    """What a session (or several) set in motion, counted in people (follow-ups: mails)."""

    reached: int = 0
    plans: int = 0
    addresses: int = 0
    followups_sent: int = 0
    checked_in: int = 0
    activated: int = 0

    def __add__(self, other: Figures) -> Figures:
        return Figures(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(Figures)))


FIGURE_LABELS = {
    "reached": _("people reached"),
    "plans": _("plans made"),
    "addresses": _("left an address"),
    "followups_sent": _("follow-ups sent"),
    "checked_in": _("checked in"),
    "activated": _("activated"),
}


def _people(workshops: Iterable[Workshop]):
    """The people of these sessions: players who are not bots (a person whose seat a bot
    took over still counts) and were not taken out."""
    return Player.objects.filter(workshop__in=list(workshops), removed=False).filter(
        Q(bot_level="") | Q(replaced=True)
    )


def latest_checkins(workshops: Iterable[Workshop]) -> dict[int, CheckIn]:
    """Per plan item, its latest check-in (the second follow-up's over the first's)."""
    latest: dict[int, CheckIn] = {}
    rows = CheckIn.objects.filter(item__player__in=_people(workshops)).order_by("followup")
    for checkin in rows.select_related("item__player"):
        latest[checkin.item_id] = checkin
    return latest


def figures(workshops: list[Workshop]) -> dict[int, Figures]:
    """The figures of each session, by its id (a handful of queries for all of them)."""
    people = _people(workshops)

    def per_session(values: Iterable[int]) -> Counter:
        return Counter(values)

    reached = per_session(people.values_list("workshop_id", flat=True))
    planned = per_session(
        people.filter(plan__isnull=False).distinct().values_list("workshop_id", flat=True)
    )
    addresses = per_session(
        PlayerContact.objects.filter(player__in=people).values_list(
            "player__workshop_id", flat=True
        )
    )
    sent = per_session(
        Mail.objects.filter(
            player__in=people,
            kind__in=(MailKind.FOLLOWUP_1, MailKind.FOLLOWUP_2),
            status=Mail.Status.SENT,
        ).values_list("player__workshop_id", flat=True)
    )
    latest = latest_checkins(workshops)
    checked: dict[int, set[int]] = defaultdict(set)
    active: dict[int, set[int]] = defaultdict(set)
    for checkin in latest.values():
        player = checkin.item.player
        checked[player.workshop_id].add(player.pk)
        if checkin.status in ACTIVE:
            active[player.workshop_id].add(player.pk)
    return {
        workshop.pk: Figures(
            reached=reached[workshop.pk],
            plans=planned[workshop.pk],
            addresses=addresses[workshop.pk],
            followups_sent=sent[workshop.pk],
            checked_in=len(checked[workshop.pk]),
            activated=len(active[workshop.pk]),
        )
        for workshop in workshops
    }


def total(per_session: dict[int, Figures]) -> Figures:
    return sum(per_session.values(), Figures())


@dataclass(frozen=True)
class CardFigures:
    card: Any
    chosen: int
    started: int
    done: int


def card_figures(workshops: list[Workshop]) -> list[dict[str, Any]]:
    """Per theme (of the sessions' decks, in order) and card: how often it was chosen for
    a plan, and how many of those are started or done by their latest check-in. Sessions
    that played different versions of one deck count together: a card is its deck (the
    editable one) and its key, shown as its newest version names it."""
    items = list(
        PlanItem.objects.filter(player__in=_people(workshops)).select_related(
            "card__theme__deck__source"
        )
    )
    latest = latest_checkins(workshops)
    chosen: Counter = Counter()
    by_status: dict[str, Counter] = {
        CheckInStatus.STARTED: Counter(),
        CheckInStatus.DONE: Counter(),
    }
    cards: dict[tuple[int, str], Any] = {}
    for item in items:
        card = item.card
        same = (card.theme.deck.base.pk, card.key)
        if same not in cards or card.theme.deck.pk > cards[same].theme.deck.pk:
            cards[same] = card  # the newest version's texts
        chosen[same] += 1
        checkin = latest.get(item.pk)
        if checkin is not None and checkin.status in by_status:
            by_status[checkin.status][same] += 1
    themes: dict[tuple[int, str], tuple[Any, list[CardFigures]]] = {}
    order = sorted(
        cards.items(), key=lambda kv: (kv[1].theme.deck.name, kv[1].theme.order, kv[1].number)
    )
    for (deck, _key), card in order:
        _theme, rows = themes.setdefault((deck, card.theme.slug), (card.theme, []))
        rows.append(
            CardFigures(
                card,
                chosen[(deck, card.key)],
                by_status[CheckInStatus.STARTED][(deck, card.key)],
                by_status[CheckInStatus.DONE][(deck, card.key)],
            )
        )
    return [
        {
            "theme": theme,
            "cards": rows,
            "chosen": sum(row.chosen for row in rows),
            "started": sum(row.started for row in rows),
            "done": sum(row.done for row in rows),
        }
        for theme, rows in themes.values()
    ]


@dataclass(frozen=True)
class Line:
    """What someone wrote helped or held them back, with their name only if they agreed
    and the facilitator asked for names."""

    note: str
    card: Any
    status: str
    followup: int
    session: str
    name: str = ""


def lines(workshops: list[Workshop], *, names: bool = False) -> list[Line]:
    rows = (
        CheckIn.objects.filter(item__player__in=_people(workshops))
        .exclude(note="")
        .select_related("item__card__theme", "item__player__workshop")
        .order_by("-updated", "-id")
    )
    return [
        Line(
            note=checkin.note,
            card=checkin.item.card,
            status=checkin.get_status_display(),
            followup=checkin.followup,
            session=checkin.item.player.workshop.name,
            name=checkin.item.player.name if names and checkin.named else "",
        )
        for checkin in rows
    ]


# --- the funnel -------------------------------------------------------------------------------

# The funnel's units: a column of labels on the left, the bars centred in the rest.
LABEL_W, BARS_W, BAR_H, GAP = 300, 700, 56, 22
FUNNEL_W = LABEL_W + BARS_W


@dataclass(frozen=True)
class Stage:
    key: str
    label: str
    count: int
    percent: int  # of the people reached
    x: float
    y: float
    width: float
    text_y: float

    @property
    def label_x(self) -> int:
        return LABEL_W - 16  # right-aligned against the bars' column


@dataclass(frozen=True)
class Funnel:
    """The funnel's geometry: a centred bar per stage, as wide as its share of the people
    reached (at least a sliver, so 0 still shows), joined by trapezoids; its label (the
    stage, the count and the share) in a column on the left."""

    width: int
    height: int
    stages: list[Stage]
    joins: list[str]  # polygon points between a stage and the next

    @property
    def empty(self) -> bool:
        return not self.stages or self.stages[0].count == 0


FUNNEL_STAGES = ("reached", "plans", "checked_in", "activated")
STAGE_LABELS = {
    "reached": _("reached"),
    "plans": _("made a plan"),
    "checked_in": _("checked in"),
    "activated": _("activated"),
}


def funnel(numbers: Figures) -> Funnel:
    """reached → plan → checked in → activated, drawn on the server (no script)."""
    top = numbers.reached
    stages, joins = [], []
    for index, key in enumerate(FUNNEL_STAGES):
        count = getattr(numbers, key)
        share = count / top if top else 0
        width = max(BARS_W * share, 6)
        x = LABEL_W + (BARS_W - width) / 2
        y = index * (BAR_H + GAP)
        stages.append(
            Stage(
                key,
                str(STAGE_LABELS[key]),
                count,
                round(100 * share),
                round(x, 1),
                y,
                round(width, 1),
                y + BAR_H / 2,
            )
        )
    for upper, lower in itertools.pairwise(stages):
        y1, y2 = upper.y + BAR_H, lower.y
        joins.append(
            f"{upper.x},{y1} {upper.x + upper.width},{y1} "
            f"{lower.x + lower.width},{y2} {lower.x},{y2}"
        )
    height = len(stages) * BAR_H + (len(stages) - 1) * GAP
    return Funnel(FUNNEL_W, height, stages, joins)


def session_funnel(workshop: Workshop) -> tuple[Figures, Funnel]:
    """One session's figures and funnel (its results page)."""
    numbers = figures([workshop])[workshop.pk]
    return numbers, funnel(numbers)


# --- the page and its CSV ---------------------------------------------------------------------


def programme_report(programme: Programme, *, names: bool = False) -> dict[str, Any]:
    workshops = list(programme.sessions.select_related("deck", "facilitator").order_by("created"))
    per_session = figures(workshops)
    whole = total(per_session)
    return {
        "sessions": [(workshop, per_session[workshop.pk]) for workshop in workshops],
        "total": whole,
        "funnel": funnel(whole),
        "themes": card_figures(workshops),
        "lines": lines(workshops, names=names),
        "names": names,
    }


CSV_COLUMNS = [
    "row",
    "session",
    "code",
    "date",
    *FIGURE_LABELS,
    "theme",
    "card",
    "chosen",
    "started",
    "done",
]


def programme_csv(programme: Programme) -> str:
    """The page's figures: a row per session and the total, then a row per card. Cells
    that a spreadsheet would take for a formula are made text (``safe_cell``)."""
    report = programme_report(programme)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    blank_cards = ["", "", "", "", ""]
    for workshop, numbers in report["sessions"]:
        day = timezone.localtime(workshop.ended or workshop.created).date().isoformat()
        writer.writerow(
            [
                "session",
                safe_cell(workshop.name),
                workshop.code,
                day,
                *(getattr(numbers, key) for key in FIGURE_LABELS),
                *blank_cards,
            ]
        )
    whole = report["total"]
    writer.writerow(
        [
            "total",
            safe_cell(programme.name),
            "",
            "",
            *(getattr(whole, k) for k in FIGURE_LABELS),
            *blank_cards,
        ]
    )
    for theme in report["themes"]:
        for row in theme["cards"]:
            writer.writerow(
                [
                    "card",
                    "",
                    "",
                    "",
                    *([""] * len(FIGURE_LABELS)),
                    safe_cell(theme["theme"].name),
                    safe_cell(row.card.title),
                    row.chosen,
                    row.started,
                    row.done,
                ]
            )
    return out.getvalue()
