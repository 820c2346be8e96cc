"""Who may see and change a programme: its owner and admins change it; the facilitators it is
shared with see it and add their own sessions. Anyone else gets a 404, as for sessions."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser

from game.errors import Refused
from game.models import Programme
from innovation_track.ownership import Owned

# Owned and shared, never published: the rule decks follow too (cards.access).
PROGRAMMES = Owned()


class NotFound(Exception):
    """Not a programme this person may see (pages answer 404, as for sessions)."""


def programmes_for(user: AbstractBaseUser) -> list[Programme]:
    """The programmes a facilitator owns or has been given, newest first."""
    visible = PROGRAMMES.visible(user, Programme.objects.all())
    return list(visible.select_related("owner").prefetch_related("sessions"))


def programme_for(user: AbstractBaseUser, pk: int) -> Programme:
    programme = Programme.objects.select_related("owner").filter(pk=pk).first()
    if programme is None or not may_see(user, programme):
        raise NotFound
    return programme


def may_see(user: AbstractBaseUser, programme: Programme) -> bool:
    return PROGRAMMES.may_see(user, programme)


def may_change(user: AbstractBaseUser, programme: Programme) -> bool:
    return PROGRAMMES.may_change(user, programme)


def check_owner(by: AbstractBaseUser, programme: Programme) -> None:
    if not may_change(by, programme):
        raise Refused("owner_only")
