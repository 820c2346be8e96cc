"""A table's game again, move by move, for the debrief.

The frames are built from the table's public events only, never from its state: the
card counts start from the deal's ``hand_sizes`` and follow the hits (+1 for the
asker, -1 for the asked) and the quartets laid (-4), so a frame shows exactly what
everybody at the table could see at that moment and no hand.

Frame 0 is the deal (with any quartet dealt complete); every later frame is one ask
and what followed from it up to the next ask: the answer, a quartet laid, a player
out of cards, the turn passing, the end of the game.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.utils.translation import gettext

from game.debrief.selectors import Seat, table_seats
from game.models import Table
from game.table.describe import EVENT_TEXTS

Frame = dict[str, Any]


def _first_frame(data: dict[str, Any]) -> Frame:
    seats = data["seats"]
    return {
        "seq": 0,
        "t": 0,
        "counts": list(data["hand_sizes"]),
        "laid": [[] for _ in range(seats)],
        "turn": None,
        "over": False,
        "winners": [],
        "ask": None,
        "quartets": [],
        "out": [],
        "bots": [],
    }


def _next_frame(frame: Frame, data: dict[str, Any]) -> Frame:
    """The frame of the ask ``data``: the counts and quartets so far, nothing new yet."""
    return {
        **frame,
        "counts": list(frame["counts"]),
        "laid": [list(themes) for themes in frame["laid"]],
        "bots": list(frame["bots"]),
        "ask": {key: data[key] for key in ("seat", "target", "card", "theme")},
        "quartets": [],
        "out": [],
    }


def _follow(frame: Frame, data: dict[str, Any]) -> None:
    """Add one event (other than ``asked``) to ``frame``."""
    kind = data["type"]
    if kind in ("hit", "miss"):
        frame["ask"]["hit"] = kind == "hit"
    if kind == "hit":
        frame["counts"][data["seat"]] += 1
        frame["counts"][data["target"]] -= 1
    elif kind == "quartet_laid":
        frame["counts"][data["seat"]] -= len(data["cards"])
        frame["laid"][data["seat"]].append(data["theme"])
        frame["quartets"].append({key: data[key] for key in ("seat", "theme", "cards", "dealt")})
    elif kind == "player_out":
        frame["out"].append(data["seat"])
    elif kind == "turn_passed":
        frame["turn"] = data["seat"]
    elif kind == "game_over":
        frame.update(turn=None, over=True, winners=list(data["winners"]))
    elif kind in ("seat_taken_over", "seat_stood_in") and data["seat"] not in frame["bots"]:
        frame["bots"].append(data["seat"])  # a bot plays the hand: for good, or meanwhile
    elif kind == "seat_returned" and data["seat"] in frame["bots"]:
        frame["bots"].remove(data["seat"])
    # paused, resumed, pause_due, session_ended and types to come change nothing shown


def build_frames(rows: Iterable[tuple[int, dict[str, Any], datetime]]) -> list[Frame]:
    """The frames of a game from its events as (seq, event, when), in seq order. Pure:
    no database, no names; an empty list before the game starts."""
    frames: list[Frame] = []
    start = None
    for seq, data, when in rows:
        if data.get("type") == "game_started":
            frames, start = [_first_frame(data)], when
        elif not frames:
            continue  # nothing to show before the deal
        elif data.get("type") == "asked":
            frames.append(_next_frame(frames[-1], data))
        else:
            _follow(frames[-1], data)
        frames[-1].update(seq=seq, t=int((when - start).total_seconds()))
    for number, frame in enumerate(frames):
        frame["n"] = number
    return frames


# --- in words ----------------------------------------------------------------------------


def _card(key: str, themes: dict[str, dict[str, Any]]) -> str:
    """A card as people say it: its theme's name and number ("Geld 3")."""
    slug, _, number = key.rpartition("-")
    theme = themes.get(slug)
    return f"{theme['name']} {number}" if theme else key


def _words(frame: Frame, names: list[str], themes: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """What the frame says: the ask, its answer, and notes (players out, the end)."""
    ask = frame["ask"]
    say = str(EVENT_TEXTS["game_started"])
    answer = ""
    if ask is not None:
        say = gettext("%(seat)s asks %(target)s for %(card)s") % {
            "seat": names[ask["seat"]],
            "target": names[ask["target"]],
            "card": _card(ask["card"], themes),
        }
        answer = gettext("Yes!") if ask.get("hit") else gettext("No, sorry.")
    # A quartet laid is the page's spotlight, with its own words.
    notes = [str(EVENT_TEXTS["player_out"]) % {"seat": names[seat]} for seat in frame["out"]]
    if frame["over"]:
        winners = ", ".join(names[seat] for seat in frame["winners"])
        many = len(frame["winners"]) > 1
        text = gettext("Winners: %(names)s") if many else gettext("Winner: %(names)s")
        notes.append(text % {"names": winners})
    return {"say": say, "answer": answer, "notes": notes}


def deck_themes(table: Table) -> dict[str, dict[str, Any]]:
    """The deck's themes for the spotlight of a laid quartet: name, colour, card titles
    (the deck is public; no card key, so the page names no card a frame does not)."""
    deck = table.workshop.deck
    return {
        theme.slug: {
            "name": theme.name,
            "colour": theme.colour,
            "cards": [{"number": c.number, "title": c.title} for c in theme.cards.all()],
        }
        for theme in deck.themes.prefetch_related("cards")
    }


def replay_frames(table: Table, seats: list[Seat] | None = None) -> list[Frame]:
    """The table's frames with their words (names by seat, see ``debrief.seat_label``)."""
    rows = table.events.order_by("seq").values_list("seq", "data", "created")
    frames = build_frames(rows.iterator())
    if not frames:
        return []
    seats = seats or table_seats(table, len(frames[0]["counts"]))
    names = [seat.name for seat in seats]
    themes = deck_themes(table)
    for frame in frames:
        frame.update(_words(frame, names, themes))
    return frames
