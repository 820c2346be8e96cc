"""The rules (RULES.md) as pure functions: new_game, apply, legal_actions, and the score."""

from __future__ import annotations

import random
from typing import Literal

from game.engine.deck import CARDS_PER_THEME, Deck
from game.engine.errors import IllegalAction, InvalidSetup
from game.engine.state import (
    MAX_SEATS,
    MIN_SEATS,
    Ask,
    Asked,
    Event,
    GameOver,
    GameStarted,
    GameState,
    Hit,
    Miss,
    PauseDue,
    PlayerOut,
    QuartetLaid,
    Settings,
    TurnPassed,
)

_DEFAULT_SETTINGS = Settings()


def new_game(
    deck: Deck, seats: int, seed: int, settings: Settings = _DEFAULT_SETTINGS
) -> tuple[GameState, tuple[Event, ...]]:
    """Shuffle with the seed, deal round-robin, lay any quartet dealt complete, pick the
    first player. Raises InvalidSetup for an unplayable deck, seat count, seed or setting."""
    _check_setup(deck, seats, seed, settings)
    hands, first = _deal(deck, seats, seed, settings)
    events: list[Event] = [
        GameStarted(0, seats=seats, hand_sizes=tuple(map(len, hands)), first_player=first)
    ]
    laid, pause = _lay_dealt_quartets(deck, settings, hands, events)
    for seat in range(seats):
        if not hands[seat]:
            events.append(PlayerOut(len(events), seat))
    turn, event = _pass_or_end(hands, laid, first, None, "start", len(events))
    events.append(event)
    log = tuple(events)
    state = GameState(
        deck=deck,
        settings=settings,
        seed=seed,
        hands=tuple(hands),
        laid=tuple(laid),
        turn=turn,
        turn_number=0 if turn is None else 1,
        pause_due=pause,
        log=log,
    )
    return state, log


def apply(state: GameState, action: Ask) -> tuple[GameState, tuple[Event, ...]]:
    """Play one action. Returns the new state and the events it caused; raises
    IllegalAction (with the reason's code) when the rules refuse it."""
    refusal = why_illegal(state, action)
    if refusal is not None:
        raise refusal
    deck = state.deck
    theme = deck.themes[deck.theme_of[action.card]]
    seq = state.seq
    events: list[Event] = [Asked(seq, action.seat, action.target, action.card, theme.key)]
    if action.card in state.hands[action.target]:
        return _hit(state, action, events)
    return _miss(state, action, events)


def why_illegal(state: GameState, action: object) -> IllegalAction | None:
    """The refusal apply() would raise for this action, or None when it is legal."""
    if state.turn is None:
        return IllegalAction("game_over")
    if (
        not isinstance(action, Ask)
        or not _is_int(action.seat)
        or not _is_int(action.target)
        or not isinstance(action.card, str)
    ):
        return IllegalAction("bad_action")
    seat, target, card = action.seat, action.target, action.card
    hands = state.hands
    if not 0 <= seat < len(hands):
        return IllegalAction("unknown_player", player=seat)
    if seat != state.turn:
        return IllegalAction("not_your_turn")
    if not 0 <= target < len(hands):
        return IllegalAction("unknown_player", player=target)
    if target == seat:
        return IllegalAction("cannot_ask_yourself")
    if not hands[target]:
        return IllegalAction("target_has_no_cards")
    deck = state.deck
    index = deck.theme_of.get(card)
    if index is None:
        return IllegalAction("unknown_card", card=card)
    theme = deck.themes[index]
    if any(theme.key in keys for keys in state.laid):
        return IllegalAction("theme_already_laid", theme=theme.name)
    hand = hands[seat]
    if card in hand:
        return IllegalAction("card_already_held")
    if not any(deck.theme_of[c] == index for c in hand):
        return IllegalAction("theme_not_held", theme=theme.name)
    return None


def legal_actions(state: GameState, seat: int) -> list[Ask]:
    """Every ask `seat` may make now, by target then deck order; empty when it is not
    that seat's turn or the game is over."""
    if state.turn is None or seat != state.turn:
        return []
    return asks_for(state.deck, seat, state.hands[seat], tuple(map(len, state.hands)))


def asks_for(
    deck: Deck, seat: int, hand: tuple[str, ...], hand_sizes: tuple[int, ...]
) -> list[Ask]:
    """The legal asks of `seat` holding `hand`, on its turn. Needs only what the seat
    may know, so views and bots share it with legal_actions()."""
    targets, cards = ask_options(deck, seat, hand, hand_sizes)
    return [Ask(seat, target, card) for target in targets for card in cards]


