"""Decks to and from JSON: the fixture format, the export and the import commands.

An import validates the whole file before it writes anything, and writes inside
one transaction, so a bad file names its problem and changes nothing.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_slug
from django.db import transaction

from cards.models import CARDS_PER_THEME, Card, CardLink, Deck, Language, Theme, colour_validator

FORMAT = "innovation-track-deck"
VERSION = 1

DECK_FIELDS = {
    "format": str,
    "version": int,
    "name": str,
    "slug": str,
    "language": str,
    "about": str,
    "themes": list,
}
THEME_FIELDS = {"name": str, "slug": str, "colour": str, "cards": list}
CARD_FIELDS = {
    "number": int,
    "title": str,
    "call_to_action": str,
    "example": str,
    "tip": str,
    "links": list,
}
LINK_FIELDS = {"label": str, "url": str}
OPTIONAL = {"about", "language", "tip", "links"}
NON_EMPTY = {"name", "slug", "title", "call_to_action", "example", "label", "url", "colour"}


class DeckFileError(ValueError):
    """The file is not a valid deck; the message names the place and the problem."""


def _shown(text: str, most: int = 60) -> str:
    """Text of the file as a message quotes it: at most ``most`` characters, cut with "…"."""
    return text if len(text) <= most else text[: most - 1] + "…"


def _check_fields(obj: Any, fields: dict[str, type], where: str, *, empty_ok: bool = False) -> None:
    if not isinstance(obj, dict):
        raise DeckFileError(f"{where}: expected an object, got {type(obj).__name__}")
    unknown = sorted(set(obj) - set(fields))
    if unknown:
        raise DeckFileError(f"{where}: unknown field {_shown(', '.join(map(repr, unknown)))}")
    for name, kind in fields.items():
        if name not in obj:
            if name in OPTIONAL:
                continue
            raise DeckFileError(f"{where}: missing field {name!r}")
        value = obj[name]
        # bool is an int subclass; a card number of `true` is still wrong.
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise DeckFileError(f"{where}: field {name!r} must be a {kind.__name__}")
        if name in NON_EMPTY and not empty_ok and not value.strip():
            raise DeckFileError(f"{where}: field {name!r} is empty")


def _check_with(validator, value: str, where: str) -> None:
    try:
        validator(value)
    except ValidationError as exc:
        raise DeckFileError(
            f"{where}: {_shown(repr(value))} is not valid ({' '.join(exc.messages)})"
        ) from None


def validate_deck_data(data: Any, *, structure_only: bool = False) -> None:
    """Raise DeckFileError naming the first problem; return quietly for a valid deck.
    ``structure_only``: only the fields, their types and the slugs; the studio checks
    the texts, colours, numbers and links itself, naming every problem at once."""
    _check_fields(data, DECK_FIELDS, "deck")
    if data["format"] != FORMAT or data["version"] != VERSION:
        raise DeckFileError(f"deck: expected format {FORMAT!r} version {VERSION}")
    _check_with(validate_slug, data["slug"], "deck: slug")
    if data.get("language", Language.NL) not in Language.values:
        raise DeckFileError(f"deck: language must be one of {', '.join(Language.values)}")
    if not data["themes"]:
        raise DeckFileError("deck: it has no themes")
    slugs: set[str] = set()
    url_validator = URLValidator()
    for t, theme in enumerate(data["themes"], start=1):
        where = f"theme {t}"
        _check_fields(theme, THEME_FIELDS, where)
        where = f"theme {t} ({_shown(theme['name'])})"
        _check_with(validate_slug, theme["slug"], f"{where}: slug")
        if not structure_only:
            _check_with(colour_validator, theme["colour"], f"{where}: colour")
        if theme["slug"] in slugs:
            raise DeckFileError(f"{where}: slug {_shown(repr(theme['slug']))} is used twice")
        slugs.add(theme["slug"])
        cards = theme["cards"]
        if len(cards) != CARDS_PER_THEME and not structure_only:
            raise DeckFileError(f"{where}: has {len(cards)} cards, a theme needs exactly 4")
        for c, card in enumerate(cards, start=1):
            card_where = f"{where}, card {c}"
            _check_fields(card, CARD_FIELDS, card_where, empty_ok=structure_only)
            for link_no, link in enumerate(card.get("links", []), start=1):
                link_where = f"{card_where}, link {link_no}"
                _check_fields(link, LINK_FIELDS, link_where, empty_ok=structure_only)
                if not structure_only:
                    _check_with(url_validator, link["url"], f"{link_where}: url")
        numbers = sorted(card["number"] for card in cards)
        if numbers != list(range(1, CARDS_PER_THEME + 1)) and not structure_only:
            raise DeckFileError(
                f"{where}: card numbers must be 1, 2, 3 and 4, got {_shown(str(numbers))}"
            )


class DeckExists(ValueError):
    pass


def deck_import(*, data: Any, replace: bool = False, published: bool = True) -> Deck:
    """Create the deck described by ``data``; with ``replace`` overwrite one with its slug.
    Decks imported here are the admins' (no owner), published unless told otherwise."""
    validate_deck_data(data)
    with transaction.atomic():
        deck = Deck.objects.filter(slug=data["slug"]).first()
        if deck is not None and not replace:
            raise DeckExists(f"a deck with slug {data['slug']!r} already exists")
        if deck is not None and deck.frozen:
            raise DeckExists(f"{data['slug']!r} is a frozen version of a deck; it never changes")
        if deck is None:
            deck = Deck(slug=data["slug"], published=published)
        deck.name = data["name"]
        deck.about = data.get("about", "")
        deck.language = data.get("language", Language.NL)
        deck.save()
        deck_fill(deck=deck, themes=data["themes"])
    return deck


def deck_fill(*, deck: Deck, themes: list[dict[str, Any]]) -> None:
    """Replace the deck's themes and cards with ``themes`` (checked deck data)."""
    with transaction.atomic():
        deck.themes.all().delete()
        for order, theme_data in enumerate(themes, start=1):
            theme = Theme.objects.create(
                deck=deck,
                order=order,
                name=theme_data["name"],
                slug=theme_data["slug"],
                colour=theme_data["colour"],
            )
            for card_data in theme_data["cards"]:
                card = Card.objects.create(
                    theme=theme,
                    number=card_data["number"],
                    title=card_data["title"],
                    call_to_action=card_data["call_to_action"],
                    example=card_data["example"],
                    tip=card_data.get("tip", ""),
                )
                CardLink.objects.bulk_create(
                    CardLink(card=card, order=n, label=link["label"], url=link["url"])
                    for n, link in enumerate(card_data.get("links", []), start=1)
                )


def deck_export(*, deck: Deck) -> dict[str, Any]:
    """The deck in the import format; ``deck_import`` of the result recreates it."""
    themes = deck.themes.prefetch_related("cards__links")
    return {
        "format": FORMAT,
        "version": VERSION,
        "name": deck.name,
        "slug": deck.slug,
        "language": deck.language,
        "about": deck.about,
        "themes": [
            {
                "name": theme.name,
                "slug": theme.slug,
                "colour": theme.colour,
                "cards": [
                    {
                        "number": card.number,
                        "title": card.title,
                        "call_to_action": card.call_to_action,
                        "example": card.example,
                        "tip": card.tip,
                        "links": [
                            {"label": link.label, "url": link.url} for link in card.links.all()
                        ],
                    }
                    for card in theme.cards.all()
                ],
            }
            for theme in themes
        ],
    }
