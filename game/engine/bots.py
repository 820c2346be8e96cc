"""Bots that fill empty seats. A bot decides from a SeatView only, the same projection a
human player gets, so it cannot see another hand: `choose(view, rng) -> Ask`.

Levels (RULES.md, "Bots"):
- easy: a random legal card of a random legal player.
- smart: first a card it knows a player holds, deduced from the public log (see
  `deduce`); otherwise the card and player with the highest estimated chance of a hit.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from game.engine.rules import ask_options
from game.engine.state import Ask
from game.engine.views import SeatView

Bot = Callable[[SeatView, random.Random], Ask]


def easy(view: SeatView, rng: random.Random) -> Ask:
    """A random legal card of a random legal player."""
    targets, cards = _options(view)
    return Ask(view.seat, rng.choice(targets), rng.choice(cards))


@dataclass(slots=True)
class Knowledge:
    """What one seat can know about every hand, from the public log and its own hand.

    holds[p]: cards p certainly holds. Exact: cards only move by public hits.
    lacks[p]: cards p certainly does not hold (they asked for it, or missed it when
        asked, or gave it away, or their known cards fill their whole hand).
    claims[p]: theme indexes p proved to hold at least one card of by asking from it,
        not since made doubtful (by p giving a card of it away).
    """

    holds: list[set[str]]
    lacks: list[set[str]]
    claims: list[set[int]]


def deduce(view: SeatView) -> Knowledge:
    """Replay the public log into Knowledge, then add what the own hand and card counts
    imply (elimination: a card only one player can hold is theirs). Raises ValueError
    for a view without the whole log: part of it would silently make a weaker bot."""
    if view.log_start:
        raise ValueError(f"deduce needs the whole public log; this one starts at {view.log_start}")
    knowledge, laid = _replay_log(view)
    _add_own_hand(view, knowledge)
    _eliminate(view, knowledge, laid)
    return knowledge


def _replay_log(view: SeatView) -> tuple[Knowledge, set[str]]:
    """What the public log alone tells of every hand, and the cards laid so far."""
    seats = view.seats
    theme_of = view.deck.theme_of
    holds: list[set[str]] = [set() for _ in range(seats)]
    lacks: list[set[str]] = [set() for _ in range(seats)]
    claims: list[set[int]] = [set() for _ in range(seats)]
    laid: set[str] = set()
    for event in view.log:
        kind = event.type
        if kind == "asked":
            lacks[event.seat].add(event.card)  # nobody may ask for a card they hold
            claims[event.seat].add(theme_of[event.card])
        elif kind == "hit":
            holds[event.target].discard(event.card)
            lacks[event.target].add(event.card)
            claims[event.target].discard(theme_of[event.card])
            holds[event.seat].add(event.card)
            lacks[event.seat].discard(event.card)
        elif kind == "miss":
            lacks[event.target].add(event.card)
        elif kind == "quartet_laid":
            cards = set(event.cards)
            laid |= cards
            index = theme_of[event.cards[0]]
            for seat in range(seats):
                holds[seat] -= cards
                claims[seat].discard(index)
        elif kind == "player_out":
            holds[event.seat].clear()
            claims[event.seat].clear()
    return Knowledge(holds=holds, lacks=lacks, claims=claims), laid


def _add_own_hand(view: SeatView, knowledge: Knowledge) -> None:
    """The seat knows its own hand, so every other seat lacks those cards."""
    me = view.seat
    hand = set(view.hand)
    knowledge.holds[me] = hand
    for seat in range(view.seats):
        if seat != me:
            knowledge.lacks[seat] |= hand


def _eliminate(view: SeatView, knowledge: Knowledge, laid: set[str]) -> None:
    """Place the cards only one player can hold, until nothing changes: a player whose
    known cards fill their hand lacks every card still unknown."""
    me = view.seat
    seats = view.seats
    holds, lacks = knowledge.holds, knowledge.lacks
    sizes = view.hand_sizes
    placed = laid.union(*holds)
    unknown = [card for card in view.deck.cards if card not in placed]
    changed = True
    while changed and unknown:
        changed = False
        for seat in range(seats):
            if seat != me and sizes[seat] and len(holds[seat]) >= sizes[seat]:
                lacks[seat].update(unknown)  # their hand is fully known
        still_unknown = []
        for card in unknown:
            possible = [p for p in range(seats) if p != me and sizes[p] and card not in lacks[p]]
            if len(possible) == 1:
                holds[possible[0]].add(card)
                changed = True
            else:
                still_unknown.append(card)
        unknown = still_unknown


def smart(view: SeatView, rng: random.Random) -> Ask:
    """A card it knows a player holds; otherwise the likeliest hit. Ties go to the theme
    it holds most of (closest to a quartet), then to chance."""
    targets, cards = _options(view)
    chances = _hit_chances(view, deduce(view), targets, cards)
    best = _best_asks(view, chances)
    if not best:  # cannot happen with a consistent log; never refuse to move
        return easy(view, rng)
    return rng.choice(best)


def _hit_chances(
    view: SeatView, knowledge: Knowledge, targets: list[int], cards: list[str]
) -> list[tuple[str, dict[int, float]]]:
    """Per card, the estimated chance that asking each target for it hits: 1 for the
    first target known to hold it; otherwise each target that may hold it by its share
    of the unplaced cards, raised when it claimed the theme."""
    holds, lacks, claims = knowledge.holds, knowledge.lacks, knowledge.claims
    theme_of = view.deck.theme_of
    free = {p: view.hand_sizes[p] - len(holds[p]) for p in targets}
    placed = set().union(*holds)
    per_card: list[tuple[str, dict[int, float]]] = []
    for card in cards:
        known = [p for p in targets if card in holds[p]]
        if known:
            per_card.append((card, {known[0]: 1.0}))
            continue
        index = theme_of[card]
        possible = [p for p in targets if free[p] > 0 and card not in lacks[p]]
        total = sum(free[p] for p in possible)
        chances = {}
        for p in possible:
            chance = free[p] / total
            if index in claims[p] and not any(theme_of[c] == index for c in holds[p]):
                # p asked from this theme, so holds one of its cards we cannot place.
                chance = max(chance, 1 / _open_cards(view, lacks[p], index, placed))
            chances[p] = chance
        per_card.append((card, chances))
    return per_card


def _open_cards(view: SeatView, lacks: set[str], index: int, placed: set[str]) -> int:
    """The cards of theme `index` that are not placed and not in `lacks`."""
    return sum(1 for c in view.deck.themes[index].cards if c not in lacks and c not in placed)


def _best_asks(view: SeatView, chances: list[tuple[str, dict[int, float]]]) -> list[Ask]:
    """The asks with the highest chance of a hit, then the most cards of their theme in
    hand; in the order of `chances`."""
    theme_of = view.deck.theme_of
    mine: dict[int, int] = {}
    for card in view.hand:
        mine[theme_of[card]] = mine.get(theme_of[card], 0) + 1
    best: list[Ask] = []
    best_score: tuple[float, int] = (-1.0, 0)
    for card, by_target in chances:
        for target, chance in by_target.items():
            score = (chance, mine[theme_of[card]])
            if score > best_score:
                best_score, best = score, [Ask(view.seat, target, card)]
            elif score == best_score:
                best.append(Ask(view.seat, target, card))
    return best


BOTS: dict[str, Bot] = {"easy": easy, "smart": smart}
LEVELS = tuple(BOTS)
# The levels that deduce from the public log: their view must hold all of it.
_NEEDS_LOG = frozenset({"smart"})


def bot_needs_log(level: str) -> bool:
    """Whether a bot of `level` reads the public log (so its state must carry the whole
    log); the easy bot does not."""
    return level in _NEEDS_LOG


def bot_choose(level: str, view: SeatView, rng: random.Random) -> Ask:
    """The ask of a bot of `level` ("easy" or "smart") for the seat whose view this is."""
    try:
        bot = BOTS[level]
    except KeyError:
        raise ValueError(f"unknown bot level {level!r}; choose from {', '.join(LEVELS)}") from None
    return bot(view, rng)


def _options(view: SeatView) -> tuple[list[int], list[str]]:
    """The legal targets and the legal cards (any legal card may be asked of any legal
    target). Raises TypeError for anything but a SeatView, ValueError off turn."""
    if not isinstance(view, SeatView):
        raise TypeError(f"a bot decides from a SeatView, not a {type(view).__name__}")
    if view.turn != view.seat:
        raise ValueError(f"seat {view.seat} cannot move: it is not its turn")
    return ask_options(view.deck, view.seat, view.hand, view.hand_sizes)
