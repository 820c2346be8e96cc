"""The player's action plan on the phone: the editor, autosave, print and download."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from cards.models import Card
from cards.text import booklet_plain
from game.errors import MESSAGES, Refused
from game.followups.consent import contact_of, contact_set, plan_mail_request
from game.followups.mail import send_soon
from game.models import MAX_PLAN_ITEMS, MAX_PLAN_MATES, Player, Sector
from game.plans import mates
from game.plans import services as plan_services
from game.plans.helpers import helper_json, helpers_by_card
from game.plans.markdown import plan_markdown
from game.plans.selectors import plan_of
from game.programmes.circles import circle_opt_in
from game.table import seats
from game.views.common import attachment, current_player, refused_json, site_base, texts
from innovation_track import boundary
from innovation_track.boundary import Flag, Shape, Text, Whole

MAX_PLAN_BYTES = 32_000

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
    "if_then": _("If … then I start (optional)"),
    "if_then_hint": _(
        "The moment that starts it, e.g. “If I see the alderman on Monday, I ask for a date.”"
    ),
    "choose": _("Choose…"),
    "add": _("Add to my plan"),
    "added": _("In my plan"),
    "mine": _("your quartet"),
    "in_room": _("laid in the room"),
    "closed": MESSAGES["plans_closed"],  # what saving answers then
    "not_email": _("This is not an e-mail address yet. Check it, for example name@example.org."),
    "need_consent": _("Tick the box to get your plan: without it your address is not kept."),
    "mail_kept": _("Saved: your plan will come to %(email)s."),
    "mail_removed": _("Your address is not kept."),
    "mail_sent": _("Your plan is on its way to %(email)s."),
    "helpers": _("Who can help"),
    "circle_on": _("Saved: you will be invited to a learning circle by mail."),
    "circle_off": _("Saved: no learning circle for you."),
    "mate_ask": _("Ask"),
    "mate_asked": _("Asked: waiting for their yes"),
    "mate_take_back": _("Take back"),
    "mate_asks_you": _("asks you to be plan mates"),
    "mate_yes": _("Yes"),
    "mate_no": _("No"),
    "mate_agreed": _("Plan mates ✓"),
    "mate_undo": _("Undo"),
}


def _laid_themes(player: Player) -> tuple[set[str], set[str]]:
    """The quartets the player laid, and those laid at any table of the session."""
    mine: set[str] = set()
    room: set[str] = set()
    for table in player.workshop.tables.all():
        laid = seats.state_block(table, None)["laid"] or []
        room.update(key for seat in laid for key in seat)
        if table.pk == player.table_id and player.seat is not None and laid:
            mine.update(laid[player.seat])
    return mine, room


def _themes(player: Player) -> list[dict]:
    """The deck's themes for the editor: the quartets the player laid first, then those
    laid in the room, then the rest."""
    collected, room = _laid_themes(player)
    themes = [
        {
            "key": theme.slug,
            "name": theme.name,
            "colour": theme.colour,
            "collected": theme.slug in collected,
            "in_room": theme.slug in room,
            "cards": [
                {
                    "key": c.key,
                    "number": c.number,
                    "title": c.title,
                    "cta": booklet_plain(c.call_to_action),
                }
                for c in theme.cards.all()
            ],
        }
        for theme in player.workshop.deck.themes.prefetch_related("cards")
    ]
    return sorted(themes, key=lambda theme: (not theme["collected"], not theme["in_room"]))


def _helpers(player: Player) -> dict[str, list[dict]]:
    """Per card of the deck (by key), the programme's helpers for it or its theme."""
    cards = list(
        Card.objects.filter(theme__deck_id=player.workshop.deck_id).select_related("theme")
    )
    found = helpers_by_card(player.workshop, cards)
    return {
        card.key: [helper_json(helper) for helper in found[card.pk]]
        for card in cards
        if found[card.pk]
    }


def plan_page(request: HttpRequest) -> HttpResponse:
    """The plan editor: up to 5 cards, collected ones first, saved as you type."""
    player = current_player(request)
    if player is None:
        return redirect("join")
    items = [
        {
            "card": i.card.key,
            "action": i.action,
            "sector": i.sector,
            "by_when": i.by_when,
            "if_then": i.if_then,
        }
        for i in plan_of(player)
    ]
    contact = contact_of(player)
    data = {
        "contact": {
            "email": contact.email if contact else "",
            "consent": bool(contact and contact.reachable),
        },
        "themes": _themes(player),
        "items": items,
        "sectors": [[value, str(label)] for value, label in Sector.choices],
        "editable": player.workshop.plans_open(),
        "mates": mates_state(player),
        "helpers": _helpers(player),
        "max": MAX_PLAN_ITEMS,
        "texts": texts(PLAN_TEXTS),
    }
    context = {
        "player": player,
        "data": data,
        # A session of a programme offers its learning circles.
        "circles": player.workshop.programmes.exists(),
        "circle_on": hasattr(player, "circle_opt_in"),
        "contact": contact,
        "mail_moved": player.workshop.followups_moved is not None,
        "plans_until": player.workshop.plans_until,
    }
    return render(request, "game/plan.html", context)


