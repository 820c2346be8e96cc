"""The session's results as CSV: all plans, a row per card."""

from __future__ import annotations

import csv
import io
from typing import Any

from cards import sheets
from game.models import Workshop
from game.plans.selectors import results


def safe_cell(value: Any) -> Any:
    """Text a spreadsheet shows as text: a leading ``'`` before what would start a formula
    (OWASP's advice for CSV files; the rule is ``cards.sheets.csv_cell``'s). Numbers pass
    as they are."""
    return sheets.csv_cell(value) if isinstance(value, str) else value


CSV_COLUMNS = [
    "player",
    "table",
    "position",
    "theme",
    "card",
    "action",
    "with_whom",
    "by_when",
    "if_then",
]


def results_csv(workshop: Workshop) -> str:
    """All plans, a row per card. ``with_whom`` holds the sector's code, which is the
    booklet's Dutch word (ondernemer, overheid, ...), the same in every language. Text
    that a spreadsheet would take for a formula (a deck's title, a player's words)
    starts with an apostrophe, so that opening the file never runs it."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for item in results(workshop)["plan_items"]:
        writer.writerow(
            [
                safe_cell(item.player.name),
                item.player.table.number if item.player.table_id else "",
                item.position,
                safe_cell(item.card.theme.name),
                safe_cell(item.card.title),
                safe_cell(item.action),
                item.sector,
                safe_cell(item.by_when),
                safe_cell(item.if_then),
            ]
        )
    return out.getvalue()
