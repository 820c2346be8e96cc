"""Sessions and joining: a facilitator creates a session, people join it by its code.

Join codes are the phones' only key to a session; what limits guessing them is in
``game.room.join_limits``.
"""

from __future__ import annotations

import unicodedata

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import prefetch_related_objects

from cards import access
from cards.models import Deck
from cards.studio import deck_version_for_session
from game.errors import Refused
from game.models import (
    CODE_ALPHABET,
    CODE_LENGTH,
    TIMING_BOUNDS,
    Player,
    Workshop,
    new_join_code,
)
from game.realtime import live
from game.room import accounts
from game.room.accounts import can_host, check_runs

MAX_NAME = 30


def workshop_create(
    *,
    facilitator: AbstractBaseUser,
    name: str,
    deck: Deck,
    miss_passes_to: str = "asked",
    pause_on_quartet: int = 0,
    table_size: int = 5,
    **timing: int,
) -> Workshop:
    """``timing``: away_after, stand_in_after and nudge_after (see ``workshop_set_timing``).
    The session plays a frozen version of ``deck`` as it is now: later edits of the deck
    make new versions for later sessions."""
    if not can_host(facilitator) or not access.can_use(facilitator, deck):
        raise Refused("forbidden")
    problems = deck.problems()
    if problems:
        raise Refused("deck_not_playable", reasons=" ".join(problems))
    deck = deck_version_for_session(deck=deck)
    # Codes are random; on the rare collision draw again.
    for _attempt in range(20):
        try:
            with transaction.atomic():
                return Workshop.objects.create(
                    facilitator=facilitator,
                    name=name.strip(),
                    deck=deck,
                    code=new_join_code(),
                    miss_passes_to=miss_passes_to,
                    pause_on_quartet=pause_on_quartet,
                    table_size=table_size,
                    **_checked_timing(timing),
                )
        except IntegrityError:
            continue
    raise RuntimeError("no free join code found")


TIMING = tuple(TIMING_BOUNDS)  # away_after, stand_in_after, nudge_after


def _checked_timing(timing: dict[str, int]) -> dict[str, int]:
    unknown = set(timing) - set(TIMING)
    if unknown:
        raise TypeError(f"unknown settings {sorted(unknown)}")
    for name, value in timing.items():
        least, most = TIMING_BOUNDS[name]
        if not least <= value <= most:
            raise Refused("bad_message", detail=f"{name} must be {least}-{most} seconds")
    return timing


def workshop_set_timing(*, workshop: Workshop, by: AbstractBaseUser, **timing: int) -> Workshop:
    """When the player on turn counts as away (``away_after`` seconds without a
    connection), when a bot plays for them (``stand_in_after``, 0 = never) and when
    they get a nudge (``nudge_after``, 0 = never). Takes effect at the next scan."""
    check_runs(by, workshop)
    timing = _checked_timing(timing)
    Workshop.objects.filter(pk=workshop.pk).update(**timing)
    for name, value in timing.items():
        setattr(workshop, name, value)
    workshop_id = workshop.pk
    transaction.on_commit(lambda: live.publish_dashboard(workshop_id))  # it shows the settings
    return workshop


def normalise_code(code: str) -> str:
    """What people type: lower case, spaces, a dash, or look-alikes of the alphabet."""
    cleaned = "".join(code.split()).replace("-", "").upper()
    return cleaned.translate(str.maketrans({"0": "O", "1": "I", "L": "I"}))


def workshop_by_code(code: str) -> Workshop:
    cleaned = normalise_code(code)
    valid = len(cleaned) == CODE_LENGTH and all(c in CODE_ALPHABET for c in cleaned)
    workshop = Workshop.objects.filter(code=cleaned).first() if valid else None
    if workshop is None:
        raise Refused("wrong_code", code=code.strip()[:12] or "-")
    if not workshop.is_open:
        raise Refused("session_ended")
    return workshop


# Letters that show as nothing: a name of only these looks empty (they are not format
# characters, so the categories below do not catch them).
INVISIBLE_LETTERS = dict.fromkeys(map(ord, "\u115f\u1160\u17b4\u17b5\u3164\uffa0"))
# Control (Cc), format (Cf: zero-width characters, bidi controls and isolates),
# surrogate (Cs) and private-use (Co) characters: never part of a name.
DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co"})
# A name needs at least one letter, digit, punctuation mark or symbol to be seen.
VISIBLE_CATEGORIES = frozenset("LNPS")


def clean_name(name: str) -> str:
    """A name as it is stored and shown: Unicode NFKC (fullwidth letters become plain
    ones), white space collapsed to single spaces, and nothing that is invisible or
    changes how text around it runs (zero-width characters, bidi controls, controls)."""
    cleaned = _stripped(name)
    visible = any(unicodedata.category(char)[0] in VISIBLE_CATEGORIES for char in cleaned)
    if not visible or len(cleaned) > MAX_NAME:
        raise Refused("bad_name")
    return cleaned


def name_key(name: str) -> str:
    """What two names are compared by: the cleaned name case- and width-folded (NFKC
    casefold), so 'Anna', 'ANNA', 'An\u200bna' and 'Anna' in fullwidth letters are one name."""
    return unicodedata.normalize("NFKC", _stripped(name).casefold())


def _stripped(name: str) -> str:
    spaced = "".join(
        " " if char.isspace() else "" if unicodedata.category(char) in DROPPED_CATEGORIES else char
        for char in name.translate(INVISIBLE_LETTERS)
    )
    return " ".join(unicodedata.normalize("NFKC", spaced).split())


def player_join(*, code: str, name: str) -> Player:
    return player_enter(workshop=workshop_by_code(code), name=name)


def player_enter(*, workshop: Workshop, name: str) -> Player:
    """A new player in this open session (found by its code or its signed link)."""
    cleaned = clean_name(name)
    key = name_key(cleaned)
    try:
        with transaction.atomic():
            # One join to a session at a time, so two look-alike names cannot both pass
            # the check (the database's own constraint only knows lower case).
            Workshop.objects.select_for_update().filter(pk=workshop.pk).first()
            names = Player.objects.filter(workshop=workshop, removed=False)
            if any(name_key(other) == key for other in names.values_list("name", flat=True)):
                raise IntegrityError("a look-alike name")
            player = Player.objects.create(workshop=workshop, name=cleaned)
    except IntegrityError:
        raise Refused("name_taken", name=cleaned) from None
    transaction.on_commit(lambda: live.publish_arrival(workshop, player))
    return player


def player_by_token(token: str) -> Player | None:
    """The player with this cookie token (accounts.player_for_token: a person whose seat a bot
    took over still follows their table), with the session and table the pages use."""
    if not token:
        return None
    player = accounts.player_for_token(token)
    if player is not None:
        prefetch_related_objects([player], "workshop", "table")
    return player
