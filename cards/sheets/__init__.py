"""Decks as spreadsheets: CSV and XLSX in, checked as a whole, and out again.

One row per card under the header ``theme,colour,number,title,call_to_action,example,
tip,links`` (the JSON export's field names). A theme's colour (``#rrggbb``) is given on
its first row at least; ``links`` holds one link a line as ``label | https://...``.

``reading`` turns a file into rows within bounds of what reading may cost; ``checking``
checks the whole of them and names every problem with its row and column, in the active
language ("rij 7, kolom title: leeg"): only rows without problems become deck data (the
format of ``cards.deckio``), which ``cards.studio`` saves. ``writing`` makes the file of
a deck. Nothing in a cell is ever evaluated: a formula is kept as the text it is.
Writing keeps it text too: XLSX cells are typed as strings, and a CSV cell that a
spreadsheet would take for a formula starts with an apostrophe, which reading takes off
again, so a round trip is exact.

This module holds what the three share: the columns, the problems, how a problem names
its place and quotes the file. The package imports the models and ``cards.deckio`` only.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

COLUMNS = ["theme", "colour", "number", "title", "call_to_action", "example", "tip", "links"]
MAX_QUOTED = 60  # characters of a file's text quoted in a problem
# A CSV cell starting with one of these is a formula to a spreadsheet (OWASP's advice);
# the apostrophe that keeps it text is also escaped, so reading can undo it exactly.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "'")


class SheetProblems(ValueError):
    """The file is no deck: every problem found, each a sentence naming its place."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


def quoted(text: str, most: int = MAX_QUOTED) -> str:
    """A file's text as a problem quotes it: at most ``most`` characters, cut with "…"."""
    return text if len(text) <= most else text[: most - 1] + "…"


def sheet_place(row: int, column: str | None) -> str:
    """Where a problem is in a spreadsheet: "rij 7, kolom title"."""
    if column is None:
        return _("row %(row)d") % {"row": row}
    return _("row %(row)d, column %(column)s") % {"row": row, "column": column}


def csv_cell(text: str) -> str:
    """Text a spreadsheet opening the CSV keeps as text: one it would take for a formula
    gets an apostrophe in front (reading a deck's CSV takes it off again)."""
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_unescape(text: str) -> str:
    """A CSV cell's text as written before ``csv_cell`` escaped it."""
    if text.startswith("'") and text[1:].startswith(FORMULA_START):
        return text[1:]
    return text
