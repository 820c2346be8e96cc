"""Checking a deck's rows (a spreadsheet's, or a JSON export's as rows) as a whole:
every problem named with its place, and only rows without problems become deck data."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cards import deckio
from cards.models import (
    CARDS_PER_THEME,
    MAX_CALL_TO_ACTION,
    MAX_EXAMPLE,
    MAX_THEMES,
    MAX_TIP,
    MIN_THEMES,
    Language,
)
from cards.sheets import COLUMNS, SheetProblems, quoted, sheet_place
from cards.sheets.writing import rows_of

MAX_LISTED = 50  # problems listed; past that, how many more
LENGTHS = {
    "theme": 60,
    "title": 100,
    "call_to_action": MAX_CALL_TO_ACTION,
    "example": MAX_EXAMPLE,
    "tip": MAX_TIP,
}
LINK_LABEL_LENGTH = 200
LINK_URL_LENGTH = 500
REQUIRED = ("theme", "title", "call_to_action", "example")
COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
url_validator = URLValidator(schemes=["http", "https"])


@dataclass
class _Theme:
    name: str
    row: int
    colour: str = ""
    colour_row: int = 0
    cards: list[dict[str, Any]] = field(default_factory=list)
    numbers: dict[int, int] = field(default_factory=dict)  # number -> its row


Place = Callable[[int, "str | None"], str]


def deck_data(
    rows: list[list[str]],
    *,
    name: str,
    language: str = "nl",
    about: str = "",
    place: Place = sheet_place,
) -> dict:
    """The rows (header first) as deck data for ``cards.deckio``; SheetProblems naming
    every problem when they are no deck. ``place`` names a row and column."""
    problems = _Problems(place)
    columns = _header(rows[0] if rows else [], problems)
    if problems:
        raise SheetProblems(problems.listed())
    themes: dict[str, _Theme] = {}
    for number, row in enumerate(rows[1:], start=2):
        row = [cell if isinstance(cell, str) else str(cell) for cell in row]
        cells = {column: (row[i] if i < len(row) else "") for column, i in columns.items()}
        extra = [cell for cell in row[len(COLUMNS) :] if cell.strip()]
        if not any(cell.strip() for cell in cells.values()) and not extra:
            continue  # an empty row
        if len(row) > len(COLUMNS) and extra:
            problems.add(
                number, None, _("more cells than the %(count)d columns") % {"count": len(COLUMNS)}
            )
        _card_row(number, cells, themes, problems)
    _deck_checks(themes, problems)
    if problems:
        raise SheetProblems(problems.listed())
    return _as_data(themes, name=name, language=language, about=about)


def export_deck_data(data: dict, *, name: str) -> dict:
    """A JSON export's deck (``reading.read_json``) checked as a sheet's rows are, every
    problem at once, placed by theme and card; its theme slugs kept, so that the card
    keys stay as they were."""
    places = [
        (t, c)
        for t, theme in enumerate(data["themes"], 1)
        for c in range(1, len(theme["cards"]) + 1)
    ]

    def place(row: int, column: str | None) -> str:
        if not 2 <= row <= len(places) + 1:
            return sheet_place(row, column)
        theme, card = places[row - 2]
        where = _("theme %(theme)d, card %(card)d") % {"theme": theme, "card": card}
        return f"{where}, {column}" if column else where

    checked = deck_data(
        rows_of(data),
        name=name or data["name"],
        language=data.get("language", Language.NL),
        about=data.get("about", ""),
        place=place,
    )
    for theme, original in zip(checked["themes"], data["themes"], strict=True):
        theme["slug"] = original["slug"]
    return checked


class _Problems(list):
    def __init__(self, place: Place = sheet_place) -> None:
        super().__init__()
        self.place = place

    def add(self, row: int | None, column: str | None, what: str) -> None:
        where = self.place(row, column) if row is not None else ""
        self.append(f"{where}: {what}" if where else what)

    def listed(self) -> list[str]:
        if len(self) <= MAX_LISTED:
            return list(self)
        more = len(self) - MAX_LISTED
        return [
            *self[:MAX_LISTED],
            ngettext("… and %(count)d more problem.", "… and %(count)d more problems.", more)
            % {"count": more},
        ]


def _header(header: list[str], problems: _Problems) -> dict[str, int]:
    names = [cell.strip().lstrip("\ufeff") for cell in header]
    while names and not names[-1]:
        names.pop()
    if not names:
        problems.add(
            1, None, _("the header row is missing: %(columns)s") % {"columns": ",".join(COLUMNS)}
        )
        return {}
    columns: dict[str, int] = {}
    for i, name in enumerate(names):
        if name in COLUMNS and name not in columns:
            columns[name] = i
        elif name in columns:
            problems.add(1, name, _("this column appears twice"))
        else:
            problems.add(
                1,
                quoted(name) or str(i + 1),
                _("unknown column; the columns are %(columns)s") % {"columns": ",".join(COLUMNS)},
            )
    for name in COLUMNS:
        if name not in columns:
            problems.add(1, name, _("the column is missing"))
    return columns


def _card_row(
    row: int, cells: dict[str, str], themes: dict[str, _Theme], problems: _Problems
) -> None:
    values = {column: cells[column] for column in COLUMNS}
    for column in ("theme", "colour", "number"):
        values[column] = values[column].strip()
    values["title"] = values["title"].strip()
    for column in REQUIRED:
        if not values[column].strip():
            problems.add(row, column, _("empty"))
    for column, most in LENGTHS.items():
        if len(values[column]) > most:
            problems.add(
                row,
                column,
                _("%(count)d characters, at most %(most)d fit")
                % {"count": len(values[column]), "most": most},
            )
    theme = themes.get(values["theme"].casefold())
    if theme is None and values["theme"]:
        theme = themes[values["theme"].casefold()] = _Theme(values["theme"], row)
    _colour(row, values["colour"], theme, problems)
    number = _number(row, values["number"], problems)
    links = _links(row, values["links"], problems)
    if theme is None:
        return
    if number is not None:
        if number in theme.numbers:
            problems.add(
                row,
                "number",
                _("%(theme)s has a card %(number)d already, on row %(other)d")
                % {"theme": quoted(theme.name), "number": number, "other": theme.numbers[number]},
            )
        else:
            theme.numbers[number] = row
    theme.cards.append(
        {
            "number": number,
            "title": values["title"],
            "call_to_action": values["call_to_action"],
            "example": values["example"],
            "tip": values["tip"],
            "links": links,
        }
    )


def _colour(row: int, colour: str, theme: _Theme | None, problems: _Problems) -> None:
    if not colour:
        return
    if not COLOUR.match(colour):
        if theme is not None and not theme.colour_row:
            theme.colour_row = row  # named here; not "empty" again at the end
        problems.add(
            row,
            "colour",
            _("“%(colour)s” is no colour as #rrggbb, for example #1f6f8b")
            % {"colour": quoted(colour)},
        )
    elif theme is not None and theme.colour and theme.colour.lower() != colour.lower():
        problems.add(
            row,
            "colour",
            _("%(colour)s, but %(theme)s has %(first)s on row %(other)d")
            % {
                "colour": colour,
                "theme": quoted(theme.name),
                "first": theme.colour,
                "other": theme.colour_row,
            },
        )
    elif theme is not None and not theme.colour:
        theme.colour, theme.colour_row = colour, row


def _number(row: int, text: str, problems: _Problems) -> int | None:
    try:
        number = int(text)
    except ValueError:
        number = None
    if number is None or not 1 <= number <= CARDS_PER_THEME:
        shown = text or _("empty")
        problems.add(
            row, "number", _("“%(number)s” is no card number 1 to 4") % {"number": quoted(shown)}
        )
        return None
    return number


def _links(row: int, text: str, problems: _Problems) -> list[dict[str, str]]:
    links = []
    for line in text.splitlines():
        if not line.strip():
            continue
        label, bar, url = line.rpartition("|")
        label, url = label.strip(), url.strip()
        if not bar:
            label = re.sub(r"^https?://", "", url)
        try:
            url_validator(url)
        except ValidationError:
            problems.add(
                row,
                "links",
                _("“%(url)s” is no web address starting with http:// or https://")
                % {"url": quoted(url)},
            )
            continue
        if len(url) > LINK_URL_LENGTH or len(label) > LINK_LABEL_LENGTH:
            problems.add(
                row,
                "links",
                _("a link's label may have %(label)d characters, its address %(url)d")
                % {"label": LINK_LABEL_LENGTH, "url": LINK_URL_LENGTH},
            )
            continue
        if not label:
            problems.add(row, "links", _("a link without a label before the |"))
            continue
        links.append({"label": label, "url": url})
    return links


def links_from_text(text: str) -> tuple[list[dict[str, str]], list[str]]:
    """``label | url`` lines as links, and the problems of the lines that are none."""
    problems = _Problems(lambda row, column: "")
    links = _links(0, text, problems)
    return links, list(problems)


def _deck_checks(themes: dict[str, _Theme], problems: _Problems) -> None:
    for theme in themes.values():
        if not theme.colour and not theme.colour_row:
            problems.add(
                theme.row,
                "colour",
                _("empty: give the colour of %(theme)s (#rrggbb) on its first row")
                % {"theme": quoted(theme.name)},
            )
        if len(theme.cards) != CARDS_PER_THEME:
            problems.add(
                None,
                None,
                ngettext(
                    "%(theme)s has %(count)d card instead of 4",
                    "%(theme)s has %(count)d cards instead of 4",
                    len(theme.cards),
                )
                % {"theme": quoted(theme.name), "count": len(theme.cards)},
            )
    if not MIN_THEMES <= len(themes) <= MAX_THEMES:
        problems.add(
            None,
            None,
            ngettext(
                "The file has %(count)d theme; a deck has %(least)d to %(most)d",
                "The file has %(count)d themes; a deck has %(least)d to %(most)d",
                len(themes),
            )
            % {"count": len(themes), "least": MIN_THEMES, "most": MAX_THEMES},
        )


def _as_data(themes: dict[str, _Theme], *, name: str, language: str, about: str) -> dict:
    slugs = unique_slugs(theme.name for theme in themes.values())
    return {
        "format": deckio.FORMAT,
        "version": deckio.VERSION,
        "name": name,
        "slug": slugify(name) or "deck",
        "language": language,
        "about": about,
        "themes": [
            {
                "name": theme.name,
                "slug": slug,
                "colour": theme.colour,
                "cards": sorted(theme.cards, key=lambda card: card["number"]),
            }
            for theme, slug in zip(themes.values(), slugs, strict=True)
        ],
    }


def unique_slugs(
    names: Iterable[str], taken: Callable[[str], bool] = lambda slug: False
) -> list[str]:
    """A slug for each name, unique among them (``thema``, ``thema-2``, ...)."""
    result: list[str] = []
    for name in names:
        base = slugify(name)[:50] or "thema"
        slug, n = base, 1
        while slug in result or taken(slug):
            n += 1
            slug = f"{base}-{n}"
        result.append(slug)
    return result
