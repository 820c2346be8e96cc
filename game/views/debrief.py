"""The debrief for the facilitator: "Wie vroeg wie" and "Welke thema's gingen rond" on
the projector (and on the results page), and the replay of one table's game.

The network is drawn here as SVG geometry for a template (``templates/game/
_network.svg``): each table a ring of its players, tables in a grid, an arrow per
ordered pair that asked each other. No JavaScript draws it.
"""

from __future__ import annotations

import math
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _

from game.after import debrief, replay
from game.after.debrief import Edge, Network, Seat
from game.models import Table
from game.views.common import host_only, texts, workshop_for

# The drawing's units are CSS pixels on a 1920x1080 screen with up to 8 tables (4 x 2):
# a table's cell is 450 x 440, names are 30 units high; fewer tables scale up.
CELL_W, CELL_H = 450, 440
RING_X, RING_Y = 135, 130
NODE_R = 16
FONT = 30
NAME_CHARS = 12
AREA_W, AREA_H = 1800, 900  # the room the projector gives the drawing
THINNEST, THICKEST = 3.0, 16.0
MOMENTS_BESIDE = 12  # quartets listed beside the themes' bars; more get a slide

REPLAY_TEXTS = {
    "move": _("Move %(n)s of %(total)s"),
    "cards": _("%(count)s cards"),
    "card": _("%(count)s card"),
    "winner": _("Winner"),
    "bot": _("bot"),
    "laid": _("%(name)s lays the quartet %(theme)s."),
}


def _columns(tables: int) -> int:
    """The grid's columns that draw ``tables`` tables biggest in the projector's area."""
    if tables <= 1:
        return 1

    def scale(columns: int) -> float:
        rows = math.ceil(tables / columns)
        return min(AREA_W / (columns * CELL_W), AREA_H / (rows * CELL_H))

    return max(range(1, tables + 1), key=lambda columns: (scale(columns), -columns))


def _short(name: str) -> str:
    return name if len(name) <= NAME_CHARS + 1 else name[:NAME_CHARS].rstrip() + "…"


def _node(seat: Seat, count: int, cx: float, cy: float) -> dict[str, Any]:
    """A seat on its table's ring, seat 0 at the top, clockwise; its name above it in
    the upper half of the ring, below it in the lower half."""
    angle = -math.pi / 2 + 2 * math.pi * seat.seat / count
    x, y = cx + RING_X * math.cos(angle), cy + RING_Y * math.sin(angle)
    above = math.sin(angle) < -0.01
    label_y = y - NODE_R - 12 if above else y + NODE_R + FONT + 2
    return {
        "seat": seat,
        "x": round(x, 1),
        "y": round(y, 1),
        "label_y": round(label_y, 1),
        "name": _short(seat.name),
    }


def _width(count: int, most: int) -> float:
    return round(THINNEST + (THICKEST - THINNEST) * count / max(most, 1), 1)


def _unit(dx: float, dy: float) -> tuple[float, float]:
    norm = math.hypot(dx, dy) or 1.0
    return dx / norm, dy / norm


def _points(*points: tuple[float, float]) -> str:
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in points)


def _arrow(start: dict, end: dict, edge: Edge, most: int) -> dict[str, Any]:
    """A curve from one node to another, bent to its right so that the asks back are a
    curve of their own, ending in an arrowhead at the asked node's edge."""
    (x1, y1), (x2, y2) = (start["x"], start["y"]), (end["x"], end["y"])
    dx, dy = _unit(x2 - x1, y2 - y1)
    bend = 0.14 * math.hypot(x2 - x1, y2 - y1)
    qx, qy = (x1 + x2) / 2 - dy * bend, (y1 + y2) / 2 + dx * bend
    width = _width(edge.asks, most)
    head, side = 9 + 1.1 * width, 5 + 0.75 * width
    ax, ay = _unit(qx - x1, qy - y1)
    bx, by = _unit(x2 - qx, y2 - qy)
    tip = (x2 - bx * (NODE_R + 3), y2 - by * (NODE_R + 3))
    base = (tip[0] - bx * head, tip[1] - by * head)
    left, right = (
        (base[0] - by * side, base[1] + bx * side),
        (base[0] + by * side, base[1] - bx * side),
    )
    return {
        "edge": edge,
        "d": f"M{_points((x1 + ax * NODE_R, y1 + ay * NODE_R))} Q{_points((qx, qy), base)}",
        "width": width,
        "hit_width": _width(edge.hits, most) if edge.hits else 0,
        "head": _points(tip, left, right),
    }


def network_drawing(network: Network) -> dict[str, Any]:
    """The network as SVG geometry: the viewBox, and per table its label, nodes and
    arrows (thickness by asks, a solid core by hits)."""
    tables = network.tables
    columns = _columns(len(tables))
    rows = math.ceil(len(tables) / columns) if tables else 0
    most = network.most
    cells = []
    for index, number in enumerate(tables):
        left, top = (index % columns) * CELL_W, (index // columns) * CELL_H
        cx, cy = left + CELL_W / 2, top + 235
        seats, edges = network.at(number)
        nodes = {s.seat: _node(s, len(seats), cx, cy) for s in seats}
        edges = [e for e in edges if e.asker.seat in nodes and e.asked.seat in nodes]
        arrows = [_arrow(nodes[e.asker.seat], nodes[e.asked.seat], e, most) for e in edges]
        arrows.sort(key=lambda arrow: arrow["edge"].asks)  # the thick ones on top
        cell = {"number": number, "x": left + 14, "y": top + 36, "edges": edges}
        cells.append({**cell, "nodes": list(nodes.values()), "arrows": arrows})
    size = {"width": columns * CELL_W, "height": rows * CELL_H}
    return {**size, "cells": cells, "font": FONT, "node_r": NODE_R}


def debrief_context(workshop) -> dict[str, Any]:
    data = debrief.debrief(workshop)
    return {**data, "drawing": network_drawing(data["network"])}


@host_only
def host_debrief(request: HttpRequest, code: str) -> HttpResponse:
    """The debrief on the projector: who asked whom, and which themes went round."""
    workshop = workshop_for(request, code)
    context = {"workshop": workshop, **debrief_context(workshop)}
    # Many quartets get a slide of their own, beside the themes they would not fit.
    context["apart"] = len(context["moments"]) > MOMENTS_BESIDE
    return render(request, "game/debrief.html", context)


@host_only
def host_replay(request: HttpRequest, code: str, number: int) -> HttpResponse:
    """One table's game again, move by move, from its public events."""
    workshop = workshop_for(request, code)
    table = get_object_or_404(Table, workshop=workshop, number=number)
    frames = replay.replay_frames(table)
    seats = debrief.table_seats(table, len(frames[0]["counts"])) if frames else []
    context = {
        "workshop": workshop,
        "table": table,
        "frames": frames,
        "players": [{"seat": s.seat, "name": s.name, "bot": s.bot} for s in seats],
        "themes": replay.deck_themes(table),
        "strings": texts(REPLAY_TEXTS),
        "tables": workshop.tables.exclude(status=Table.Status.WAITING).order_by("number"),
    }
    return render(request, "game/replay.html", context)
