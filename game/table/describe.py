"""Public events in words: the dashboard words them here, the player's page in JS
from the same texts (``EVENT_TEXTS`` goes to the page as JSON)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

EVENT_TEXTS = {
    "game_started": _("The cards are dealt."),
    "asked": _("%(seat)s: “May I have from %(target)s, %(card)s?”"),
    "hit": _("Yes! %(target)s gives %(card)s to %(seat)s."),
    "miss": _("No, sorry: %(target)s does not have %(card)s."),
    "quartet_laid": _("%(seat)s lays the quartet %(theme)s."),
    "pause_due": _("Pause to talk about %(theme)s."),
    "player_out": _("%(seat)s has no cards left."),
    "turn_passed": _("It is %(seat)s's turn."),
    "game_over": _("The game is over."),
    "paused": _("The game is paused."),
    "resumed": _("The game goes on."),
    "seat_taken_over": _("A bot takes over from %(seat)s."),
    "player_away": _("%(seat)s is away: no connection."),
    "seat_stood_in": _("%(seat)s is away: a bot plays for them until they are back."),
    "seat_returned": _("%(seat)s is back."),
    "turn_nudge": _("%(seat)s is thinking…"),
    "session_ended": _("The session has ended."),
}


def describe(
    event: dict[str, Any], names: dict[int, str], cards: dict[str, str], themes: dict[str, str]
) -> str:
    def name(seat: int | None) -> str:
        return names.get(seat, "?") if seat is not None else "?"

    params = {
        "seat": name(event.get("seat")),
        "target": name(event.get("target")),
        "card": cards.get(event.get("card", ""), event.get("card", "")),
        "theme": themes.get(event.get("theme", ""), event.get("theme", "")),
    }
    text = EVENT_TEXTS.get(event["type"])
    return str(text) % params if text is not None else event["type"]
