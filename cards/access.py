"""Whose deck: who may see, play, copy and change which deck.

A deck belongs to the facilitator who made it (``owner``); a deck without an owner is
the admins'. The owner changes it; facilitators it is shared with, and every
facilitator once it is published, may play and copy it; admins may do everything.
Anyone else gets a 404, as with another facilitator's session. A frozen version
follows the deck it is a version of.

The card pages of a deck are public once it is published. The live game adds its own
readers (the players and the facilitator of a session that plays a version) through
``add_reader``: the cards app knows nothing of sessions.

Imports the models and the one rule of owned things (``innovation_track.ownership``).
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.models import AbstractBaseUser
from django.core import signing
from django.db.models import QuerySet
from django.http import HttpRequest

from cards.models import Deck
from innovation_track.ownership import Owned

Reader = Callable[[HttpRequest, Deck], bool]
_readers: list[Reader] = []


def add_reader(reader: Reader) -> None:
    """Let ``reader(request, deck)`` grant reading a deck's card pages (the game's
    sessions: game.apps registers it)."""
    if reader not in _readers:
        _readers.append(reader)


# Owned, shared and published: the rule programmes follow too (game.programmes.access).
DECKS = Owned(published="published")


def can_change(user: AbstractBaseUser, deck: Deck) -> bool:
    """The owner of an editable deck, or an admin; a frozen version never changes."""
    return not deck.frozen and DECKS.may_change(user, deck)


def can_use(user: AbstractBaseUser, deck: Deck) -> bool:
    """May play it in a session and copy it: who may change it, the facilitators it is
    shared with, and everyone once it is published (a version: as its deck)."""
    return DECKS.may_see(user, deck.base)


def can_read(request: HttpRequest, deck: Deck) -> bool:
    """May read its card pages and print it: anyone when published, who may use it,
    whoever holds a printed card's QR code (``print_token``), and whoever the game lets
    in (the players of a session that plays this version)."""
    if can_use(request.user, deck) or reads_by_print(request, deck):
        return True
    return any(reader(request, deck) for reader in _readers)


# A printed card of a deck that is not published carries a QR code to its page with this
# signed parameter: the page opens for whoever holds the paper, for as long as it lasts
# (no expiry; a new SECRET_KEY ends them all).
PRINT_READER = "druk"
PRINT_SALT = "cards.print"


def print_token(deck: Deck) -> str:
    return signing.dumps(deck.pk, salt=PRINT_SALT)


def reads_by_print(request: HttpRequest, deck: Deck) -> bool:
    token = request.GET.get(PRINT_READER, "")[:200]
    if not token:
        return False
    try:
        return signing.loads(token, salt=PRINT_SALT) == deck.pk
    except signing.BadSignature:
        return False


def decks_usable_by(user: AbstractBaseUser) -> QuerySet[Deck]:
    """The editable decks ``user`` may play and copy: their own, those shared with them,
    and the published ones; every deck for an admin."""
    return DECKS.visible(user, Deck.objects.filter(frozen=False))
