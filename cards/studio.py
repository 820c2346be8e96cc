"""The deck studio's services: make a deck (a copy, a spreadsheet, a JSON export),
change it, share and publish it, and the frozen versions sessions play.

Every write checks who asks (``cards.access``) and refuses a frozen version. Edits of
texts carry a stamp of what the editor started from (``stamp``): when someone else saved
in between, the save is refused with what they changed, never overwritten silently.

Imports the models, ``cards.access``, ``cards.deckio`` and ``cards.sheets``.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F, ProtectedError
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cards import access, deckio
from cards.models import (
    CARDS_PER_THEME,
    Card,
    CardLink,
    Deck,
    Language,
    Theme,
)
from cards.sheets import checking, reading
from innovation_track.hosting import can_host

STAMP_SALT = "cards.studio.stamp"


class EditConflict(Exception):
    """Someone saved the same thing after this editor opened it: ``changes`` maps each
    field they changed to its value now."""

    def __init__(self, changes: dict[str, Any]) -> None:
        self.changes = changes
        super().__init__(", ".join(changes))


# --- reading -----------------------------------------------------------------------------


def deck_data(deck: Deck) -> dict[str, Any]:
    """The deck in ``cards.deckio``'s format (the JSON export)."""
    return deckio.deck_export(deck=deck)


def content_of(deck: Deck) -> dict[str, Any]:
    """What a player sees of a deck: everything but its slug."""
    data = deck_data(deck)
    del data["slug"]
    return data


def stamp(values: Any) -> str:
    """What an editor started from, signed, to send back with the form."""
    return signing.dumps(values, salt=STAMP_SALT, compress=True)


def _unstamp(value: str) -> Any:
    try:
        return signing.loads(value, salt=STAMP_SALT)
    except signing.BadSignature:
        raise EditConflict({}) from None


def _check_unchanged(started: str, now: dict[str, Any]) -> None:
    """Refuse when the values ``now`` differ from those the editor ``started`` from."""
    before = _unstamp(started)
    if not isinstance(before, dict):
        raise EditConflict({})
    changes = {key: value for key, value in now.items() if before.get(key) != value}
    if changes:
        raise EditConflict(changes)


def _check_change(by: AbstractBaseUser, deck: Deck) -> None:
    if deck.frozen:
        raise PermissionDenied("a frozen version of a deck never changes")
    if not access.can_change(by, deck):
        raise PermissionDenied("not yours to change")


# --- making a deck ----------------------------------------------------------------------


RESERVED_SLUGS = {"nieuw"}  # /studio/nieuw/ makes a new deck


def free_slug(name: str, *, suffix: str = "") -> str:
    """A deck slug from ``name`` that no deck has yet."""
    base = (slugify(name)[: 90 - len(suffix)] or "deck") + suffix
    slug, n = base, 1
    while slug in RESERVED_SLUGS or Deck.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _create(*, data: dict[str, Any], owner: AbstractBaseUser | None, **fields: Any) -> Deck:
    """A new deck with the contents of checked deck ``data``. A slug taken by a deck
    created at the same moment: try the next one."""
    slug = fields.pop("slug", None)
    for _attempt in range(10):
        try:
            with transaction.atomic():
                deck = Deck.objects.create(
                    name=data["name"],
                    slug=slug or free_slug(data["name"]),
                    about=data.get("about", ""),
                    language=data.get("language", Language.NL),
                    owner=owner,
                    **fields,
                )
                deckio.deck_fill(deck=deck, themes=data["themes"])
                return deck
        except IntegrityError:
            if slug:
                raise
            continue
    raise RuntimeError("no free slug found")


def deck_copy(*, deck: Deck, by: AbstractBaseUser, name: str = "") -> Deck:
    """A deck of ``by``'s own with the contents of one they may use."""
    if not access.can_use(by, deck):
        raise PermissionDenied("not a deck you may copy")
    data = deck_data(deck)
    data["name"] = (name.strip() or _("Copy of %(name)s") % {"name": deck.name})[:100]
    return _create(data=data, owner=by)


