"""The join link: what the QR code and the screen give phones, ``/j/<code>/<key>/``.

The key is signed for one session (an HMAC of its id, code and creation time under the
server's SECRET_KEY), so only someone who saw the screen has it, and a phone coming
through the link joins without the typed-code limits of ``game.room.join_limits``: no
one can lock a room out of its own link. It stops working when the session ends.

The key is 8 characters of the join codes' alphabet, so the link on the screen can be
typed too. Guessing a link means guessing a code and its key together (29^14 pairs): a
refusal says the same whether or not the code exists, so the link tells nothing about
codes to someone without the key.
"""

from __future__ import annotations

from django.utils.crypto import constant_time_compare, salted_hmac

from game.errors import Refused
from game.models import CODE_ALPHABET, Workshop
from game.room.sessions import normalise_code

KEY_LENGTH = 8
SALT = "game.room.join_links"


def link_key(workshop: Workshop) -> str:
    """The session's link key: 8 characters of the code alphabet."""
    message = f"{workshop.pk}:{workshop.code}:{workshop.created.isoformat()}"
    number = int.from_bytes(salted_hmac(SALT, message, algorithm="sha256").digest(), "big")
    characters = []
    for _position in range(KEY_LENGTH):
        number, digit = divmod(number, len(CODE_ALPHABET))
        characters.append(CODE_ALPHABET[digit])
    return "".join(characters)


def workshop_by_link(*, code: str, key: str) -> Workshop:
    """The open session this link was issued for. ``bad_join_link`` alike for a code that
    does not exist and a key that does not fit; ``session_ended`` once it ended."""
    workshop = Workshop.objects.filter(code=normalise_code(code)[:20]).first()
    if workshop is None or not constant_time_compare(link_key(workshop), normalise_code(key)):
        raise Refused("bad_join_link")
    if not workshop.is_open:
        raise Refused("session_ended")
    return workshop
