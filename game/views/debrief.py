"""The debrief for the facilitator: "Wie vroeg wie" and "Welke thema's gingen rond" on
the projector (and on the results page), and the replay of one table's game.

The network is laid out as SVG geometry by ``game.debrief.network_layout`` for a template
(``templates/game/_network.svg``): each table a ring of its players, tables in a grid,
an arrow per ordered pair that asked each other. No JavaScript draws it.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _

from game.debrief.network_svg import network_drawing, network_slides, slides
from game.debrief.replay import deck_themes, replay_frames
from game.debrief.selectors import debrief, table_seats
from game.models import Table
from game.views.common import host_only, texts, workshop_for

MOMENTS_BESIDE = 12  # quartets listed beside the themes' bars; more get slides of their own
MOMENTS_PER_SLIDE = 40  # three columns: whole, and 18 px or more, on a 1280x720 beamer

REPLAY_TEXTS = {
    "move": _("Move %(n)s of %(total)s"),
    "cards": _("%(count)s cards"),
    "card": _("%(count)s card"),
    "winner": _("Winner"),
    "bot": _("bot"),
    "laid": _("%(name)s lays the quartet %(theme)s."),
}


def debrief_context(workshop) -> dict[str, Any]:
    data = debrief(workshop)
    return {**data, "drawing": network_drawing(data["network"])}


@host_only
def host_debrief(request: HttpRequest, code: str) -> HttpResponse:
    """The debrief on the projector: who asked whom, and which themes went round.
    ``?fragment``: just its slides, which the page re-reads when a table's game starts
    or ends (static/game/debrief.js)."""
    workshop = workshop_for(request, code)
    context = {"workshop": workshop, **debrief_context(workshop)}
    # A big room's network takes several slides, each readable from the back of the room.
    context["network_slides"] = network_slides(context["network"])
    # Many quartets get slides of their own, beside the themes they would not fit.
    moments = context["moments"]
    context["apart"] = len(moments) > MOMENTS_BESIDE
    context["moment_slides"] = [
        [moments[n] for n in part] for part in slides(list(range(len(moments))), MOMENTS_PER_SLIDE)
    ]
    template = "game/_debrief_body.html" if "fragment" in request.GET else "game/debrief.html"
    return render(request, template, context)


@host_only
def host_replay(request: HttpRequest, code: str, number: int) -> HttpResponse:
    """One table's game again, move by move, from its public events."""
    workshop = workshop_for(request, code)
    table = get_object_or_404(Table, workshop=workshop, number=number)
    frames = replay_frames(table)
    seats = table_seats(table, len(frames[0]["counts"])) if frames else []
    context = {
        "workshop": workshop,
        "table": table,
        "frames": frames,
        "players": [{"seat": s.seat, "name": s.name, "bot": s.bot} for s in seats],
        "themes": deck_themes(table),
        "strings": texts(REPLAY_TEXTS),
        "tables": workshop.tables.exclude(status=Table.Status.WAITING).order_by("number"),
    }
    return render(request, "game/replay.html", context)
