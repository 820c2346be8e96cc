"""The player's phone: joining a session by its code, and the game page."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from game.errors import Refused
from game.models import Player
from game.room import join_limits
from game.room.join_links import workshop_by_link
from game.room.joining import player_join_by_link, player_join_typed
from game.room.sessions import normalise_code
from game.table.describe import EVENT_TEXTS
from game.views.common import current_player, remember_player, texts


class JoinForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=20)
    name = forms.CharField(label=_("Your name"), max_length=60)


def _joined(player: Player) -> HttpResponse:
    return remember_player(redirect("play"), player)


# A refusal's field on the join form; status 429 for the limits, 400 otherwise.
REFUSAL_FIELD = {"bad_name": "name", "name_taken": "name"}
LIMITS = ("too_many_attempts", "typing_limited")


def _refused(form: forms.Form, refusal: Refused) -> int:
    """Show the refusal on the form; its status."""
    field = None if refusal.code in LIMITS else REFUSAL_FIELD.get(refusal.code, "code")
    form.add_error(field if field in form.fields else None, refusal.message())
    return 429 if refusal.code in LIMITS else 400


def join(request: HttpRequest) -> HttpResponse:
    """Join with a typed code, within the limits on guessing codes."""
    form = JoinForm(request.POST or None, initial={"code": request.GET.get("code", "")})
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid():
        try:
            player = player_join_typed(
                **form.cleaned_data, address=join_limits.client_address(request)
            )
        except Refused as refusal:
            status = _refused(form, refusal)
        else:
            return _joined(player)
    context = {"form": form, "player": current_player(request)}
    return render(request, "game/join.html", context, status=status)


def join_short(request: HttpRequest, code: str) -> HttpResponse:
    """An unsigned short link (older QR codes and printouts): it fills in the code,
    which is then typed-code joining, limits included."""
    return redirect(f"{reverse('join')}?code={normalise_code(code)[:20]}")


class LinkJoinForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=60)


def join_link(request: HttpRequest, code: str, key: str) -> HttpResponse:
    """The QR code's target, the session's signed link: the phone gives only a name, and
    no one's wrong codes can refuse it."""
    form = LinkJoinForm(request.POST or None)
    try:
        workshop = workshop_by_link(code=code, key=key)
    except Refused as refusal:
        typed = JoinForm(initial={"code": normalise_code(code)[:20]})
        status = 410 if refusal.code == "session_ended" else 404
        context = {"form": typed, "refusal": refusal.message(), "player": current_player(request)}
        return render(request, "game/join.html", context, status=status)
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid():
        try:
            player = player_join_by_link(
                code=code,
                key=key,
                name=form.cleaned_data["name"],
                address=join_limits.client_address(request),
            )
        except Refused as refusal:
            status = _refused(form, refusal)
        else:
            return _joined(player)
    context = {"form": form, "link_workshop": workshop, "player": current_player(request)}
    return render(request, "game/join.html", context, status=status)


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
