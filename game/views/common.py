"""What the pages of every audience share: who is asking, refusals for scripts,
and the join URL phones are given."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse

from game.errors import Refused
from game.followups.links import reads_by_link
from game.models import Player, Workshop
from game.room.accounts import PLAYER_COOKIE, can_run, player_token, sign_player_token
from game.room.join_links import link_key
from game.room.sessions import player_by_token
from innovation_track.hosting import host_only as host_only  # the pages' one door


def refused_json(refusal: Refused, status: int = 400) -> JsonResponse:
    """A refusal for a page's script: its code and the message in the page's language."""
    return JsonResponse({"code": refusal.code, "message": refusal.message()}, status=status)


def texts(strings: Mapping[str, Any]) -> dict[str, str]:
    """Lazy UI strings, translated now, for a page's script (json_script)."""
    return {key: str(text) for key, text in strings.items()}


def current_player(request: HttpRequest) -> Player | None:
    return player_by_token(player_token(request.COOKIES))


def remember_player(response: HttpResponse, player: Player) -> HttpResponse:
    """This browser is ``player``'s phone from now on: the signed player cookie, kept for the
    day of the session and the days its plans stay open after it (``plan_days``)."""
    response.set_cookie(
        PLAYER_COOKIE,
        sign_player_token(player.token),
        max_age=int(timedelta(days=1 + player.workshop.plan_days).total_seconds()),
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


def workshop_for(request: HttpRequest, code: str) -> Workshop:
    workshop = get_object_or_404(Workshop.objects.select_related("deck"), code=code)
    if not can_run(request.user, workshop):
        raise Http404  # another facilitator's session: don't even confirm it exists
    return workshop


def reads_deck(request: HttpRequest, deck) -> bool:
    """A session plays this (frozen) deck and the request comes from one of its players
    or from whoever runs it, or holds a mail's signed link to its cards: they read its
    card pages even when it is not published (cards.access.add_reader; game.apps
    registers it)."""
    if reads_by_link(request, deck):
        return True
    player = current_player(request)
    if player is not None and player.workshop.deck_id == deck.pk:
        return True
    user = request.user
    if not user.is_authenticated:
        return False
    sessions = Workshop.objects.filter(deck=deck)
    return user.is_superuser or sessions.filter(facilitator=user).exists()


def join_url(request: HttpRequest, workshop: Workshop) -> str:
    """The URL phones open, the session's signed link (game.room.join_links): on
    PUBLIC_URL when set, else on the host the browser used."""
    path = reverse("join_link", kwargs={"code": workshop.code, "key": link_key(workshop)})
    if settings.PUBLIC_URL:
        return settings.PUBLIC_URL + path
    return request.build_absolute_uri(path)


def site_base(request: HttpRequest | None = None) -> str:
    """The base of links that leave the site (mails): PUBLIC_URL, else LOCAL_URL (the
    address `make run` serves). From configuration only: a request's Host header is the
    asker's to choose, so ``request`` is accepted and not used."""
    return settings.PUBLIC_URL or settings.LOCAL_URL


def attachment(content: str | bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
