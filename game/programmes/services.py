"""The writes of a programme: make, rename, share, add and remove sessions, delete; each
checks who may (``game.programmes.access``) first."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from game.errors import Refused
from game.models import (
    Programme,
    Workshop,
)
from game.programmes.access import check_owner, may_change, may_see
from game.room.accounts import can_host, can_run
from game.room.sessions import normalise_code

MAX_NAME = 100


def _clean_name(name: str) -> str:
    cleaned = " ".join((name or "").split())
    if not 1 <= len(cleaned) <= MAX_NAME:
        raise Refused("bad_programme_name")
    return cleaned


def programme_create(*, owner: AbstractBaseUser, name: str) -> Programme:
    if not can_host(owner) and not owner.is_superuser:
        raise Refused("forbidden")
    return Programme.objects.create(owner=owner, name=_clean_name(name))


def programme_rename(*, programme: Programme, by: AbstractBaseUser, name: str) -> Programme:
    check_owner(by, programme)
    programme.name = _clean_name(name)
    programme.save(update_fields=["name"])
    return programme


def programme_share(*, programme: Programme, by: AbstractBaseUser, username: str) -> Any:
    """Share with the facilitator called ``username``: they see the programme and may add
    their own sessions to it."""
    check_owner(by, programme)
    username = (username or "").strip()
    user = get_user_model().objects.filter(username=username).first()
    if user is None or not (can_host(user) or user.is_superuser):
        raise Refused("unknown_facilitator", name=username[:40] or "-")
    if user.pk != programme.owner_id:
        programme.shared_with.add(user)
    return user


def programme_unshare(*, programme: Programme, by: AbstractBaseUser, user_id: int) -> None:
    check_owner(by, programme)
    programme.shared_with.remove(user_id)


def programme_add_session(*, programme: Programme, by: AbstractBaseUser, code: str) -> Workshop:
    """Add a session the person runs (their own, or any for an admin) by its join code."""
    if not may_see(by, programme):
        raise Refused("forbidden")
    workshop = Workshop.objects.filter(code=normalise_code(code or "")).first()
    if workshop is None or not can_run(by, workshop):
        raise Refused("not_your_session", code=(code or "").strip()[:12] or "-")
    programme.sessions.add(workshop)
    return workshop


def programme_remove_session(
    *, programme: Programme, by: AbstractBaseUser, workshop_id: int
) -> None:
    """Take a session out: the owner may take any, a facilitator their own."""
    workshop = programme.sessions.filter(pk=workshop_id).first()
    if workshop is None:
        raise Refused("not_found")
    if not (may_change(by, programme) or can_run(by, workshop)):
        raise Refused("owner_only")
    programme.sessions.remove(workshop)


def programme_delete(*, programme: Programme, by: AbstractBaseUser) -> None:
    """The programme goes; its sessions stay."""
    check_owner(by, programme)
    with transaction.atomic():
        programme.delete()