def ask_options(
    deck: Deck, seat: int, hand: tuple[str, ...], hand_sizes: tuple[int, ...]
) -> tuple[list[int], list[str]]:
    """The targets `seat` may ask and, in deck order, the cards it may ask for (any of
    them of any target): the asks_for() list before it is paired up."""
    theme_of = deck.theme_of
    held = set(hand)
    themes = sorted({theme_of[c] for c in hand})
    cards = [c for t in themes for c in deck.themes[t].cards if c not in held]
    targets = [p for p, size in enumerate(hand_sizes) if size and p != seat]
    return targets, cards


def is_over(state: GameState) -> bool:
    return state.turn is None


def scores(state: GameState) -> tuple[int, ...]:
    """Quartets per seat."""
    return tuple(map(len, state.laid))


def winners(state: GameState) -> tuple[int, ...]:
    """The seats with the most quartets once the game is over (ties share first place);
    empty while it runs."""
    if state.turn is not None:
        return ()
    return winners_of(state.laid)


def winners_of(laid: tuple[tuple[str, ...], ...] | list[tuple[str, ...]]) -> tuple[int, ...]:
    best = max(map(len, laid))
    return tuple(seat for seat, keys in enumerate(laid) if len(keys) == best)


def _check_setup(deck: Deck, seats: int, seed: int, settings: Settings) -> None:
    """Raise InvalidSetup for an unplayable deck, seat count, seed or first player."""
    deck.validate()
    if not _is_int(seats) or not MIN_SEATS <= seats <= MAX_SEATS:
        raise InvalidSetup("bad_seat_count", seats=seats)
    if not _is_int(seed):
        raise InvalidSetup("bad_seed", seed=seed)
    if settings.first_player is not None and settings.first_player >= seats:
        raise InvalidSetup("bad_setting", setting="first_player", value=settings.first_player)


def _deal(
    deck: Deck, seats: int, seed: int, settings: Settings
) -> tuple[list[tuple[str, ...]], int]:
    """Shuffle with the seed and deal round-robin, each hand in deck order. Returns the
    hands and the first player: the one drawn, or the one the table picks."""
    rng = random.Random(seed)
    shuffled = list(deck.cards)
    rng.shuffle(shuffled)
    # Drawn even when the table picks the first player, so the deal of a seed never
    # depends on the settings.
    drawn = rng.randrange(seats)
    first = drawn if settings.first_player is None else settings.first_player
    order = deck.order
    hands = [tuple(sorted(shuffled[s::seats], key=order.__getitem__)) for s in range(seats)]
    return hands, first


def _lay_dealt_quartets(
    deck: Deck, settings: Settings, hands: list[tuple[str, ...]], events: list[Event]
) -> tuple[list[tuple[str, ...]], int]:
    """Lay every quartet dealt complete, seat by seat: take its cards out of `hands` and
    add its events to `events`. Returns the theme keys laid per seat and the pause due."""
    laid: list[tuple[str, ...]] = [()] * len(hands)
    pause = 0
    for seat, hand in enumerate(hands):
        for index in _complete_themes(deck, hand):
            hands[seat] = _without_theme(deck, hands[seat], index)
            laid[seat] += (deck.themes[index].key,)
            pause = _lay(events, 0, seat, deck, index, settings.pause_on_quartet, dealt=True)
    return laid, pause


def _hit(state: GameState, action: Ask, events: list[Event]) -> tuple[GameState, tuple[Event, ...]]:
    """The card goes to the asker, who lays the theme if that completes it, and asks
    again unless that left them without cards."""
    deck = state.deck
    theme_of = deck.theme_of
    seat, target, card = action.seat, action.target, action.card
    index = theme_of[card]
    seq = state.seq
    events.append(Hit(seq + 1, seat, target, card))
    hands, laid = state.hands, state.laid
    asker = tuple(sorted((*hands[seat], card), key=deck.order.__getitem__))
    asked = tuple(c for c in hands[target] if c != card)
    if not asked:
        events.append(PlayerOut(seq + len(events), target))
    pause = 0
    if sum(1 for c in asker if theme_of[c] == index) == CARDS_PER_THEME:
        asker = _without_theme(deck, asker, index)
        laid = _replace(laid, seat, (*laid[seat], deck.themes[index].key))
        pause = _lay(events, seq, seat, deck, index, state.settings.pause_on_quartet, dealt=False)
    hands = _replace(_replace(hands, target, asked), seat, asker)
    turn: int | None = seat  # a hit: ask again
    turn_number = state.turn_number
    if not asker:
        events.append(PlayerOut(seq + len(events), seat))
        turn, event = _pass_or_end(hands, laid, seat + 1, seat, "out", seq + len(events))
        events.append(event)
        if turn is not None:
            turn_number += 1
    return _next_state(state, events, hands, laid, turn, turn_number, pause)


