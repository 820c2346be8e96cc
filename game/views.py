"""HTTP pages of the live game: joining, the player's page, and the facilitator's
session pages. Thin: forms in, a service call, a redirect or a page out."""

from __future__ import annotations

import io
import json

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from cards.models import Card, Deck
from game import live, plans, polls, services
from game.consumers import PLAYER_COOKIE, player_token, sign_player_token
from game.describe import EVENT_TEXTS, describe
from game.errors import Refused
from game.models import (
    MAX_PLAN_ITEMS,
    BotLevel,
    MissPassesTo,
    Player,
    Poll,
    PollTemplate,
    Sector,
    Table,
    TableEvent,
    Workshop,
)

PLAYER_COOKIE_AGE = 24 * 3600


def refused_json(refusal: Refused, status: int = 400) -> JsonResponse:
    """A refusal for a page's script: its code and the message in the page's language."""
    return JsonResponse({"code": refusal.code, "message": refusal.message()}, status=status)


# --- players ----------------------------------------------------------------------------


class JoinForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=20)
    name = forms.CharField(label=_("Your name"), max_length=60)


def _client_key(request: HttpRequest) -> str:
    if settings.SECURE_PROXY_SSL_HEADER:  # behind our proxy: the first hop is the client
        forwarded = request.headers.get("X-Forwarded-For", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "")


def _join_allowed(request: HttpRequest) -> bool:
    key = f"join-attempts:{_client_key(request)}"
    cache.add(key, 0, timeout=60)
    try:
        attempts = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=60)
        attempts = 1
    return attempts <= settings.JOIN_ATTEMPTS_PER_MINUTE


def current_player(request: HttpRequest) -> Player | None:
    return services.player_by_token(player_token(request.COOKIES))


def join(request: HttpRequest) -> HttpResponse:
    initial_code = request.GET.get("code", "")
    form = JoinForm(request.POST or None, initial={"code": initial_code})
    player = current_player(request)
    status = 200
    if request.method == "POST" and form.is_valid():
        if not _join_allowed(request):
            form.add_error(None, Refused("too_many_attempts").message())
            status = 429
        else:
            try:
                player = services.player_join(
                    code=form.cleaned_data["code"], name=form.cleaned_data["name"]
                )
            except Refused as refusal:
                field = {"bad_name": "name", "name_taken": "name"}.get(refusal.code, "code")
                form.add_error(field, refusal.message())
                status = 400
            else:
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
    elif request.method == "POST":
        status = 400
    return render(request, "game/join.html", {"form": form, "player": player}, status=status)


def join_short(request: HttpRequest, code: str) -> HttpResponse:
    """The QR code's target: a short URL that fills in the code."""
    return redirect(f"{reverse('join')}?code={services.normalise_code(code)}")


PLAY_TEXTS = {
    "online": _("Live"),
    "offline": _("Connection lost; reconnecting…"),
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
}


def play(request: HttpRequest) -> HttpResponse:
    player = current_player(request)
    if player is None:
        return redirect("join")
    strings = {key: str(text) for key, text in PLAY_TEXTS.items()}
    strings["events"] = {key: str(text) for key, text in EVENT_TEXTS.items()}
    return render(request, "game/play.html", {"player": player, "strings": strings})


# --- facilitators --------------------------------------------------------------------------


def _host_only(view):
    @login_required
    def wrapped(request: HttpRequest, *args, **kwargs):
        if not services.can_host(request.user) and not request.user.is_superuser:
            return render(request, "game/forbidden.html", status=403)
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    return wrapped


def _workshop_for(request: HttpRequest, code: str) -> Workshop:
    workshop = get_object_or_404(Workshop.objects.select_related("deck"), code=code)
    if not services.can_run(request.user, workshop):
        raise Http404  # another facilitator's session: don't even confirm it exists
    return workshop


