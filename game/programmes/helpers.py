"""A programme's helpers ("Wie kan helpen"): kept in the programme page, and exchanged as
a spreadsheet (CSV or XLSX) under exactly the header ``COLUMNS``. The file is checked as a
whole, as the deck studio checks a deck (``cards.sheets``): every bad cell is named by its
row and column and nothing is saved. ``themes`` and ``cards`` hold theme names and card
titles of the decks the programme's sessions play, ";" between them.

A player's plan, plan mail and follow-ups show, per card, the helpers of the programmes
their session is in for that card or its theme (``game.plans.helpers``).
"""

from __future__ import annotations

import re

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from cards.models import Card, Deck
from cards.sheets import SheetProblems, csv_unescape, quoted, sheet_place
from cards.sheets.reading import read_rows
from cards.sheets.writing import table_csv, table_xlsx
from game.errors import Refused
from game.models import Helper, Programme
from game.programmes.access import check_owner
from innovation_track.boundary import has_control_characters

# Chosen to map onto Open Referral (HSDS): organization.name, contact.name, email, phone,
# service.url, service_area, and taxonomy terms (themes, cards) with the description.
COLUMNS = ["name", "organisation", "email", "phone", "url", "region", "themes", "cards", "offer"]
LENGTHS = {column: Helper._meta.get_field(column).max_length for column in COLUMNS}
REQUIRED = ("name", "offer")
MAX_HELPERS = 500
MAX_PROBLEMS = 50
PHONE = re.compile(r"^\+?[0-9 ()./-]{6,40}$")
URL = URLValidator(schemes=["http", "https"])


# --- what the cells may name --------------------------------------------------------------


class Vocabulary:
    """The theme names and card titles a helper may name: those of the decks the
    programme's sessions play (and the published decks, for a programme with no session
    yet), compared without case; a cell is saved as the deck spells it."""

    def __init__(self, programme: Programme) -> None:
        decks = Deck.objects.filter(
            Q(workshop__programmes=programme) | Q(published=True)
        ).distinct()
        cards = Card.objects.filter(theme__deck__in=decks).select_related("theme")
        self.themes = {card.theme.name.casefold(): card.theme.name for card in cards}
        self.cards = {card.title.casefold(): card.title for card in cards}


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(";") if part.strip()]


def check_row(cells: dict[str, str], words: Vocabulary) -> tuple[dict[str, str], dict[str, str]]:
    """One helper's fields, checked: (the values to save, the problems by column)."""
    values = {column: (cells.get(column) or "").strip() for column in COLUMNS}
    problems: dict[str, str] = {}
    for column in COLUMNS:
        value = values[column]
        if column in REQUIRED and not value:
            problems[column] = _("empty; every helper needs one")
        elif len(value) > LENGTHS[column]:
            problems[column] = _("%(count)d characters; at most %(most)d") % {
                "count": len(value),
                "most": LENGTHS[column],
            }
        elif column != "offer" and has_control_characters(value):
            problems[column] = _("a line break or another control character; keep it one line")
    if values["email"] and "email" not in problems:
        try:
            validate_email(values["email"])
        except ValidationError:
            problems["email"] = _("%(value)s is not an e-mail address") % {
                "value": quoted(values["email"])
            }
    if values["phone"] and "phone" not in problems and not PHONE.match(values["phone"]):
        problems["phone"] = _("%(value)s is not a phone number (digits, spaces, + ( ) - .)") % {
            "value": quoted(values["phone"])
        }
    if values["url"] and "url" not in problems:
        try:
            URL(values["url"])
        except ValidationError:
            problems["url"] = _("%(value)s is not a web address (https://…)") % {
                "value": quoted(values["url"])
            }
    for column, known in (("themes", words.themes), ("cards", words.cards)):
        if column in problems:
            continue
        names = _split(values[column])
        unknown = [name for name in names if name.casefold() not in known]
        if unknown:
            what = (
                _("no theme of the programme's decks")
                if column == "themes"
                else _("no card of the programme's decks (cards by their title)")
            )
            problems[column] = f"{quoted(unknown[0])}: {what}"
        else:
            values[column] = "; ".join(known[name.casefold()] for name in names)
    return values, problems