def deck_from_sheet(
    *, by: AbstractBaseUser, name: str, content: bytes, filename: str = "", language: str = "nl"
) -> Deck:
    """A deck of ``by``'s from a CSV or XLSX file; SheetProblems listing every problem
    (and nothing saved) when the file is no deck."""
    rows = reading.read_rows(content, filename)
    data = checking.deck_data(rows, name=name.strip(), language=language)
    return _create(data=data, owner=by)


def deck_from_json(*, by: AbstractBaseUser, content: bytes, name: str = "") -> Deck:
    """A deck of ``by``'s from a JSON export (any deck's; its slug is not kept);
    SheetProblems listing every problem (and nothing saved) when the file is no deck."""
    data = reading.read_json(content)
    return _create(data=checking.export_deck_data(data, name=name.strip()), owner=by)


# --- changing a deck --------------------------------------------------------------------


def deck_values(deck: Deck) -> dict[str, Any]:
    return {"name": deck.name, "about": deck.about, "language": deck.language}


def deck_update(*, deck: Deck, by: AbstractBaseUser, started: str, **values: Any) -> Deck:
    """Name, about text and language."""
    _check_change(by, deck)
    with transaction.atomic():
        deck = Deck.objects.select_for_update().get(pk=deck.pk)
        _check_unchanged(started, deck_values(deck))
        for key in ("name", "about", "language"):
            setattr(deck, key, values[key])
        deck.full_clean(exclude=["slug", "owner", "source"])
        deck.save()
    return deck


def themes_values(deck: Deck) -> dict[str, Any]:
    """The themes as the theme form edits them, by id."""
    return {
        str(theme.pk): {"name": theme.name, "colour": theme.colour, "order": theme.order}
        for theme in deck.themes.all()
    }


def themes_update(
    *, deck: Deck, by: AbstractBaseUser, started: str, themes: dict[int, dict]
) -> None:
    """Names, colours and order of the deck's themes (``themes``: id -> name, colour,
    order; the order a position 1, 2, ... among them)."""
    _check_change(by, deck)
    with transaction.atomic():
        Deck.objects.select_for_update().get(pk=deck.pk)
        current = themes_values(deck)
        _check_unchanged(started, current)
        if set(map(str, themes)) != set(current):
            raise EditConflict({"themes": list(current)})
        # Free the orders first: (deck, order) is unique.
        Theme.objects.filter(deck=deck).update(order=F("order") + 1000)
        ranked = sorted(themes.items(), key=lambda item: (item[1]["order"], item[0]))
        for position, (pk, values) in enumerate(ranked, start=1):
            theme = Theme.objects.get(pk=pk, deck=deck)
            theme.name, theme.colour, theme.order = (
                values["name"].strip(),
                values["colour"],
                position,
            )
            theme.full_clean(exclude=["deck", "slug"])
            theme.save()


def theme_add(*, deck: Deck, by: AbstractBaseUser, name: str, colour: str) -> Theme:
    """A new theme at the end, with four cards to fill in."""
    from cards.models import MAX_THEMES

    _check_change(by, deck)
    with transaction.atomic():
        Deck.objects.select_for_update().get(pk=deck.pk)
        count = deck.themes.count()
        if count >= MAX_THEMES:
            raise PermissionDenied(f"a deck has at most {MAX_THEMES} themes")
        slug = checking.unique_slugs([name], lambda s: deck.themes.filter(slug=s).exists())[0]
        last = max(deck.themes.values_list("order", flat=True), default=0)
        theme = Theme(deck=deck, name=name.strip(), slug=slug, colour=colour, order=last + 1)
        theme.full_clean(exclude=["deck"])
        theme.save()
        for number in range(1, CARDS_PER_THEME + 1):
            Card.objects.create(
                theme=theme,
                number=number,
                title=_("%(theme)s card %(number)d") % {"theme": theme.name, "number": number},
                call_to_action=_("(to be written)"),
                example=_("(to be written)"),
            )
    return theme


def theme_delete(*, theme: Theme, by: AbstractBaseUser) -> None:
    _check_change(by, theme.deck)
    theme.delete()


