"""A programme's figures as a spreadsheet: a row per session and the total, then a row per
card, then a row per learning circle; as CSV (for Excel set to Dutch: semicolons, a byte
order mark, the header in the page's language; see game.plans.results_csv) or XLSX."""

from __future__ import annotations

from typing import Any

from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from cards.sheets.writing import table_csv, table_xlsx
from game.models import Programme
from game.plans.results_csv import DELIMITER
from game.programmes.selectors import FIGURE_LABELS, programme_report

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
COLUMN_LABELS = {
    "row": _("row"),
    "session": _("session"),
    "code": _("code"),
    "date": _("date"),
    **FIGURE_LABELS,
    "theme": _("theme"),
    "card": _("card"),
    "chosen": _("chosen"),
    "started": _("started"),
    "done": _("done"),
    "circle_size": _("circle size"),
    "circle_yes": _("said yes"),
    "circle_checked_in": _("of them checked in"),
    "circle_activated": _("of them activated"),
}
# What the first column says a row is.
ROW_KINDS = {
    "session": _("session"),
    "total": _("total"),
    "card": _("card"),
    "circle": _("learning circle"),
}
CARD_COLUMNS = 5
CIRCLE_COLUMNS = 4


def programme_rows(programme: Programme) -> list[list[Any]]:
    """The page's figures under the header, in the page's language."""
    report = programme_report(programme)
    figures = len(FIGURE_LABELS)
    rows: list[list[Any]] = [[str(COLUMN_LABELS[column]) for column in CSV_COLUMNS]]
    blank_cards = [""] * (CARD_COLUMNS + CIRCLE_COLUMNS)
    for workshop, numbers in report["sessions"]:
        day = formats.date_format(
            timezone.localtime(workshop.ended or workshop.created), "SHORT_DATE_FORMAT"
        )
        rows.append(
            [
                str(ROW_KINDS["session"]),
                workshop.name,
                workshop.code,
                day,
                *(getattr(numbers, key) for key in FIGURE_LABELS),
                *blank_cards,
            ]
        )
    whole = report["total"]
    rows.append(
        [
            str(ROW_KINDS["total"]),
            programme.name,
            "",
            "",
            *(getattr(whole, key) for key in FIGURE_LABELS),
            *blank_cards,
        ]
    )
    for theme in report["themes"]:
        for row in theme["cards"]:
            rows.append(
                [
                    str(ROW_KINDS["card"]),
                    "",
                    "",
                    "",
                    *[""] * figures,
                    theme["theme"].name,
                    row.card.title,
                    row.chosen,
                    row.started,
                    row.done,
                    *[""] * CIRCLE_COLUMNS,
                ]
            )
    for row in report["circles"]:
        rows.append(
            [
                str(ROW_KINDS["circle"]),
                row["circle"].name,
                "",
                "",
                *[""] * figures,
                *[""] * CARD_COLUMNS,
                row["size"],
                row["yes"],
                row["checked_in"],
                row["activated"],
            ]
        )
    return rows


def programme_csv(programme: Programme) -> bytes:
    """Cells that a spreadsheet would take for a formula are made text."""
    return table_csv(programme_rows(programme), delimiter=DELIMITER)


def programme_xlsx(programme: Programme) -> bytes:
    return table_xlsx(programme_rows(programme), title=programme.name)