def _miss(
    state: GameState, action: Ask, events: list[Event]
) -> tuple[GameState, tuple[Event, ...]]:
    """The asked player lacks the card: the turn passes to them, or with
    miss_passes_to "next" to the next seat clockwise that holds cards."""
    seat, target = action.seat, action.target
    seq = state.seq
    events.append(Miss(seq + 1, seat, target, action.card))
    # The asked player holds cards (or they could not have been asked).
    next_seat = state.settings.miss_passes_to == "next"
    turn = _holder_from(state.hands, seat + 1) if next_seat else target
    events.append(TurnPassed(seq + len(events), turn, seat, "miss"))
    return _next_state(state, events, state.hands, state.laid, turn, state.turn_number + 1, 0)


def _next_state(
    state: GameState,
    events: list[Event],
    hands: tuple[tuple[str, ...], ...],
    laid: tuple[tuple[str, ...], ...],
    turn: int | None,
    turn_number: int,
    pause: int,
) -> tuple[GameState, tuple[Event, ...]]:
    """The state after one more action that caused `events`, and those events."""
    new_events = tuple(events)
    new_state = GameState(
        deck=state.deck,
        settings=state.settings,
        seed=state.seed,
        hands=hands,
        laid=laid,
        turn=turn,
        moves=state.moves + 1,
        turn_number=turn_number,
        pause_due=pause,
        log=state.log + new_events,
        log_start=state.log_start,
    )
    return new_state, new_events


def _game_over(seq: int, laid: tuple[tuple[str, ...], ...] | list[tuple[str, ...]]) -> GameOver:
    return GameOver(seq, winners=winners_of(laid), scores=tuple(map(len, laid)))


def _quartet(seq: int, seat: int, deck: Deck, index: int, *, dealt: bool) -> QuartetLaid:
    theme = deck.themes[index]
    return QuartetLaid(seq, seat, theme.key, theme.name, theme.cards, dealt)


def _lay(
    events: list[Event], seq: int, seat: int, deck: Deck, index: int, pause: int, *, dealt: bool
) -> int:
    """Add the events of `seat` laying theme `index`: the QuartetLaid, then a PauseDue
    when the table pauses `pause` seconds on a quartet. Returns the pause due (0: none)."""
    events.append(_quartet(seq + len(events), seat, deck, index, dealt=dealt))
    if pause:
        events.append(PauseDue(seq + len(events), seat, deck.themes[index].key, pause))
    return pause


def _pass_or_end(
    hands: tuple[tuple[str, ...], ...] | list[tuple[str, ...]],
    laid: tuple[tuple[str, ...], ...] | list[tuple[str, ...]],
    start: int,
    from_seat: int | None,
    reason: Literal["start", "out"],
    seq: int,
) -> tuple[int | None, Event]:
    """The seat whose turn it is now, the first from `start` that holds cards, and its
    TurnPassed; or None and GameOver when nobody holds cards."""
    if any(hands):
        turn = _holder_from(hands, start)
        return turn, TurnPassed(seq, turn, from_seat, reason)
    return None, _game_over(seq, laid)


def _complete_themes(deck: Deck, hand: tuple[str, ...]) -> list[int]:
    counts: dict[int, int] = {}
    for card in hand:
        index = deck.theme_of[card]
        counts[index] = counts.get(index, 0) + 1
    return [index for index, count in counts.items() if count == CARDS_PER_THEME]


def _without_theme(deck: Deck, hand: tuple[str, ...], index: int) -> tuple[str, ...]:
    """`hand` without its cards of theme `index`."""
    return tuple(c for c in hand if deck.theme_of[c] != index)


def _holder_from(hands: tuple[tuple[str, ...], ...] | list[tuple[str, ...]], start: int) -> int:
    """The first seat clockwise from `start` (itself included) that holds cards."""
    seats = len(hands)
    for step in range(seats):
        seat = (start + step) % seats
        if hands[seat]:
            return seat
    raise AssertionError("nobody holds cards")  # callers check first


def _replace(items: tuple, index: int, value: object) -> tuple:
    return (*items[:index], value, *items[index + 1 :])


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
