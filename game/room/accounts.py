"""Who may do what: facilitators and their sessions, and the player's cookie.

Facilitators are Django users with the ``game.host_workshop`` permission (through the
Facilitators group; who may host is ``innovation_track.hosting``); they run only their own sessions, admins run every session.
Players have no account: a signed cookie holds their token.
"""

from __future__ import annotations

import secrets
from enum import Enum

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core import signing
from django.db import connection

from game.errors import Refused
from game.models import Player, Workshop
from innovation_track.hosting import can_host as can_host  # the one rule, for the game's use

FACILITATORS = "Facilitators"
PLAYER_COOKIE = "player"
PLAYER_COOKIE_SALT = "game.player"


# --- facilitators -----------------------------------------------------------------------


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
    user = get_user_model().objects.create_user(username=username, email=email, password=password)
    user.groups.add(facilitator_group())
    return user


def can_invite(user: AbstractBaseUser) -> bool:
    """Admins, and facilitators given ``game.invite_facilitators`` (in the admin)."""
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_staff or user.is_superuser or user.has_perm("game.invite_facilitators"))
    )


# --- invitations ------------------------------------------------------------------------


class InvitationTokens(PasswordResetTokenGenerator):
    """Signed links for invitations, valid ``PASSWORD_RESET_TIMEOUT``. Like Django's reset
    links they hash the password and the last login, so a link is spent once the invitee
    has chosen a password and logged in; the salt keeps them apart from reset links."""

    key_salt = "game.room.accounts.InvitationTokens"


invitation_tokens = InvitationTokens()


class Invited(Enum):
    NEW = "new"  # an account was made, waiting for its password
    AGAIN = "again"  # invited before and not yet accepted: a new link
    HAS_ACCOUNT = "has_account"  # the address belongs to an account in use


def is_pending(user: AbstractBaseUser) -> bool:
    """Invited, and the invitation not yet accepted."""
    return not user.has_usable_password() and user.last_login is None


def facilitator_invite(*, email: str, by: AbstractBaseUser) -> tuple[AbstractBaseUser, Invited]:
    """The account for an invitation to this address: a new facilitator without a
    password (the invitee chooses one from the link), or the one already there."""
    if not can_invite(by):
        raise Refused("forbidden")
    users = get_user_model().objects
    existing = users.filter(email__iexact=email).order_by("pk").first()
    if existing is not None:
        return existing, (Invited.AGAIN if is_pending(existing) else Invited.HAS_ACCOUNT)
    # A name to start with; the invitee picks their own when accepting.
    username = email if not users.filter(username__iexact=email).exists() else ""
    username = username or f"invited-{secrets.token_hex(4)}"
    user = users.create_user(username=username, email=email)  # no usable password
    user.groups.add(facilitator_group())
    return user, Invited.NEW


def invitation_accept(*, user: AbstractBaseUser, username: str, password: str) -> None:
    """The invitee's own name and password; the link is spent once they log in."""
    user.username = username
    user.set_password(password)
    user.save(update_fields=["username", "password"])


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