MAX_CONTACT_BYTES = 2_000


CONTACT = Shape(email=Text(MAX_CONTACT_BYTES, required=False), consent=Flag())


def _body(request: HttpRequest, shape, max_bytes: int, name: str = "") -> Any:
    """The request's JSON body checked against ``shape``; Malformed when it is not."""
    return shape.check(boundary.loads(request.body or b"null", max_bytes=max_bytes), name)


def _malformed(error: boundary.Malformed) -> JsonResponse:
    return refused_json(
        Refused.from_malformed(error), status=413 if error.code == "too_large" else 400
    )


@require_POST
def plan_contact(request: HttpRequest) -> HttpResponse:
    """The plan form's address and consent, autosaved: ``{"email", "consent"}``. A wrong
    address is refused and changes nothing; no consent (or no address) keeps none."""
    player = current_player(request)
    if player is None:
        return refused_json(Refused("not_a_player"), status=403)
    try:
        body = _body(request, CONTACT, MAX_CONTACT_BYTES)
        contact = contact_set(
            player=player,
            email=body["email"],
            consent=body["consent"],
            language=request.LANGUAGE_CODE,
        )
    except boundary.Malformed as error:
        return _malformed(error)
    except Refused as refusal:
        return refused_json(refusal)
    return JsonResponse({"ok": True, "kept": contact is not None})


@require_POST
def plan_send(request: HttpRequest) -> HttpResponse:
    """The player asks for their plan by mail now."""
    player = current_player(request)
    if player is None:
        return refused_json(Refused("not_a_player"), status=403)
    try:
        plan_mail_request(player=player)
    except Refused as refusal:
        return refused_json(refusal)
    send_soon(workshop_id=player.workshop_id, base_url=site_base(request))
    return JsonResponse({"ok": True})


@require_POST
def plan_save(request: HttpRequest) -> HttpResponse:
    player = current_player(request)
    if player is None:
        return refused_json(Refused("not_a_player"), status=403)
    try:
        saved = plan_services.plan_save(
            player=player, items=_body(request, plan_services.PLAN, MAX_PLAN_BYTES, "the plan")
        )
    except boundary.Malformed as error:
        return _malformed(error)
    except Refused as refusal:
        return refused_json(refusal)
    return JsonResponse({"ok": True, "count": len(saved)})


def plan_print(request: HttpRequest) -> HttpResponse:
    player = current_player(request)
    if player is None:
        return redirect("join")
    context = {"player": player, "items": plan_of(player)}
    return render(request, "game/plan_print.html", context)


def plan_download(request: HttpRequest) -> HttpResponse:
    player = current_player(request)
    if player is None:
        return redirect("join")
    markdown = plan_markdown(player)
    return attachment(markdown, "text/markdown; charset=utf-8", "mijn-actieplan.md")


MAX_MATE_BYTES = 500
MATE = Shape(
    action=Text(10, choices=frozenset(["ask", "yes", "no", "undo"])),
    player=Whole(1, 2**31 - 1),
)


def mates_state(player: Player) -> dict[str, Any]:
    """What the plan page shows of plan mates: the people at the player's table and where
    each stands with them; asking needs an address, and plans still open."""
    contact = contact_of(player)
    table = mates.table_mates(player)
    return {
        "mates": [{"id": m.player.pk, "name": m.player.name, "state": m.state} for m in table],
        "address": bool(contact and contact.reachable),
        "open": player.workshop.plans_open(),
        "full": sum(m.state in ("asked", "mates") for m in table) >= MAX_PLAN_MATES,
    }


@require_http_methods(["GET", "POST"])
def plan_mates(request: HttpRequest) -> HttpResponse:
    """GET: the table's people and where each stands. POST ``{"action": "ask" | "yes" |
    "no" | "undo", "player": id}``: ask a table-mate, answer their ask, or undo."""
    player = current_player(request)
    if player is None:
        return refused_json(Refused("not_a_player"), status=403)
    if request.method == "POST":
        try:
            body = _body(request, MATE, MAX_MATE_BYTES, "the plan mate")
            other, action = body["player"], body["action"]
            if action == "ask":
                mates.mate_ask(player=player, other_id=other)
            elif action == "undo":
                mates.mate_undo(player=player, other_id=other)
            else:
                mates.mate_answer(player=player, other_id=other, yes=action == "yes")
        except boundary.Malformed as error:
            return _malformed(error)
        except Refused as refusal:
            return refused_json(refusal)
    return JsonResponse(mates_state(player))


CIRCLE = Shape(on=Flag(required=True))


@require_POST
def plan_circle(request: HttpRequest) -> HttpResponse:
    """The plan page's "ik wil met anderen verder in een leerkring": ``{"on": true}``."""
    player = current_player(request)
    if player is None:
        return refused_json(Refused("not_a_player"), status=403)
    try:
        body = _body(request, CIRCLE, MAX_MATE_BYTES, "the learning circle")
        on = circle_opt_in(player=player, on=body["on"])
    except boundary.Malformed as error:
        return _malformed(error)
    except Refused as refusal:
        return refused_json(refusal)
    return JsonResponse({"ok": True, "on": on})
