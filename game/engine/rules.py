"""The rules (RULES.md) as pure functions: new_game, apply, legal_actions, and the score."""

from __future__ import annotations

import random

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
    deck.validate()
    if not _is_int(seats) or not MIN_SEATS <= seats <= MAX_SEATS:
        raise InvalidSetup("bad_seat_count", seats=seats)
    if not _is_int(seed):
        raise InvalidSetup("bad_seed", seed=seed)
    if settings.first_player is not None and settings.first_player >= seats:
        raise InvalidSetup("bad_setting", setting="first_player", value=settings.first_player)

    rng = random.Random(seed)
    shuffled = list(deck.cards)
    rng.shuffle(shuffled)
    # Drawn even when the table picks the first player, so the deal of a seed never
    # depends on the settings.
    drawn = rng.randrange(seats)
    first = drawn if settings.first_player is None else settings.first_player

    order = deck.order
    hands = [tuple(sorted(shuffled[s::seats], key=order.__getitem__)) for s in range(seats)]
    laid: list[tuple[str, ...]] = [()] * seats
    events: list[Event] = [
        GameStarted(0, seats=seats, hand_sizes=tuple(map(len, hands)), first_player=first)
    ]
    pause = 0
    for seat in range(seats):
        for index in _complete_themes(deck, hands[seat]):
            theme = deck.themes[index]
            hands[seat] = tuple(c for c in hands[seat] if deck.theme_of[c] != index)
            laid[seat] += (theme.key,)
            events.append(_quartet(len(events), seat, deck, index, dealt=True))
            if settings.pause_on_quartet:
                pause = settings.pause_on_quartet
                events.append(PauseDue(len(events), seat, theme.key, pause))
    for seat in range(seats):
        if not hands[seat]:
            events.append(PlayerOut(len(events), seat))

    turn: int | None = None
    turn_number = 0
    if any(hands):
        turn = _holder_from(hands, first)
        turn_number = 1
        events.append(TurnPassed(len(events), seat=turn, from_seat=None, reason="start"))
    else:
        events.append(_game_over(len(events), laid))
    log = tuple(events)
    state = GameState(
        deck=deck,
        settings=settings,
        seed=seed,
        hands=tuple(hands),
        laid=tuple(laid),
        turn=turn,
        turn_number=turn_number,
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
    theme_of = deck.theme_of
    seat, target, card = action.seat, action.target, action.card
    index = theme_of[card]
    theme = deck.themes[index]
    seq = len(state.log)
    events: list[Event] = [Asked(seq, seat, target, card, theme.key)]
    hands = state.hands
    laid = state.laid
    pause = 0
    turn: int | None
    turn_number = state.turn_number

    if card in hands[target]:
        events.append(Hit(seq + 1, seat, target, card))
        order = deck.order
        asker = tuple(sorted((*hands[seat], card), key=order.__getitem__))
        asked = tuple(c for c in hands[target] if c != card)
        if not asked:
            events.append(PlayerOut(seq + len(events), target))
        if sum(1 for c in asker if theme_of[c] == index) == CARDS_PER_THEME:
            asker = tuple(c for c in asker if theme_of[c] != index)
            laid = _replace(laid, seat, (*laid[seat], theme.key))
            events.append(_quartet(seq + len(events), seat, deck, index, dealt=False))
            if state.settings.pause_on_quartet:
                pause = state.settings.pause_on_quartet
                events.append(PauseDue(seq + len(events), seat, theme.key, pause))
        hands = _replace(_replace(hands, target, asked), seat, asker)
        if asker:
            turn = seat  # a hit: ask again
        else:
            events.append(PlayerOut(seq + len(events), seat))
            if any(hands):
                turn = _holder_from(hands, seat + 1)
                turn_number += 1
                events.append(TurnPassed(seq + len(events), turn, seat, "out"))
            else:
                turn = None
                events.append(_game_over(seq + len(events), laid))
    else:
        events.append(Miss(seq + 1, seat, target, card))
        # The asked player holds cards (or they could not have been asked).
        next_seat = state.settings.miss_passes_to == "next"
        turn = _holder_from(hands, seat + 1) if next_seat else target
        turn_number += 1
        events.append(TurnPassed(seq + len(events), turn, seat, "miss"))

    new_events = tuple(events)
    new_state = GameState(
        deck=deck,
        settings=state.settings,
        seed=state.seed,
        hands=hands,
        laid=laid,
        turn=turn,
        moves=state.moves + 1,
        turn_number=turn_number,
        pause_due=pause,
        log=state.log + new_events,
    )
    return new_state, new_events


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
    theme_of = deck.theme_of
    held = set(hand)
    themes = sorted({theme_of[c] for c in hand})
    cards = [c for t in themes for c in deck.themes[t].cards if c not in held]
    return [
        Ask(seat, target, card)
        for target, size in enumerate(hand_sizes)
        if size and target != seat
        for card in cards
    ]


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


def _game_over(seq: int, laid: tuple[tuple[str, ...], ...] | list[tuple[str, ...]]) -> GameOver:
    return GameOver(seq, winners=winners_of(laid), scores=tuple(map(len, laid)))


def _quartet(seq: int, seat: int, deck: Deck, index: int, *, dealt: bool) -> QuartetLaid:
    theme = deck.themes[index]
    return QuartetLaid(seq, seat, theme.key, theme.name, theme.cards, dealt)


def _complete_themes(deck: Deck, hand: tuple[str, ...]) -> list[int]:
    counts: dict[int, int] = {}
    for card in hand:
        index = deck.theme_of[card]
        counts[index] = counts.get(index, 0) + 1
    return [index for index, count in counts.items() if count == CARDS_PER_THEME]


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
