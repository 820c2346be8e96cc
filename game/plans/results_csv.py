"""The session's results as a spreadsheet: all plans, a row per card, as CSV (for Excel
set to Dutch: semicolons, a byte order mark, the header in the page's language) or XLSX."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from cards import sheets
from cards.sheets.writing import table_csv, table_xlsx
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
# The header, in the page's language.
COLUMN_LABELS = {
    "player": _("player"),
    "table": _("table"),
    "position": _("position"),
    "theme": _("theme"),
    "card": _("card"),
    "action": _("what I will do"),
    "with_whom": _("with whom"),
    "by_when": _("by when"),
    "if_then": _("if … then"),
}
# Excel set to Dutch (or German, French ...) splits a CSV line at semicolons, since the
# comma is its decimal sign; LibreOffice and Google Sheets find the semicolon themselves.
DELIMITER = ";"


def results_rows(workshop: Workshop) -> list[list[Any]]:
    """All plans, a row per card, under the header. ``with_whom`` holds the sector's code,
    which is the booklet's Dutch word (ondernemer, overheid, ...), the same in every
    language."""
    rows: list[list[Any]] = [[str(COLUMN_LABELS[column]) for column in CSV_COLUMNS]]
    for item in results(workshop)["plan_items"]:
        rows.append(
            [
                item.player.name,
                item.player.table.number if item.player.table_id else "",
                item.position,
                item.card.theme.name,
                item.card.title,
                item.action,
                item.sector,
                item.by_when,
                item.if_then,
            ]
        )
    return rows


def results_csv(workshop: Workshop) -> bytes:
    """The rows as CSV: text that a spreadsheet would take for a formula (a deck's title,
    a player's words) starts with an apostrophe, so that opening the file never runs it."""
    return table_csv(results_rows(workshop), delimiter=DELIMITER)


def results_xlsx(workshop: Workshop) -> bytes:
    return table_xlsx(results_rows(workshop), title=str(_("action plans")), wrap=True)
