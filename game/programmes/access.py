"""Who may see and change a programme: its owner and admins change it; the facilitators it is
shared with see it and add their own sessions. Anyone else gets a 404, as for sessions."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q

from game.errors import Refused
from game.models import (
    Programme,
)


class NotFound(Exception):
    """Not a programme this person may see (pages answer 404, as for sessions)."""


# --- who may see and change a programme ------------------------------------------------------


def programmes_for(user: AbstractBaseUser) -> list[Programme]:
    """The programmes a facilitator owns or has been given, newest first."""
    if not user.is_authenticated:
        return []
    visible = Programme.objects.all()
    if not user.is_superuser:
        visible = visible.filter(Q(owner=user) | Q(shared_with=user))
    return list(visible.distinct().select_related("owner").prefetch_related("sessions"))


def programme_for(user: AbstractBaseUser, pk: int) -> Programme:
    programme = Programme.objects.select_related("owner").filter(pk=pk).first()
    if programme is None or not may_see(user, programme):
        raise NotFound
    return programme


def may_see(user: AbstractBaseUser, programme: Programme) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser or programme.owner_id == user.pk:
        return True
    return programme.shared_with.filter(pk=user.pk).exists()


def check_owner(by: AbstractBaseUser, programme: Programme) -> None:
    if not (by.is_superuser or programme.owner_id == by.pk):
        raise Refused("owner_only")
