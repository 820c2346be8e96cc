"""The projector: the join code and names before play, every table during play, the
room's ranking after (static/game/projector.js splits it into slides when it must),
the room's top ideas, and an open poll as the whole screen while it is open.

During play the tables fill a grid of the whole screen: ``grid_shape``
picks its columns and rows from the number of tables, and the size band (the most
tables of that shape) sets the type in static/game/projector.css.
"""

from __future__ import annotations

import math

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from cards.text import booklet_plain
from game.engine import MIN_SEATS
from game.models import Table, TableEvent, Workshop
from game.plans.phase import countdown_left
from game.plans.selectors import top_ideas
from game.table.selectors import TableView, room_ranking
from game.views.common import host_only, join_url, texts, workshop_for
from game.views.host import dashboard

# (most tables, columns, rows): the cards fill a 16:9 screen beside the side panel.
GRID = ((1, 1, 1), (2, 2, 1), (4, 2, 2), (6, 3, 2), (9, 3, 3), (12, 4, 3), (16, 4, 4), (20, 5, 4))
MANY_COLUMNS = 6  # beyond the last shape: rows of six, the type at its smallest
UNKNOWN_COLOUR = "#545462"

PROJECTOR_TEXTS = {
    "quartet": _("Table %(table)s lays the quartet %(theme)s"),
    "earlier": _("+%(count)s earlier"),  # the names that no longer fit, before play
    "slide": _("Slide %(slide)s of %(slides)s"),  # the ranking on slides, after play
}


def _themes(workshop: Workshop) -> dict:
    """The deck for the spotlight of a laid quartet."""
    return {
        theme.slug: {
            "name": theme.name,
            "colour": theme.colour,
            "cards": [
                {"number": c.number, "title": c.title, "cta": booklet_plain(c.call_to_action)}
                for c in theme.cards.all()
            ],
        }
        for theme in workshop.deck.themes.prefetch_related("cards")
    }


def grid_shape(tables: int) -> dict[str, int | str]:
    """Columns, rows and size band of the grid of ``tables`` tables."""
    for most, columns, rows in GRID:
        if tables <= most:
            return {"columns": columns, "rows": rows, "band": str(most)}
    return {"columns": MANY_COLUMNS, "rows": math.ceil(tables / MANY_COLUMNS), "band": "many"}


def _colours(workshop: Workshop) -> dict[str, dict[str, str]]:
    """Each theme's name and colour by its slug, for the quartet chips."""
    return {
        theme.slug: {"name": theme.name, "colour": theme.colour}
        for theme in workshop.deck.themes.all()
    }


def _chip(colours: dict, slug: str) -> dict[str, str]:
    """A laid quartet as a chip: its theme's name and colour (a theme no longer in the
    deck: its slug, in grey)."""
    return colours.get(slug, {"name": slug, "colour": UNKNOWN_COLOUR})


def _seats(row: TableView, colours: dict) -> list[dict]:
    """A table's members with their laid quartets as chips: the theme's name and colour."""
    return [
        {"member": member, "chips": [_chip(colours, slug) for slug in member.laid]}
        for member in row.members
    ]


def _cards(started: list[TableView], colours: dict) -> list[dict]:
    """Every started table as the grid shows it."""
    return [{"row": row, "seats": _seats(row, colours)} for row in started]


def _feed(workshop: Workshop, rows: list[TableView], colours: dict, limit: int = 8) -> list[dict]:
    """The last quartets laid in the room, newest first."""
    people = {(row.table.number, m.player.seat): m.player.name for row in rows for m in row.members}
    laid = (
        TableEvent.objects.filter(table__workshop=workshop, data__type="quartet_laid")
        .select_related("table")
        .order_by("-created", "-seq")[:limit]
    )
    feed = []
    for event in laid:
        chip = _chip(colours, event.data["theme"])
        feed.append(
            {
                "table": event.table.number,
                "theme": chip["name"],
                "colour": chip["colour"],
                "seat": event.data["seat"],
                "name": people.get((event.table.number, event.data["seat"]), "?"),
            }
        )
    return feed


def _phase(workshop: Workshop, rows: list[TableView]) -> str:
    """ "before" any game, "after" the last (or the session's end), "during" between: a
    table of enough people that has yet to start keeps the room "during", though every
    game that started is over."""
    started = [row for row in rows if row.started]
    if not started:
        return "before"
    if not workshop.is_open:
        return "after"
    over = all(row.table.status == Table.Status.OVER for row in started)
    to_come = any(not row.started and len(row.members) >= MIN_SEATS for row in rows)
    return "after" if over and not to_come else "during"


def projector_context(request: HttpRequest, workshop: Workshop) -> dict:
    panel = dashboard(workshop)
    started = [row for row in panel["rows"] if row.started]
    phase = _phase(workshop, panel["rows"])
    colours = _colours(workshop)
    countdown = countdown_left(workshop)
    return {
        **panel,
        "workshop": workshop,
        "join_url": join_url(request, workshop),
        "phase": phase,
        "started": started,
        "cards": _cards(started, colours) if phase == "during" else [],  # after: the ranking
        "grid": grid_shape(len(started)),
        "stuck": any(row.waiting_on for row in started),  # a table waits for someone away
        "room": room_ranking(started),
        "feed": _feed(workshop, panel["rows"], colours),
        "top_ideas": top_ideas(workshop),
        # The plan phase: the count of plans takes the screen (panel["plans"]).
        "plan_phase": workshop.plan_phase is not None,
        "countdown": countdown,
        "countdown_text": None if countdown is None else f"{countdown // 60}:{countdown % 60:02d}",
    }


@host_only
def projector(request: HttpRequest, code: str) -> HttpResponse:
    """The big screen: join code and names, then every table, then the ranking."""
    workshop = workshop_for(request, code)
    context = {
        **projector_context(request, workshop),
        "themes": _themes(workshop),
        "strings": texts(PROJECTOR_TEXTS),
    }
    return render(request, "game/projector.html", context)


@host_only
def projector_panel(request: HttpRequest, code: str) -> HttpResponse:
    workshop = workshop_for(request, code)
    return render(request, "game/projector_panel.html", projector_context(request, workshop))
