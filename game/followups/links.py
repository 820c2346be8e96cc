"""The mails' links: signed tokens (``django.core.signing``, a salt per purpose) holding the
player and the mail's kind, valid for ``TOKEN_MAX_AGE``; and a card's link that opens the
card pages of a deck that is not published."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

from django.core import signing
from django.http import HttpRequest

from cards.models import Card, Deck
from game.errors import Refused
from game.followups.schedule import KINDS
from game.models import (
    Player,
)

TOKEN_MAX_AGE = timedelta(days=90)
CHECKIN_SALT = "game.followups.checkin"
STOP_SALT = "game.followups.stop"
PLAN_SALT = "game.followups.plan"  # the plan mail's "open my plan": this browser becomes the phone
CARD_SALT = "game.followups.card"
# A mail's link to a card of a deck that is not published carries this signed parameter:
# the card pages open for whoever holds it (the player, on any device), for TOKEN_MAX_AGE.
CARD_READER = "lezer"


# --- the links --------------------------------------------------------------------------------


def card_link(card: Card, base: str) -> str:
    """The card's page, absolute; for a deck that is not published, with a signed
    parameter that opens the pages of the deck's version it belongs to."""
    url = base + card.get_absolute_url()
    deck = card.theme.deck
    if deck.base.published:
        return url
    return f"{url}?{urlencode({CARD_READER: signing.dumps(deck.pk, salt=CARD_SALT)})}"


def reads_by_link(request: HttpRequest, deck: Deck) -> bool:
    """The request holds a mail's signed link to this deck's cards, still valid."""
    token = request.GET.get(CARD_READER, "")
    if not token:
        return False
    try:
        return signing.loads(token, salt=CARD_SALT, max_age=TOKEN_MAX_AGE) == deck.pk
    except signing.BadSignature:
        return False


def signed_numbers(token: str, *keys: str, salt: str) -> tuple[int, ...]:
    """The numbers under ``keys`` in a mail link's signed token; Refused when the link is
    forged or expired (``TOKEN_MAX_AGE``)."""
    try:
        data = signing.loads(token, salt=salt, max_age=TOKEN_MAX_AGE)
        return tuple(int(data[key]) for key in keys)
    except signing.SignatureExpired:
        raise Refused("link_expired") from None
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise Refused("bad_link") from None


def make_token(player_id: int, kind: str, *, salt: str) -> str:
    return signing.dumps({"p": player_id, "k": kind}, salt=salt, compress=True)


def read_token(token: str, *, salt: str) -> tuple[Player, str]:
    """The player and the mail's kind of a link; Refused when it is forged, expired, or
    its player is gone (the session's people were deleted)."""
    try:
        data = signing.loads(token, salt=salt, max_age=TOKEN_MAX_AGE)
        player_id, kind = int(data["p"]), str(data["k"])
    except signing.SignatureExpired:
        raise Refused("link_expired") from None
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise Refused("bad_link") from None
    player = (
        Player.objects.select_related("workshop__deck").filter(pk=player_id, removed=False).first()
    )
    if player is None or kind not in KINDS:
        raise Refused("bad_link")
    return player, kind
