"""Who may do what: facilitators and their sessions, and the player's cookie.

Facilitators are Django users with the ``game.host_workshop`` permission (through the
Facilitators group); they run only their own sessions, admins run every session.
Players have no account: a signed cookie holds their token.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.core import signing
from django.db import connection

from game.errors import Refused
from game.models import Player, Workshop

FACILITATORS = "Facilitators"
PLAYER_COOKIE = "player"
PLAYER_COOKIE_SALT = "game.player"


# --- facilitators -----------------------------------------------------------------------


def can_host(user: AbstractBaseUser) -> bool:
    return bool(user.is_authenticated and user.has_perm("game.host_workshop"))


def can_run(user: AbstractBaseUser, workshop: Workshop) -> bool:
    """The session's own facilitator, or an admin."""
    return bool(user.is_authenticated and (user.is_superuser or workshop.facilitator_id == user.pk))


def check_runs(by: AbstractBaseUser, workshop: Workshop) -> None:
    """Refuse anyone but the session's facilitator or an admin."""
    if not can_run(by, workshop):
        raise Refused("forbidden")


def facilitator_group():
    """The group whose members may host sessions (created on first use)."""
    from django.contrib.auth.models import Group, Permission

    group, _created = Group.objects.get_or_create(name=FACILITATORS)
    permission = Permission.objects.get(codename="host_workshop", content_type__app_label="game")
    group.permissions.add(permission)
    return group


def facilitator_create(*, username: str, password: str, email: str = ""):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(username=username, email=email, password=password)
    user.groups.add(facilitator_group())
    return user


# --- players ------------------------------------------------------------------------------


def _player_signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=PLAYER_COOKIE_SALT)


def sign_player_token(token: str) -> str:
    """The player cookie's value: the token, signed with the site's SECRET_KEY."""
    return _player_signer().sign(token)


def player_token(cookies: dict[str, str]) -> str:
    """The token in the player's signed cookie, or "" when absent or tampered with."""
    value = cookies.get(PLAYER_COOKIE, "")
    try:
        return _player_signer().unsign(value) if value else ""
    except signing.BadSignature:
        return ""


def player_for_token(token: str) -> Player | None:
    """The person with this cookie token (a bot that took over their seat included)."""
    q = connection.ops.quote_name
    sql = (
        f"SELECT * FROM {q(Player._meta.db_table)} WHERE {q('token')} = %s"
        f" AND NOT {q('removed')} AND ({q('bot_level')} = '' OR {q('replaced')})"
    )
    return next(iter(Player.objects.raw(sql, [token])), None)
