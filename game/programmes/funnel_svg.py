"""The funnel (reached, made a plan, with a plan mate, checked in, activated) as SVG geometry for
``templates/game/_funnel.svg``, drawn on the server (no script)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from game.programmes.selectors import Figures

# --- the funnel -------------------------------------------------------------------------------

# The funnel's units: a column of labels on the left, the bars centred in the rest.
LABEL_W, BARS_W, BAR_H, GAP = 300, 700, 56, 22
FUNNEL_W = LABEL_W + BARS_W


@dataclass(frozen=True)
class Stage:
    key: str
    label: str
    count: int
    percent: int  # of the people reached
    x: float
    y: float
    width: float
    text_y: float

    @property
    def label_x(self) -> int:
        return LABEL_W - 16  # right-aligned against the bars' column


@dataclass(frozen=True)
class Funnel:
    """The funnel's geometry: a centred bar per stage, as wide as its share of the people
    reached (at least a sliver, so 0 still shows), joined by trapezoids; its label (the
    stage, the count and the share) in a column on the left."""

    width: int
    height: int
    stages: list[Stage]
    joins: list[str]  # polygon points between a stage and the next

    @property
    def empty(self) -> bool:
        return not self.stages or self.stages[0].count == 0


FUNNEL_STAGES = ("reached", "plans", "with_mate", "checked_in", "activated")
STAGE_LABELS = {
    "reached": _("reached"),
    "plans": _("made a plan"),
    "with_mate": _("with a plan mate"),
    "checked_in": _("checked in"),
    "activated": _("activated"),
}


def funnel(numbers: Figures) -> Funnel:
    """reached → plan → with a plan mate → checked in → activated, drawn on the server (no script)."""
    top = numbers.reached
    stages, joins = [], []
    for index, key in enumerate(FUNNEL_STAGES):
        count = getattr(numbers, key)
        share = count / top if top else 0
        width = max(BARS_W * share, 6)
        x = LABEL_W + (BARS_W - width) / 2
        y = index * (BAR_H + GAP)
        stages.append(
            Stage(
                key,
                str(STAGE_LABELS[key]),
                count,
                round(100 * share),
                round(x, 1),
                y,
                round(width, 1),
                y + BAR_H / 2,
            )
        )
    for upper, lower in itertools.pairwise(stages):
        y1, y2 = upper.y + BAR_H, lower.y
        joins.append(
            f"{upper.x},{y1} {upper.x + upper.width},{y1} "
            f"{lower.x + lower.width},{y2} {lower.x},{y2}"
        )
    height = len(stages) * BAR_H + (len(stages) - 1) * GAP
    return Funnel(FUNNEL_W, height, stages, joins)
