"""Who may host: facilitators, with the ``game.host_workshop`` permission (through the
Facilitators group, game.room.accounts), and admins. One rule and one door for the
pages of the game and of the deck studio alike, so both fail the same way: someone not
logged in is sent to log in (and back), anyone else gets the 403 page that says why.

Imports nothing of the project: the cards app (which may not import the game) uses it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

HOST_PERMISSION = "game.host_workshop"


def can_host(user: AbstractBaseUser | AnonymousUser) -> bool:
    """A facilitator or an admin (an active superuser holds every permission)."""
    return bool(user.is_authenticated and user.has_perm(HOST_PERMISSION))


def host_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Facilitators and admins only: others are sent to log in, or refused (403)."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not can_host(request.user):
            return render(request, "host_only.html", status=403)
        return view(request, *args, **kwargs)

    return wrapped
