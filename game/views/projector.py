"""The projector: the join code and names before play, every table during play, the
ranking after, and the room's top ideas and open poll throughout."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from game.models import Table, TableEvent, Workshop
from game.results import top_ideas
from game.selectors import TableView, room_ranking, theme_names
from game.views.common import host_only, join_url, texts, workshop_for
from game.views.host import dashboard

PROJECTOR_TEXTS = {
    "quartet": _("Table %(table)s lays the quartet %(theme)s"),
}


def _themes(workshop: Workshop) -> dict:
    """The deck for the spotlight of a laid quartet."""
    return {
        theme.slug: {
            "name": theme.name,
            "colour": theme.colour,
            "cards": [
                {"number": c.number, "title": c.title, "cta": c.call_to_action}
                for c in theme.cards.all()
            ],
        }
        for theme in workshop.deck.themes.prefetch_related("cards")
    }


def _feed(workshop: Workshop, rows: list[TableView], limit: int = 8) -> list[dict]:
    """The last quartets laid in the room, newest first."""
    names = theme_names(workshop)
    people = {(row.table.number, m.player.seat): m.player.name for row in rows for m in row.members}
    laid = (
        TableEvent.objects.filter(table__workshop=workshop, data__type="quartet_laid")
        .select_related("table")
        .order_by("-created", "-seq")[:limit]
    )
    return [
        {
            "table": event.table.number,
            "theme": names.get(event.data["theme"], event.data["theme"]),
            "seat": event.data["seat"],
            "name": people.get((event.table.number, event.data["seat"]), "?"),
        }
        for event in laid
    ]


def _phase(workshop: Workshop, started: list[TableView]) -> str:
    if not started:
        return "before"
    over = all(row.table.status == Table.Status.OVER for row in started)
    return "after" if over or not workshop.is_open else "during"


def projector_context(request: HttpRequest, workshop: Workshop) -> dict:
    panel = dashboard(workshop)
    started = [row for row in panel["rows"] if row.started]
    return {
        **panel,
        "workshop": workshop,
        "join_url": join_url(request, workshop),
        "phase": _phase(workshop, started),
        "started": started,
        "room": room_ranking(started),
        "feed": _feed(workshop, panel["rows"]),
        "top_ideas": top_ideas(workshop),
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