def check_file(rows: list[list[str]], words: Vocabulary) -> list[dict[str, str]]:
    """The helpers of a file's rows (header first); SheetProblems naming every bad cell."""
    problems: list[str] = []
    header = [cell.strip().lstrip("\ufeff") for cell in (rows[0] if rows else [])]
    while header and not header[-1]:
        header.pop()
    if header != COLUMNS:
        raise SheetProblems(
            [
                sheet_place(1, None)
                + ": "
                + _("the header must be exactly %(columns)s") % {"columns": ",".join(COLUMNS)}
            ]
        )
    helpers = []
    for number, row in enumerate(rows[1:], start=2):
        cells = {
            column: csv_unescape(row[i]) if i < len(row) else "" for i, column in enumerate(COLUMNS)
        }
        if not any(value.strip() for value in cells.values()):
            continue  # an empty row: a spreadsheet's habit
        values, found = check_row(cells, words)
        problems += [f"{sheet_place(number, column)}: {what}" for column, what in found.items()]
        helpers.append(values)
    if len(helpers) > MAX_HELPERS:
        problems.append(_("more than %(most)d helpers") % {"most": MAX_HELPERS})
    if problems:
        raise SheetProblems(problems[:MAX_PROBLEMS])
    return helpers


# --- the writes ---------------------------------------------------------------------------


def helpers_import(
    *, programme: Programme, by: AbstractBaseUser, content: bytes, filename: str = ""
) -> int:
    """Replace the programme's helpers with those of a CSV or XLSX file; a file with any
    bad cell changes nothing (SheetProblems). Whether a helper's address and phone are
    shown is kept for the same name and address. Returns the number of helpers."""
    check_owner(by, programme)
    helpers = check_file(read_rows(content, filename), Vocabulary(programme))
    with transaction.atomic():
        shown = {
            (helper.name.casefold(), helper.email.casefold())
            for helper in programme.helpers.filter(show_contact=True)
        }
        programme.helpers.all().delete()
        Helper.objects.bulk_create(
            [
                Helper(
                    programme=programme,
                    show_contact=(values["name"].casefold(), values["email"].casefold()) in shown,
                    **values,
                )
                for values in helpers
            ]
        )
    return len(helpers)


def helper_save(
    *,
    programme: Programme,
    by: AbstractBaseUser,
    cells: dict[str, str],
    show_contact: bool,
    helper_id: int | None = None,
) -> Helper | dict[str, str]:
    """Add a helper, or change one (``helper_id``), from the programme page's form: the
    helper, or the problems by column (nothing saved)."""
    check_owner(by, programme)
    values, problems = check_row(cells, Vocabulary(programme))
    if problems:
        return problems
    if helper_id is None:
        if programme.helpers.count() >= MAX_HELPERS:
            raise Refused("too_many_helpers", most=MAX_HELPERS)
        return Helper.objects.create(programme=programme, show_contact=show_contact, **values)
    helper = programme.helpers.filter(pk=helper_id).first()
    if helper is None:
        raise Refused("not_found")
    for column, value in values.items():
        setattr(helper, column, value)
    helper.show_contact = show_contact
    helper.save()
    return helper


def helper_delete(*, programme: Programme, by: AbstractBaseUser, helper_id: int) -> None:
    check_owner(by, programme)
    deleted, _rows = programme.helpers.filter(pk=helper_id).delete()
    if not deleted:
        raise Refused("not_found")


# --- the file out -------------------------------------------------------------------------


def helper_rows(programme: Programme) -> list[list[str]]:
    return [list(COLUMNS)] + [
        [getattr(helper, column) for column in COLUMNS] for helper in programme.helpers.all()
    ]


def helpers_csv(programme: Programme) -> bytes:
    """UTF-8 with a byte order mark (Excel reads it as UTF-8), commas as the header says."""
    return table_csv(helper_rows(programme))


def helpers_xlsx(programme: Programme) -> bytes:
    """One sheet, the header bold and frozen, every cell text (never a formula)."""
    return table_xlsx(helper_rows(programme), title="helpers")