class WorkshopForm(forms.Form):
    name = forms.CharField(label=_("Name of the session"), max_length=100)
    deck = forms.ModelChoiceField(label=_("Deck"), queryset=Deck.objects.none(), empty_label=None)
    table_size = forms.IntegerField(
        label=_("At most this many players per table"), min_value=3, max_value=6, initial=5
    )
    miss_passes_to = forms.ChoiceField(
        label=_("After a miss the turn goes to"), choices=MissPassesTo.choices
    )
    pause_on_quartet = forms.IntegerField(
        label=_("Pause to talk after a quartet (seconds, 0 = no pause)"),
        min_value=0,
        max_value=600,
        initial=0,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        playable = [deck.pk for deck in Deck.objects.all() if deck.is_playable]
        self.fields["deck"].queryset = Deck.objects.filter(pk__in=playable)


@_host_only
def host_home(request: HttpRequest) -> HttpResponse:
    form = WorkshopForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            workshop = services.workshop_create(facilitator=request.user, **form.cleaned_data)
        except Refused as refusal:
            form.add_error(None, refusal.message())
        else:
            return redirect("host:session", code=workshop.code)
    workshops = Workshop.objects.filter(facilitator=request.user).select_related("deck")
    return render(request, "game/host_home.html", {"form": form, "workshops": workshops})


def _join_url(request: HttpRequest, workshop: Workshop) -> str:
    return request.build_absolute_uri(reverse("join_short", kwargs={"code": workshop.code}))


@_host_only
def host_session(request: HttpRequest, code: str) -> HttpResponse:
    workshop = _workshop_for(request, code)
    context = {"workshop": workshop, "join_url": _join_url(request, workshop), **_panel(workshop)}
    return render(request, "game/host_session.html", context)


@_host_only
def host_panel(request: HttpRequest, code: str) -> HttpResponse:
    """The live part of the dashboard, re-fetched when the socket says something changed."""
    workshop = _workshop_for(request, code)
    return render(request, "game/host_panel.html", {"workshop": workshop, **_panel(workshop)})


@_host_only
def host_qr(request: HttpRequest, code: str) -> HttpResponse:
    workshop = _workshop_for(request, code)
    qr = segno.make(_join_url(request, workshop), error="m")
    svg = io.BytesIO()
    qr.save(svg, kind="svg", scale=8, border=2, dark="#1c1c24", light="#ffffff", xmldecl=False)
    return HttpResponse(svg.getvalue(), content_type="image/svg+xml")


@_host_only
def projector(request: HttpRequest, code: str) -> HttpResponse:
    """The big screen: join code and names, then every table, then the ranking."""
    workshop = _workshop_for(request, code)
    themes = {
        theme.slug: {
            "name": theme.name,
            "colour": theme.colour,
            "cards": [
                {"number": c.number, "title": c.title, "cta": c.call_to_action}
                for c in theme.cards.all()
            ],
        }
        for theme in workshop.deck.themes.prefetch_related("cards")
    }
    strings = {key: str(text) for key, text in PROJECTOR_TEXTS.items()}
    context = {
        "workshop": workshop,
        "join_url": _join_url(request, workshop),
        "themes": themes,
        "strings": strings,
        **_projector(workshop),
    }
    return render(request, "game/projector.html", context)


@_host_only
def projector_panel(request: HttpRequest, code: str) -> HttpResponse:
    workshop = _workshop_for(request, code)
    context = {
        "workshop": workshop,
        "join_url": _join_url(request, workshop),
        **_projector(workshop),
    }
    return render(request, "game/projector_panel.html", context)


PROJECTOR_TEXTS = {
    "quartet": _("Table %(table)s lays the quartet %(theme)s"),
}


def _projector(workshop: Workshop) -> dict:
    panel = _panel(workshop)
    rows = panel["rows"]
    started = [row for row in rows if row["table"].status != Table.Status.WAITING]
    over = bool(started) and all(row["table"].status == Table.Status.OVER for row in started)
    phase = "before" if not started else ("after" if over or not workshop.is_open else "during")
    room = sorted(
        (
            {"name": m["player"].name, "table": row["table"].number, "score": len(m["quartets"])}
            for row in started
            for m in row["members"]
        ),
        key=lambda entry: (-entry["score"], entry["table"], entry["name"]),
    )
    for row in started:
        row["ranked"] = sorted(row["members"], key=lambda m: -len(m["quartets"]))
    top = room[0]["score"] if room else 0
    for entry in room:
        entry["first"] = entry["score"] == top and top > 0
    titles = {theme.slug: theme.name for theme in workshop.deck.themes.all()}
    feed = [
        {
            "table": event.table.number,
            "theme": titles.get(event.data["theme"], event.data["theme"]),
            "seat": event.data["seat"],
        }
        for event in TableEvent.objects.filter(table__workshop=workshop, data__type="quartet_laid")
        .select_related("table")
        .order_by("-created", "-seq")[:8]
    ]
    names = {
        (row["table"].number, m["player"].seat): m["player"].name
        for row in rows
        for m in row["members"]
    }
    for item in feed:
        item["name"] = names.get((item["table"], item["seat"]), "?")
    return {
        **panel,
        "phase": phase,
        "started": started,
        "room": room,
        "feed": feed,
        "top_ideas": plans.top_ideas(workshop),
    }


def _panel(workshop: Workshop) -> dict:
    from game.live import state_block

    tables = list(workshop.tables.prefetch_related("players").order_by("number"))
    rows = []
    titles = {theme.slug: theme.name for theme in workshop.deck.themes.all()}
    card_titles = {
        card.key: card.title
        for card in Card.objects.filter(theme__deck=workshop.deck).select_related("theme")
    }
    for table in tables:
        members = sorted(
            (p for p in table.players.all() if not p.removed), key=lambda p: p.seat or 0
        )
        block = state_block(table, None)
        last = table.events.order_by("-seq").first()
        rows.append(
            {
                "table": table,
                "members": [
                    {
                        "player": p,
                        "cards": block["counts"][p.seat] if block["counts"] else None,
                        "quartets": [titles.get(t, t) for t in block["laid"][p.seat]]
                        if block["laid"]
                        else [],
                        "turn": block["turn"] == p.seat,
                        "winner": p.seat in block["winners"],
                    }
                    for p in members
                ],
                "last": describe(last.data, {p.seat: p.name for p in members}, card_titles, titles)
                if last
                else None,
                "block": block,
            }
        )
    unseated = workshop.players.filter(removed=False, table__isnull=True, bot_level="")
    workshop_polls = [
        {"poll": poll, "rows": list(zip(poll.answers, polls.poll_counts(poll), strict=True))}
        for poll in workshop.polls.prefetch_related("votes")
    ]
    return {
        "polls": workshop_polls,
        "open_poll": next((p for p in workshop_polls if p["poll"].status == "open"), None),
        "ready_polls": PollTemplate.objects.all(),
        "rows": rows,
        "tables": tables,
        "waiting_tables": [t for t in tables if t.status == Table.Status.WAITING],
        "unseated": list(unseated),
        "players_count": workshop.players.filter(removed=False, bot_level="").count(),
        "bot_levels": BotLevel.choices,
    }


ACTIONS = {
    "arrange": lambda w, by, d: services.tables_arrange(workshop=w, by=by),
    "add_table": lambda w, by, d: services.table_add(workshop=w, by=by),
    "start_all": lambda w, by, d: services.workshop_start_all(workshop=w, by=by),
    "pause_all": lambda w, by, d: services.workshop_pause(workshop=w, by=by, paused=True),
    "resume_all": lambda w, by, d: services.workshop_pause(workshop=w, by=by, paused=False),
    "end": lambda w, by, d: services.workshop_end(workshop=w, by=by),
    "forget_people": lambda w, by, d: plans.workshop_forget_people(workshop=w, by=by),
    "poll_ready": lambda w, by, d: polls.poll_open(
        poll=polls.poll_from_template(workshop=w, by=by, template=d.template()), by=by
    ),
    "poll_new": lambda w, by, d: polls.poll_open(
        poll=polls.poll_create(
            workshop=w, by=by, question=d.get("question"), answers=d.get("answers").splitlines()
        ),
        by=by,
    ),
    "poll_open": lambda w, by, d: polls.poll_open(poll=d.poll(), by=by),
    "poll_close": lambda w, by, d: polls.poll_close(poll=d.poll(), by=by),
    "start": lambda w, by, d: services.table_start(table=d.table(), by=by),
    "pause": lambda w, by, d: services.table_pause(table=d.table(), by=by, paused=True),
    "resume": lambda w, by, d: services.table_pause(table=d.table(), by=by, paused=False),
    "add_bot": lambda w, by, d: services.bot_add(table=d.table(), level=d.get("level"), by=by),
    "move": lambda w, by, d: services.player_move(player=d.player(), table=d.table(), by=by),
    "remove": lambda w, by, d: services.player_remove(player=d.player(), by=by),
    "replace": lambda w, by, d: services.player_replace_with_bot(
        player=d.player(), by=by, level=d.get("level") or BotLevel.SMART
    ),
}


class ActionData:
    """The ids a dashboard button posts, looked up inside this session only."""

    def __init__(self, workshop: Workshop, data) -> None:
        self.workshop, self.data = workshop, data

    def get(self, name: str) -> str:
        return self.data.get(name, "")

    def _id(self, name: str) -> int:
        value = self.get(name)
        if not value.isdigit():
            raise Refused("not_found")
        return int(value)

    def table(self) -> Table:
        table = Table.objects.filter(workshop=self.workshop, pk=self._id("table")).first()
        if table is None:
            raise Refused("not_found")
        table.workshop = self.workshop
        return table

    def poll(self) -> Poll:
        poll = Poll.objects.filter(workshop=self.workshop, pk=self._id("poll")).first()
        if poll is None:
            raise Refused("not_found")
        poll.workshop = self.workshop
        return poll

    def template(self) -> PollTemplate:
        template = PollTemplate.objects.filter(pk=self._id("template")).first()
        if template is None:
            raise Refused("not_found")
        return template

    def player(self) -> Player:
        player = Player.objects.filter(workshop=self.workshop, pk=self._id("player")).first()
        if player is None:
            raise Refused("not_found")
        player.workshop = self.workshop
        return player


@require_POST
@_host_only
def host_action(request: HttpRequest, code: str) -> HttpResponse:
    workshop = _workshop_for(request, code)
    action = ACTIONS.get(request.POST.get("action", ""))
    wants_json = request.headers.get("Accept", "").startswith("application/json")
    try:
        if action is None:
            raise Refused("unknown_type", kind=request.POST.get("action", "")[:40])
        action(workshop, request.user, ActionData(workshop, request.POST))
    except Refused as refusal:
        if wants_json:
            return refused_json(refusal)
        messages.error(request, refusal.message())
    else:
        if wants_json:
            return JsonResponse({"ok": True})
    return redirect("host:session", code=workshop.code)


# --- from game to action ---------------------------------------------------------------------


def plan_page(request: HttpRequest) -> HttpResponse:
    """The plan editor: up to 5 cards, collected ones first, saved as you type."""
    player = current_player(request)
    if player is None:
        return redirect("join")
    workshop = player.workshop
    collected = _collected_themes(player)
    themes = []
    for theme in workshop.deck.themes.prefetch_related("cards"):
        themes.append(
            {
                "key": theme.slug,
                "name": theme.name,
                "colour": theme.colour,
                "collected": theme.slug in collected,
                "cards": [
                    {"key": c.key, "number": c.number, "title": c.title, "cta": c.call_to_action}
                    for c in theme.cards.all()
                ],
            }
        )
    themes.sort(key=lambda theme: not theme["collected"])  # collected quartets first
    items = [
        {"card": i.card.key, "action": i.action, "sector": i.sector, "by_when": i.by_when}
        for i in plans.plan_of(player)
    ]
    data = {
        "themes": themes,
        "items": items,
        "sectors": [[value, str(label)] for value, label in Sector.choices],
        "editable": workshop.is_open,
        "max": MAX_PLAN_ITEMS,
        "texts": {key: str(text) for key, text in PLAN_TEXTS.items()},
    }
    return render(request, "game/plan.html", {"player": player, "data": data})


PLAN_TEXTS = {
    "saved": _("Saved"),
    "saving": _("Saving…"),
    "offline": _("Not saved yet: no connection. Your text is kept on this phone."),
    "full": _("Your plan holds 5 cards: remove one to add another."),
    "remove": _("Remove"),
    "up": _("Move up"),
    "down": _("Move down"),
    "what": _("What will you do?"),
    "with": _("With whom?"),
    "when": _("By when?"),
    "choose": _("Choose…"),
    "add": _("Add to my plan"),
    "added": _("In my plan"),
    "closed": _("The session is closed: your plan can no longer change."),
}


def _collected_themes(player: Player) -> set[str]:
    from game.live import state_block

    if player.table is None or player.seat is None:
        return set()
    block = state_block(player.table, None)
    return set(block["laid"][player.seat]) if block["laid"] else set()


@require_POST
def plan_save(request: HttpRequest) -> HttpResponse:
    player = current_player(request)
    if player is None:
        return refused_json(Refused("not_a_player"), status=403)
    if len(request.body) > 32_000:
        return refused_json(Refused("too_large", limit=32_000), status=413)
    try:
        items = json.loads(request.body or b"null")
        saved = plans.plan_save(player=player, items=items)
    except ValueError:
        return refused_json(Refused("bad_json"))
    except Refused as refusal:
        return refused_json(refusal)
    transaction.on_commit(lambda: live.publish_plans(player.workshop_id))
    return JsonResponse({"ok": True, "count": len(saved)})


def plan_print(request: HttpRequest) -> HttpResponse:
    player = current_player(request)
    if player is None:
        return redirect("join")
    return render(
        request, "game/plan_print.html", {"player": player, "items": plans.plan_of(player)}
    )


def plan_download(request: HttpRequest) -> HttpResponse:
    player = current_player(request)
    if player is None:
        return redirect("join")
    response = HttpResponse(
        plans.plan_markdown(player), content_type="text/markdown; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="mijn-actieplan.md"'
    return response


@_host_only
def host_results(request: HttpRequest, code: str) -> HttpResponse:
    workshop = _workshop_for(request, code)
    return render(request, "game/results.html", {"workshop": workshop, **plans.results(workshop)})


@_host_only
def host_results_csv(request: HttpRequest, code: str) -> HttpResponse:
    workshop = _workshop_for(request, code)
    response = HttpResponse(plans.results_csv(workshop), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="actieplannen-{workshop.code}.csv"'
    return response
