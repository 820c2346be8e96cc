"""The debrief's network as the template draws it: per table its nodes with their names
cut to their room, and arrows as thick as the asks, on the grid ``network_layout`` plans;
and the projector's slides of at most ``TABLES_PER_SLIDE`` tables."""

from __future__ import annotations

import math
from typing import Any

from game.debrief.network_layout import (
    ASCENT,
    FONT_MAX,
    MARGIN,
    SAFETY,
    Spot,
    Type,
    fit,
    plan,
    text_width,
)
from game.debrief.selectors import Edge, Network, Seat

# --- the drawing ------------------------------------------------------------------------------


def _width(count: int, most: int, t: Type) -> float:
    thinnest, thickest = t.node_r * 0.19, t.node_r
    return round(thinnest + (thickest - thinnest) * count / max(most, 1), 1)


def _unit(dx: float, dy: float) -> tuple[float, float]:
    norm = math.hypot(dx, dy) or 1.0
    return dx / norm, dy / norm


def _points(*points: tuple[float, float]) -> str:
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in points)


def _arrow(start: dict, end: dict, edge: Edge, most: int, t: Type) -> dict[str, Any]:
    """A curve from one node to another, bent to its right so that the asks back are a
    curve of their own, ending in an arrowhead at the asked node's edge."""
    (x1, y1), (x2, y2) = (start["x"], start["y"]), (end["x"], end["y"])
    dx, dy = _unit(x2 - x1, y2 - y1)
    bend = 0.14 * math.hypot(x2 - x1, y2 - y1)
    qx, qy = (x1 + x2) / 2 - dy * bend, (y1 + y2) / 2 + dx * bend
    width = _width(edge.asks, most, t)
    head, side = t.node_r * 0.56 + 1.1 * width, t.node_r * 0.31 + 0.75 * width
    ax, ay = _unit(qx - x1, qy - y1)
    bx, by = _unit(x2 - qx, y2 - qy)
    tip = (x2 - bx * (t.node_r + 3), y2 - by * (t.node_r + 3))
    base = (tip[0] - bx * head, tip[1] - by * head)
    left, right = (
        (base[0] - by * side, base[1] + bx * side),
        (base[0] + by * side, base[1] - bx * side),
    )
    return {
        "edge": edge,
        "d": f"M{_points((x1 + ax * t.node_r, y1 + ay * t.node_r))} Q{_points((qx, qy), base)}",
        "width": width,
        "hit_width": _width(edge.hits, most, t) if edge.hits else 0,
        "head": _points(tip, left, right),
    }


def _node(seat: Seat, spot: Spot, cx: float, cy: float, font: float) -> dict[str, Any]:
    label = fit(seat.name, spot.room, font)
    return {
        "seat": seat,
        "x": round(cx + spot.x, 1),
        "y": round(cy + spot.y, 1),
        "label_x": round(cx + spot.lx, 1),
        "label_y": round(cy + spot.ly, 1),
        "anchor": spot.anchor,
        "name": label,
        "full": seat.name,
        "cut": label != seat.name,
        "room": spot.room,
    }


# Tables on one slide of the projector at most: up to this many, the names are 28 px or
# more in the 1800 x 900 drawing (measured for tables of 2 to 6 and 30-letter names),
# so 18 px or more on a 1280x720 beamer, which shows the drawing at two thirds.
TABLES_PER_SLIDE = 8


def slides(tables: list[int], most: int = TABLES_PER_SLIDE) -> list[list[int]]:
    """The tables split into as few slides as hold at most ``most`` each, as even as
    they come (20 tables: 7, 7 and 6)."""
    if not tables:
        return []
    count = math.ceil(len(tables) / most)
    size = math.ceil(len(tables) / count)
    return [tables[start : start + size] for start in range(0, len(tables), size)]


def network_slides(network: Network) -> list[dict[str, Any]]:
    """The network as the projector shows it: a drawing per slide of at most
    TABLES_PER_SLIDE tables, its arrows as thick as in the room's one drawing."""
    return [
        {**network_drawing(network, only=numbers), "tables": (numbers[0], numbers[-1])}
        for numbers in slides(network.tables)
    ]


def network_drawing(network: Network, only: list[int] | None = None) -> dict[str, Any]:
    """The network as SVG geometry: the viewBox, the type, and per table its number,
    nodes with their names, and arrows (thickness by asks, a solid core by hits).
    ``only``: just these tables (arrows still measured against the whole room's)."""
    tables = network.tables if only is None else [n for n in network.tables if n in only]
    if not tables:
        return {"width": 0, "height": 0, "cells": [], "font": FONT_MAX, "node_r": 0}
    at = {number: network.at(number) for number in tables}
    longest = max(text_width(seat.name, 1) / SAFETY for seats, _ in at.values() for seat in seats)
    chosen = plan(len(tables), {len(seats) for seats, _ in at.values()}, longest)
    t, most = chosen.type, network.most
    cells = []
    for index, number in enumerate(tables):
        seats, edges = at[number]
        left = (index % chosen.columns) * chosen.cell_w
        top = (index // chosen.columns) * chosen.cell_h
        made = chosen.rings[len(seats)]
        band_top = top + MARGIN + t.head
        band_h = chosen.cell_h - 2 * MARGIN - t.head
        cx = left + chosen.cell_w / 2
        cy = band_top + (band_h - (made.bottom - made.top)) / 2 - made.top
        spots = {spot.seat: spot for spot in made.spots}
        by_seat = sorted(seats, key=lambda seat: seat.seat)
        nodes = {
            seat.seat: _node(seat, spots[place], cx, cy, t.font)
            for place, seat in enumerate(by_seat)
        }
        edges = [e for e in edges if e.asker.seat in nodes and e.asked.seat in nodes]
        arrows = [_arrow(nodes[e.asker.seat], nodes[e.asked.seat], e, most, t) for e in edges]
        arrows.sort(key=lambda arrow: arrow["edge"].asks)  # the thick ones on top
        cells.append(
            {
                "number": number,
                "x": round(left + MARGIN, 1),
                "y": round(top + MARGIN + ASCENT * t.table_font, 1),
                "edges": edges,
                "nodes": list(nodes.values()),
                "arrows": arrows,
            }
        )
    return {
        "width": round(chosen.columns * chosen.cell_w, 1),
        "height": round(chosen.rows * chosen.cell_h, 1),
        "cells": cells,
        "font": t.font,
        "table_font": t.table_font,
        "node_r": t.node_r,
        "node_line": round(max(2.0, t.node_r * 0.3), 1),
        "halo": round(t.font * 0.28, 1),
    }