def card_values(card: Card) -> dict[str, Any]:
    """The card as the card form edits it; ``links`` one a line as ``label | url``."""
    return {
        "title": card.title,
        "call_to_action": card.call_to_action,
        "example": card.example,
        "tip": card.tip,
        "links": "\n".join(f"{link.label} | {link.url}" for link in card.links.all()),
    }


def parse_links(text: str) -> tuple[list[dict[str, str]], list[str]]:
    """``label | url`` lines as links, and the problems of the lines that are none."""
    return checking.links_from_text(text)


def card_update(*, card: Card, by: AbstractBaseUser, started: str, **values: Any) -> Card:
    """A card's texts and links (``links``: checked ``parse_links`` output)."""
    deck = card.theme.deck
    _check_change(by, deck)
    with transaction.atomic():
        Deck.objects.select_for_update().get(pk=deck.pk)
        card = Card.objects.select_related("theme__deck").get(pk=card.pk)
        _check_unchanged(started, card_values(card))
        for key in ("title", "call_to_action", "example", "tip"):
            setattr(card, key, values[key])
        card.full_clean(exclude=["theme"])
        card.save()
        card.links.all().delete()
        CardLink.objects.bulk_create(
            CardLink(card=card, order=n, label=link["label"], url=link["url"])
            for n, link in enumerate(values["links"], start=1)
        )
    return card


def deck_share(*, deck: Deck, by: AbstractBaseUser, usernames: list[str]) -> list[str]:
    """Share with exactly these facilitators (by user name); returns the names that are
    no facilitator, and changes nothing then."""
    _check_change(by, deck)
    wanted = {name.strip() for name in usernames if name.strip()}
    users = list(get_user_model().objects.filter(username__in=wanted, is_active=True))
    hosts = [user for user in users if can_host(user)]
    unknown = sorted(wanted - {user.get_username() for user in hosts})
    if unknown:
        return unknown
    deck.shared_with.set([user for user in hosts if user.pk != deck.owner_id])
    return []


def deck_publish(*, deck: Deck, by: AbstractBaseUser, published: bool) -> Deck:
    _check_change(by, deck)
    Deck.objects.filter(pk=deck.pk).update(published=published)
    deck.published = published
    return deck


def deck_delete(*, deck: Deck, by: AbstractBaseUser) -> bool:
    """Delete the deck and its versions no session plays; the versions sessions play
    stay with them. Returns False when the deck cannot be deleted."""
    _check_change(by, deck)
    with transaction.atomic():
        for version in deck.versions.all():
            try:
                with transaction.atomic():
                    version.delete()
            except ProtectedError:  # a session plays it: it stays with the session
                continue
        deck.delete()
    return True


# --- the versions sessions play ---------------------------------------------------------


def deck_version_for_session(*, deck: Deck) -> Deck:
    """The frozen version of ``deck`` for a new session: its newest, or a new one when
    the deck changed since (or never had one). A frozen deck is its own version."""
    if deck.frozen:
        return deck
    with transaction.atomic():
        deck = Deck.objects.select_for_update().get(pk=deck.pk)
        latest = deck.versions.order_by("-version").first()
        content = content_of(deck)
        if latest is not None and content_of(latest) == content:
            return latest
        number = (latest.version if latest else 0) + 1
        data = {**content, "slug": ""}
        return _create(
            data=data,
            owner=deck.owner,
            slug=free_slug(deck.slug, suffix=f"-v{number}"),
            published=deck.published,
            source=deck,
            frozen=True,
            version=number,
        )


def versions_prune() -> int:
    """Delete the frozen versions no session plays any more (their sessions were
    purged), except each deck's newest, which the next session may take. Returns how
    many were deleted."""
    newest = {
        version.source_id: version.pk
        for version in Deck.objects.filter(frozen=True, source__isnull=False).order_by("version")
    }
    deleted = 0
    for version in Deck.objects.filter(frozen=True).exclude(pk__in=newest.values()):
        try:
            with transaction.atomic():
                version.delete()
        except ProtectedError:  # a session still plays it
            continue
        deleted += 1
    return deleted


def version_changed(deck: Deck) -> bool:
    """Whether the deck changed since its newest version (or has none)."""
    latest = deck.versions.order_by("-version").first()
    return latest is None or content_of(latest) != content_of(deck)
