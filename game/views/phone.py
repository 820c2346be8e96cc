"""The player's phone: joining a session by its code, and the game page."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from game.errors import Refused
from game.models import Player
from game.room import join_limits
from game.room.accounts import PLAYER_COOKIE, sign_player_token
from game.room.sessions import normalise_code, player_join
from game.table.describe import EVENT_TEXTS
from game.views.common import current_player, texts

PLAYER_COOKIE_AGE = 24 * 3600


class JoinForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=20)
    name = forms.CharField(label=_("Your name"), max_length=60)


def _joined(player: Player) -> HttpResponse:
    response = redirect("play")
    response.set_cookie(
        PLAYER_COOKIE,
        sign_player_token(player.token),
        max_age=PLAYER_COOKIE_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


def _try_join(request: HttpRequest, form: JoinForm) -> Player:
    """Join with the form's code and name; a wrong code counts against the address."""
    address = join_limits.client_address(request)
    join_limits.check(address)
    try:
        return player_join(code=form.cleaned_data["code"], name=form.cleaned_data["name"])
    except Refused as refusal:
        if refusal.code == "wrong_code":
            join_limits.record_wrong(address)
        raise


def join(request: HttpRequest) -> HttpResponse:
    form = JoinForm(request.POST or None, initial={"code": request.GET.get("code", "")})
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid():
        try:
            return _joined(_try_join(request, form))
        except Refused as refusal:
            field = {"bad_name": "name", "name_taken": "name", "too_many_attempts": None}
            form.add_error(field.get(refusal.code, "code"), refusal.message())
            status = 429 if refusal.code == "too_many_attempts" else 400
    context = {"form": form, "player": current_player(request)}
    return render(request, "game/join.html", context, status=status)


def join_short(request: HttpRequest, code: str) -> HttpResponse:
    """The QR code's target: a short URL that fills in the code."""
    return redirect(f"{reverse('join')}?code={normalise_code(code)}")


PLAY_TEXTS = {
    "online": _("Live"),
    "offline": _("Connection lost; reconnecting…"),
    "replaced": _("Opened in another tab or window. Come back to this page to play here."),
    "welcome": _("Welcome, %(name)s!"),
    "unseated": _("Wait a moment: the facilitator will seat you at a table."),
    "seated": _("You are at table %(number)s with %(others)s. The game starts soon."),
    "seated_alone": _("You are at table %(number)s. The game starts soon."),
    "your_turn": _("Your turn!"),
    "their_turn": _("%(name)s's turn"),
    "paused": _("The game is paused."),
    "over": _("The game is over."),
    "ended": _("The session has ended."),
    "taken_over": _("A bot plays your cards now."),
    "ask": _("May I have from %(target)s, from %(theme)s, %(card)s?"),
    "ask_pick": _("Choose a quartet, a card and a player"),
    "cards": _("%(count)s cards"),
    "you": _("you"),
    "bot": _("bot"),
    "winner": _("Winner!"),
    "quartets": _("%(count)s quartets"),
    "no_cards": _("You have no cards left."),
    "and": _("and"),
    "quartet_one": _("%(count)s quartet"),
    "quartet": _("Quartet!"),
    "quartet_by": _("%(name)s lays the quartet %(theme)s."),
    "winner_is": _("Winner: %(names)s"),
    "winners_are": _("Winners: %(names)s"),
    "none_yet": _("None yet."),
    "card": _("Card"),
    "away": _("away"),
    "stood_in": _("a bot plays for them"),
    "nudge_self": _("Your turn: the table is waiting for you."),
    "thinking": _("%(name)s is thinking…"),
    "back_title": _("Welcome back!"),
    "back_bot": _(
        "While you were away a bot played your cards: %(asks)s asks, %(hits)s cards won."
    ),
    "back_quartets": _("It laid these quartets for you: %(themes)s."),
    "back_hand": _("Your hand is yours again. Play on!"),
}


def play(request: HttpRequest) -> HttpResponse:
    player = current_player(request)
    if player is None:
        return redirect("join")
    strings = {**texts(PLAY_TEXTS), "events": texts(EVENT_TEXTS)}
    return render(request, "game/play.html", {"player": player, "strings": strings})
