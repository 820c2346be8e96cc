"""One rule for anything owned and shared: a thing has an owner (``owner``, a user or
none: then it is the admins'), named facilitators it is shared with (``shared_with``) and,
for some things, a flag that opens it to everyone (``published``). The owner and the admins
change it; whoever it is shared with, and everyone once it is published, see it. Decks
(``cards.access``) and programmes (``game.programmes.access``) each say theirs in one line.

Imports Django only: the cards app and the game both stand on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q, QuerySet


def is_admin(user: AbstractBaseUser) -> bool:
    return bool(user.is_authenticated and user.is_superuser)


@dataclass(frozen=True)
class Owned:
    """The rule for one kind of thing; ``published`` names the field that opens a thing to
    everyone, or is None where nothing is ever open to everyone."""

    published: str | None = None

    def may_change(self, user: AbstractBaseUser, thing: Any) -> bool:
        """Its owner, or an admin."""
        if is_admin(user):
            return True
        return bool(
            user.is_authenticated and thing.owner_id is not None and thing.owner_id == user.pk
        )

    def may_see(self, user: AbstractBaseUser, thing: Any) -> bool:
        """Who may change it, whoever it is shared with, and everyone once it is published."""
        if self.published and getattr(thing, self.published):
            return True
        if self.may_change(user, thing):
            return True
        if not user.is_authenticated:
            return False
        return thing.shared_with.filter(pk=user.pk).exists()

    def visible(self, user: AbstractBaseUser, things: QuerySet) -> QuerySet:
        """Of ``things``, those ``user`` may see (``may_see``), in one query."""
        if is_admin(user):
            return things
        everyone = Q(**{self.published: True}) if self.published else None
        if not user.is_authenticated:
            return things.filter(everyone) if everyone is not None else things.none()
        seen = Q(owner=user) | Q(shared_with=user)
        if everyone is not None:
            seen |= everyone
        return things.filter(seen).distinct()
