"""Sessions and joining: a facilitator creates a session, people join it by its code.

Join codes are the phones' only key to a session; what limits guessing them is in
``game.room.join_limits``.
"""

from __future__ import annotations

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
    live.publish_dashboard(workshop.pk)  # it shows the settings
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


def clean_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not 1 <= len(cleaned) <= MAX_NAME:
        raise Refused("bad_name")
    return cleaned


def player_join(*, code: str, name: str) -> Player:
    return player_enter(workshop=workshop_by_code(code), name=name)


def player_enter(*, workshop: Workshop, name: str) -> Player:
    """A new player in this open session (found by its code or its signed link)."""
    cleaned = clean_name(name)
    try:
        with transaction.atomic():
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
