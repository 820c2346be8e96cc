"""What a programme's sessions set in motion, read: per session and in total, the people
reached, plans made, addresses left (counted, never shown), follow-ups sent, people who
checked in and people activated; per theme and card how often it was chosen, started and
done; and the lines people wrote (named only with their consent and when asked)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, fields
from typing import Any

from django.utils.translation import gettext_lazy as _

from game.models import (
    ACTIVE,
    CheckIn,
    CheckInStatus,
    HelpRequest,
    Mail,
    MailKind,
    PlanItem,
    PlanMate,
    PlayerContact,
    Programme,
    Workshop,
    reachable_q,
)
from game.programmes.circles import circle_rows
from game.room.people import people_reached

# --- the figures ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    """What a session (or several) set in motion, counted in people (follow-ups: mails)."""

    reached: int = 0
    plans: int = 0
    addresses: int = 0  # ever left one with consent (also those who later stopped)
    reachable: int = 0  # of them, whose address still works (not stopped, not bounced)
    followups_sent: int = 0
    checked_in: int = 0
    activated: int = 0
    # People with a plan and a plan mate who said yes, and of them, those who checked in
    # and those activated: the organiser's own evidence whether mates make a difference.
    with_mate: int = 0
    mate_checked_in: int = 0
    mate_activated: int = 0

    def __add__(self, other: Figures) -> Figures:
        return Figures(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(Figures)))


FIGURE_LABELS = {
    "reached": _("people reached"),
    "plans": _("plans made"),
    "addresses": _("left an address"),
    "reachable": _("still reachable by mail"),
    "with_mate": _("with a plan mate"),
    "followups_sent": _("follow-ups sent"),
    "checked_in": _("checked in"),
    "activated": _("activated"),
}


def latest_checkins(workshops: Iterable[Workshop]) -> dict[int, CheckIn]:
    """Per plan item, its latest check-in (the second follow-up's over the first's)."""
    latest: dict[int, CheckIn] = {}
    rows = CheckIn.objects.filter(item__player__in=people_reached(workshops)).order_by("followup")
    for checkin in rows.select_related("item__player"):
        latest[checkin.item_id] = checkin
    return latest


def figures(
    workshops: list[Workshop], latest: dict[int, CheckIn] | None = None
) -> dict[int, Figures]:
    """The figures of each session, by its id (a handful of queries for all of them);
    ``latest``: the sessions' ``latest_checkins`` when the caller has them already."""
    people = people_reached(workshops)

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
    reachable = per_session(
        PlayerContact.objects.filter(reachable_q(), player__in=people).values_list(
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
    mates = _with_mate(people)
    latest = latest_checkins(workshops) if latest is None else latest
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
            reachable=reachable[workshop.pk],
            followups_sent=sent[workshop.pk],
            checked_in=len(checked[workshop.pk]),
            activated=len(active[workshop.pk]),
            with_mate=len(mates[workshop.pk]),
            mate_checked_in=len(checked[workshop.pk] & mates[workshop.pk]),
            mate_activated=len(active[workshop.pk] & mates[workshop.pk]),
        )
        for workshop in workshops
    }


def _with_mate(people) -> dict[int, set[int]]:
    """Per session, the people with a plan and a plan mate who said yes."""
    pairs = PlanMate.objects.filter(agreed__isnull=False, asker__in=people).values_list(
        "asker_id", "mate_id"
    )
    paired = {pk for pair in pairs for pk in pair}
    found: dict[int, set[int]] = defaultdict(set)
    planned = people.filter(pk__in=paired, plan__isnull=False).distinct()
    for pk, workshop_id in planned.values_list("pk", "workshop_id"):
        found[workshop_id].add(pk)
    return found


def mate_comparison(numbers: Figures) -> dict[str, dict[str, int]]:
    """Whether plans with a mate were checked in and activated more often: the shares (in
    percent) for plans with a plan mate and for plans without one."""
    without = numbers.plans - numbers.with_mate

    def share(part: int, whole: int) -> int:
        return round(100 * part / whole) if whole else 0

    return {
        "with": {
            "plans": numbers.with_mate,
            "checked_in": share(numbers.mate_checked_in, numbers.with_mate),
            "activated": share(numbers.mate_activated, numbers.with_mate),
        },
        "without": {
            "plans": without,
            "checked_in": share(numbers.checked_in - numbers.mate_checked_in, without),
            "activated": share(numbers.activated - numbers.mate_activated, without),
        },
    }


def total(per_session: dict[int, Figures]) -> Figures:
    return sum(per_session.values(), Figures())


@dataclass(frozen=True)
class CardFigures:
    card: Any
    chosen: int
    started: int
    done: int


def card_figures(
    workshops: list[Workshop], latest: dict[int, CheckIn] | None = None
) -> list[dict[str, Any]]:
    """Per theme (of the sessions' decks, in order) and card: how often it was chosen for
    a plan, and how many of those are started or done by their latest check-in. Sessions
    that played different versions of one deck count together: a card is its deck (the
    editable one) and its key, shown as its newest version names it."""
    items = list(
        PlanItem.objects.filter(player__in=people_reached(workshops)).select_related(
            "card__theme__deck__source"
        )
    )
    latest = latest_checkins(workshops) if latest is None else latest
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
        CheckIn.objects.filter(item__player__in=people_reached(workshops))
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


def session_figures(workshop: Workshop) -> Figures:
    """One session's figures (its results page draws their funnel)."""
    return figures([workshop])[workshop.pk]


@dataclass(frozen=True)
class HelpFigures:
    """What asking for help set in motion, per helper or card: requests, the helper's
    "contact made", and requests whose card was started or done after it was asked."""

    name: str
    asked: int
    contacted: int
    activated: int


def help_figures(
    workshops: list[Workshop], latest: dict[int, CheckIn] | None = None
) -> dict[str, list[HelpFigures]]:
    """Per helper, theme and card (by title): help asked → contact made → activated after
    help. Counts only: no name or address of anyone who asked."""
    latest = latest_checkins(workshops) if latest is None else latest
    requests = HelpRequest.objects.filter(
        item__player__in=people_reached(workshops)
    ).select_related("helper", "item__card__theme")
    by: dict[str, dict[str, list[int]]] = {"helpers": {}, "themes": {}, "cards": {}}
    for request in requests:
        checkin = latest.get(request.item_id)
        after = (
            checkin is not None and checkin.status in ACTIVE and checkin.updated > request.created
        )
        card = request.item.card
        for group, key in (
            ("helpers", request.helper.name),
            ("themes", card.theme.name),
            ("cards", card.title),
        ):
            counts = by[group].setdefault(key, [0, 0, 0])
            counts[0] += 1
            counts[1] += request.contacted is not None
            counts[2] += after
    return {
        group: [HelpFigures(name, *counts) for name, counts in sorted(rows.items())]
        for group, rows in by.items()
    }


# --- the page ---------------------------------------------------------------------


def programme_report(programme: Programme, *, names: bool = False) -> dict[str, Any]:
    workshops = list(programme.sessions.select_related("deck", "facilitator").order_by("created"))
    latest = latest_checkins(workshops)  # read once for every figure below
    per_session = figures(workshops, latest)
    whole = total(per_session)
    return {
        "sessions": [(workshop, per_session[workshop.pk]) for workshop in workshops],
        "total": whole,
        "mates": mate_comparison(whole),
        "help": help_figures(workshops, latest),
        "circles": circle_rows(programme, latest),
        "themes": card_figures(workshops, latest),
        "lines": lines(workshops, names=names),
        "names": names,
    }
