"""Who may open the deck studio's pages: facilitators and admins, and of a deck's pages
only those whose deck it is to use or change (``cards.access``); anyone else gets a 404
for a deck, as for another facilitator's session."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_POST

from cards import access
from cards.models import Deck
from innovation_track.hosting import host_only

# Facilitators and admins; others are sent to log in, or refused with the same 403 page
# as the game's host pages (innovation_track.hosting).
facilitators_only = host_only


def deck_for(request: HttpRequest, slug: str, *, change: bool = False) -> Deck:
    """An editable deck the user may use (or change): a 404 for anyone else."""
    deck = get_object_or_404(Deck.objects.select_related("owner"), slug=slug, frozen=False)
    allowed = access.can_change if change else access.can_use
    if not allowed(request.user, deck):
        raise Http404("No such deck.")
    return deck


def deck_action(view: Callable[[HttpRequest, Deck], HttpResponse]):
    """One of a deck page's forms: posted by a facilitator who may change the deck (a 404
    for anyone else), the view given the deck."""

    @facilitators_only
    @require_POST
    @wraps(view)
    def wrapped(request: HttpRequest, deck: str) -> HttpResponse:
        return view(request, deck_for(request, deck, change=True))

    return wrapped
