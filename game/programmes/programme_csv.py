"""A programme's figures as CSV: a row per session and the total, then a row per card,
then a row per learning circle."""

from __future__ import annotations

import csv
import io

from django.utils import timezone

from game.models import (
    Programme,
)
from game.plans.results_csv import safe_cell
from game.programmes.circles import circle_rows
from game.programmes.selectors import FIGURE_LABELS, latest_checkins, programme_report

CSV_COLUMNS = [
    "row",
    "session",
    "code",
    "date",
    *FIGURE_LABELS,
    "theme",
    "card",
    "chosen",
    "started",
    "done",
    # A learning circle's row: its name in "session", then these.
    "circle_size",
    "circle_yes",
    "circle_checked_in",
    "circle_activated",
]
CIRCLE_COLUMNS = 4


def programme_csv(programme: Programme) -> str:
    """The page's figures: a row per session and the total, then a row per card. Cells
    that a spreadsheet would take for a formula are made text (``safe_cell``)."""
    report = programme_report(programme)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    blank_cards = ["", "", "", "", "", *[""] * CIRCLE_COLUMNS]
    for workshop, numbers in report["sessions"]:
        day = timezone.localtime(workshop.ended or workshop.created).date().isoformat()
        writer.writerow(
            [
                "session",
                safe_cell(workshop.name),
                workshop.code,
                day,
                *(getattr(numbers, key) for key in FIGURE_LABELS),
                *blank_cards,
            ]
        )
    whole = report["total"]
    writer.writerow(
        [
            "total",
            safe_cell(programme.name),
            "",
            "",
            *(getattr(whole, k) for k in FIGURE_LABELS),
            *blank_cards,
        ]
    )
    for theme in report["themes"]:
        for row in theme["cards"]:
            writer.writerow(
                [
                    "card",
                    "",
                    "",
                    "",
                    *([""] * len(FIGURE_LABELS)),
                    safe_cell(theme["theme"].name),
                    safe_cell(row.card.title),
                    row.chosen,
                    row.started,
                    row.done,
                    *[""] * CIRCLE_COLUMNS,
                ]
            )
    for row in circle_rows(programme, latest_checkins(list(programme.sessions.all()))):
        writer.writerow(
            [
                "circle",
                safe_cell(row["circle"].name),
                "",
                "",
                *([""] * len(FIGURE_LABELS)),
                "",
                "",
                "",
                "",
                "",
                row["size"],
                row["yes"],
                row["checked_in"],
                row["activated"],
            ]
        )
    return out.getvalue()
