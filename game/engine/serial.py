"""JSON for states, events, actions and views: plain dicts of lists, ints and strings.

x_from_json(x_to_json(obj)) == obj, also after json.dumps/json.loads. Tuples become
lists on the way out and tuples again on the way in.

A table keeps its state in the stored form (stored_state_to_json): without the log,
whose events it stores one per row, so the row does not grow with the game.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import fields
from typing import Any

from game.engine.deck import Deck, Theme
from game.engine.errors import IllegalAction
from game.engine.state import EVENT_TYPES, Ask, Event, GameState, Settings
from game.engine.views import PublicView, SeatView

STATE_VERSION = 1

_EVENT_FIELDS = {kind: tuple(f.name for f in fields(cls)) for kind, cls in EVENT_TYPES.items()}


def deck_to_json(deck: Deck) -> dict[str, Any]:
    return {
        "themes": [
            {"key": theme.key, "name": theme.name, "cards": list(theme.cards)}
            for theme in deck.themes
        ]
    }


def deck_from_json(data: dict[str, Any]) -> Deck:
    return Deck(
        themes=tuple(
            Theme(key=theme["key"], name=theme["name"], cards=tuple(theme["cards"]))
            for theme in data["themes"]
        )
    )


def settings_to_json(settings: Settings) -> dict[str, Any]:
    return {
        "miss_passes_to": settings.miss_passes_to,
        "pause_on_quartet": settings.pause_on_quartet,
        "first_player": settings.first_player,
    }


def settings_from_json(data: dict[str, Any]) -> Settings:
    return Settings(
        miss_passes_to=data["miss_passes_to"],
        pause_on_quartet=data["pause_on_quartet"],
        first_player=data["first_player"],
    )


def event_to_json(event: Event) -> dict[str, Any]:
    data: dict[str, Any] = {"type": event.type}
    for name in _EVENT_FIELDS[event.type]:
        value = getattr(event, name)
        data[name] = list(value) if isinstance(value, tuple) else value
    return data


def event_from_json(data: dict[str, Any]) -> Event:
    kind = data["type"]
    cls = EVENT_TYPES[kind]
    kwargs = {}
    for name in _EVENT_FIELDS[kind]:
        value = data[name]
        kwargs[name] = tuple(value) if isinstance(value, list) else value
    return cls(**kwargs)


def action_to_json(action: Ask) -> dict[str, Any]:
    return {"type": action.type, "seat": action.seat, "target": action.target, "card": action.card}


def action_from_json(data: object) -> Ask:
    """Parse an action from a client. Anything malformed is refused like an illegal
    action, with code "bad_action"."""
    if (
        not isinstance(data, dict)
        or data.get("type") != Ask.type
        or not _is_int(data.get("seat"))
        or not _is_int(data.get("target"))
        or not isinstance(data.get("card"), str)
    ):
        raise IllegalAction("bad_action")
    return Ask(seat=data["seat"], target=data["target"], card=data["card"])


def state_to_json(state: GameState) -> dict[str, Any]:
    return {
        **_state_fields(state),
        "log_start": state.log_start,
        "log": [event_to_json(event) for event in state.log],
    }


def stored_state_to_json(state: GameState) -> dict[str, Any]:
    """The state as a table row keeps it: everything but the log, whose events the table
    stores one by one. Its size does not grow with the game. "log_start" is the number
    of events so far, so that a state loaded from it numbers the next event right."""
    return {**_state_fields(state), "log_start": state.seq}


def state_from_json(data: dict[str, Any]) -> GameState:
    """The state of state_to_json, or of stored_state_to_json: without "log", the
    state has no history (an empty log from "log_start" on)."""
    if data.get("version") != STATE_VERSION:
        raise ValueError(f"unknown game state version {data.get('version')!r}")
    return GameState(
        deck=deck_from_json(data["deck"]),
        settings=settings_from_json(data["settings"]),
        seed=data["seed"],
        hands=tuple(tuple(hand) for hand in data["hands"]),
        laid=tuple(tuple(keys) for keys in data["laid"]),
        turn=data["turn"],
        moves=data["moves"],
        turn_number=data["turn_number"],
        pause_due=data["pause_due"],
        log=tuple(event_from_json(event) for event in data.get("log", ())),
        log_start=_log_start(data),
    )


def stored_state_from_json(data: dict[str, Any], log: Iterable[Event] | None = None) -> GameState:
    """A table's state from its row: stored_state_to_json's form, or state_to_json's
    (rows written before the log moved out). With `log`, the whole public log from seq
    0, the state gets its history back (ValueError if it is not this state's)."""
    state = state_from_json(data)
    return state if log is None else state.with_log(tuple(log))


def _log_start(data: dict[str, Any]) -> int:
    """Where the state's log starts. States written before "log_start" existed always
    held the whole log; a state without its log must say how many events it had."""
    if "log" in data:
        return data.get("log_start", 0)
    return data["log_start"]


def _state_fields(state: GameState) -> dict[str, Any]:
    """Everything of a state but its log."""
    return {
        "version": STATE_VERSION,
        "deck": deck_to_json(state.deck),
        "settings": settings_to_json(state.settings),
        "seed": state.seed,
        "hands": [list(hand) for hand in state.hands],
        "laid": [list(keys) for keys in state.laid],
        "turn": state.turn,
        "moves": state.moves,
        "turn_number": state.turn_number,
        "pause_due": state.pause_due,
    }


def view_to_json(view: SeatView | PublicView) -> dict[str, Any]:
    """A seat's or the projector's view; "kind" says which ("seat" or "public")."""
    data: dict[str, Any] = {"kind": "public"}
    if isinstance(view, SeatView):
        data = {"kind": "seat", "seat": view.seat, "hand": list(view.hand)}
    data.update(
        deck=deck_to_json(view.deck),
        settings=settings_to_json(view.settings),
        hand_sizes=list(view.hand_sizes),
        laid=[list(keys) for keys in view.laid],
        turn=view.turn,
        over=view.over,
        winners=list(view.winners),
        scores=list(view.scores),
        moves=view.moves,
        turn_number=view.turn_number,
        pause_due=view.pause_due,
        log_start=view.log_start,
        log=[event_to_json(event) for event in view.log],
    )
    return data


def view_from_json(data: dict[str, Any]) -> SeatView | PublicView:
    common = {
        "deck": deck_from_json(data["deck"]),
        "settings": settings_from_json(data["settings"]),
        "hand_sizes": tuple(data["hand_sizes"]),
        "laid": tuple(tuple(keys) for keys in data["laid"]),
        "turn": data["turn"],
        "over": data["over"],
        "winners": tuple(data["winners"]),
        "scores": tuple(data["scores"]),
        "moves": data["moves"],
        "turn_number": data["turn_number"],
        "pause_due": data["pause_due"],
        "log": tuple(event_from_json(event) for event in data["log"]),
        "log_start": data["log_start"],
    }
    if data["kind"] == "seat":
        return SeatView(seat=data["seat"], hand=tuple(data["hand"]), **common)
    if data["kind"] == "public":
        return PublicView(**common)
    raise ValueError(f"unknown view kind {data['kind']!r}")


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
