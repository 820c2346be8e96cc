"""The pages a plan or follow-up mail leads to, without an account: the check-in (how each
card of the plan is going), stopping the mails, and opening one's plan again (the plan
stays writable for the session's ``plan_days`` after it ended). The link's signed token is
the key.

A GET only shows: mail scanners open links. The check-in's form posts (with the CSRF
token of the page we rendered); stopping posts too, and also accepts the one-click post
of RFC 8058 that mail programs send without any cookie, so that view is exempt from
the CSRF check: the signed token is its authority, and all it can do is stop.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from game.errors import Refused
from game.followups.checkins import checkin_save, checkins_of
from game.followups.circles_mail import read_answer_token
from game.followups.consent import contact_of, contact_stop
from game.followups.help import (
    help_ask,
    help_came_save,
    help_contacted,
    helper_stop,
    read_contact_token,
    read_helper_stop_token,
    requests_of,
)
from game.followups.links import CHECKIN_SALT, PLAN_SALT, STOP_SALT, make_token, read_token
from game.followups.mail import send_soon
from game.followups.mates import read_thumbs_token, thumbs_send
from game.models import CheckInStatus, Player
from game.plans.helpers import helpers_by_card
from game.plans.selectors import plan_of
from game.programmes.circles import circle_answer, circle_opt_in
from game.views.common import remember_player, site_base


def _language(request: HttpRequest, player: Player) -> str:
    """The language the person chose with the button, else the one of their mails."""
    if request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME):
        return request.LANGUAGE_CODE
    contact = contact_of(player)
    return contact.language if contact else request.LANGUAGE_CODE


def _private(response: HttpResponse) -> HttpResponse:
    """A page behind a mail's link: its token stays out of other sites' logs (no
    referrer) and out of search engines."""
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex"
    return response


def _link_refused(request: HttpRequest, refusal: Refused) -> HttpResponse:
    status = 410 if refusal.code == "link_expired" else 404
    return render(request, "game/followup_link.html", {"message": refusal.message()}, status=status)


def _cards(player: Player, followup: int, chosen: dict[str, str]) -> list[dict]:
    """Each card of the plan with this follow-up's answer so far: the saved one, else what
    the mail's button chose (``chosen``, from the query), else the last follow-up's."""
    checkins = checkins_of(player)
    plan = plan_of(player)
    helpers = helpers_by_card(player.workshop, [item.card for item in plan])
    requests = requests_of(player)
    cards = []
    for item in plan:
        mine = checkins.get(item.pk, {})
        saved = mine.get(followup)
        before = mine.get(followup - 1) if followup > 1 else None
        status = chosen.get(f"status-{item.pk}", "")
        cards.append(
            {
                "item": item,
                "status": status
                if status in CheckInStatus.values
                else (saved.status if saved else ""),
                "note": saved.note if saved else "",
                "by_when": saved.by_when if saved else (before.by_when if before else item.by_when),
                "before": before,
                "saved": saved,
                # Who can help with it (those with an address can be asked), and the
                # requests made: did help come?
                "helpers": [h for h in helpers[item.card.pk] if h.email],
                "requests": [r for r in requests if r.item_id == item.pk],
            }
        )
    return cards


@require_http_methods(["GET", "POST"])
def followup_checkin(request: HttpRequest, token: str) -> HttpResponse:
    """How is each card going: done, started, not yet or dropped, with a line and a new
    "by when". Posting again updates the answers."""
    try:
        player, kind = read_token(token, salt=CHECKIN_SALT)
    except Refused as refusal:
        return _link_refused(request, refusal)
    followup = int(kind[-1]) if kind.startswith("followup") else 1
    with translation.override(_language(request, player)):
        error = ""
        chosen: dict[str, str] = dict(request.GET.items())
        if request.method == "POST":
            answers = {
                str(item.pk): {
                    "status": request.POST.get(f"status-{item.pk}", ""),
                    "note": request.POST.get(f"note-{item.pk}", ""),
                    "by_when": request.POST.get(f"by_when-{item.pk}", ""),
                }
                for item in plan_of(player)
            }
            try:
                checkin_save(
                    player=player,
                    followup=followup,
                    answers=answers,
                    named=request.POST.get("named") == "on",
                )
                help_came_save(player=player, answers=_help_came(request.POST))
                if "circle_shown" in request.POST:  # the tick was offered: keep what it says
                    circle_opt_in(player=player, on=request.POST.get("circle") == "on")
            except Refused as refusal:
                error = refusal.message()
                chosen = dict(request.POST.items())
            else:
                return redirect(f"{request.path}?saved=1")
        cards = _cards(player, followup, chosen)
        if error:  # show what they typed, not what was saved
            for card in cards:
                pk = card["item"].pk
                card["note"] = request.POST.get(f"note-{pk}", "")
                card["by_when"] = request.POST.get(f"by_when-{pk}", "")
        context = {
            "player": player,
            "workshop": player.workshop,
            "followup": followup,
            "cards": cards,
            "statuses": CheckInStatus.choices,
            "error": error,
            "saved": request.GET.get("saved") == "1" and not error,
            "named": any(card["saved"] and card["saved"].named for card in cards),
            "stop_url": _stop_url(player.pk, kind),
            "token": token,
            # A session of a programme offers its learning circles.
            "circles": player.workshop.programmes.exists(),
            "circle_on": hasattr(player, "circle_opt_in"),
        }
        response = render(
            request, "game/followup_checkin.html", context, status=400 if error else 200
        )
    return _private(response)


def plan_open(request: HttpRequest, token: str) -> HttpResponse:
    """The plan mail's "open my plan": this browser becomes the player's phone (their
    cookie) and shows their plan, writable while the session's plans are open."""
    try:
        player, _kind = read_token(token, salt=PLAN_SALT)
    except Refused as refusal:
        return _link_refused(request, refusal)
    response = remember_player(redirect("plan"), player)
    return _private(response)


def _stop_url(player_id: int, kind: str) -> str:
    token = make_token(player_id, kind, salt=STOP_SALT)
    return reverse("followup_stop", kwargs={"token": token})


@csrf_exempt  # RFC 8058: the mail program posts without cookies; the signed token decides
@require_http_methods(["GET", "POST"])
def followup_stop(request: HttpRequest, token: str) -> HttpResponse:
    """Stop the mails: GET asks to confirm, POST (the page's button, or a mail program's
    one-click ``List-Unsubscribe=One-Click``) erases the address."""
    try:
        player, _kind = read_token(token, salt=STOP_SALT)
    except Refused as refusal:
        return _link_refused(request, refusal)
    with translation.override(_language(request, player)):
        stopped = False
        if request.method == "POST":
            contact_stop(player=player)
            stopped = True
        contact = contact_of(player)
        context = {
            "workshop": player.workshop,
            "stopped": stopped or (contact is None or not contact.email),
        }
        response = render(request, "game/followup_stop.html", context)
    return _private(response)


@require_http_methods(["GET", "POST"])
def followup_thumbs(request: HttpRequest, token: str) -> HttpResponse:
    """A follow-up's "send a thumbs-up" to a plan mate: GET asks to confirm (mail scanners
    open links), POST sends it by mail, at most one a week."""
    try:
        sender, mate = read_thumbs_token(token)
    except Refused as refusal:
        return _link_refused(request, refusal)
    with translation.override(_language(request, sender)):
        context = {"workshop": sender.workshop, "mate": mate, "sent": False, "error": ""}
        status = 200
        if request.method == "POST":
            try:
                thumbs_send(sender=sender, mate=mate, base_url=site_base(request))
            except Refused as refusal:
                context["error"], status = refusal.message(), 400
            else:
                context["sent"] = True
        response = render(request, "game/followup_thumbs.html", context, status=status)
    return _private(response)


def _help_came(post) -> dict[int, bool]:
    """The check-in's "did help come?" answers: ``help_came-<request id>`` = yes / no."""
    answers = {}
    for key, value in post.items():
        number = key.removeprefix("help_came-")
        if number != key and number.isascii() and number.isdigit() and value in ("yes", "no"):
            answers[int(number[:9])] = value == "yes"
    return answers


@require_http_methods(["POST"])
def followup_help(request: HttpRequest, token: str) -> HttpResponse:
    """From a check-in: "I want help with this", to one of the card's helpers, with one
    line of question and the consent to pass the first name and address on."""
    try:
        player, _kind = read_token(token, salt=CHECKIN_SALT)
    except Refused as refusal:
        return _link_refused(request, refusal)
    checkin = reverse("followup_checkin", kwargs={"token": token})
    with translation.override(_language(request, player)):
        try:
            help_ask(
                player=player,
                item_id=_number(request.POST.get("item")),
                helper_id=_number(request.POST.get("helper")),
                question=request.POST.get("question", "")[:1000],
                consent=request.POST.get("consent") == "on",
            )
        except Refused as refusal:
            messages.error(request, refusal.message())
            return redirect(f"{checkin}#help")
        messages.success(request, _("Sent: the helper gets your question and your address."))
    send_soon(workshop_id=player.workshop_id, base_url=site_base(request))
    return redirect(f"{checkin}#help")


def _number(value: str | None) -> int:
    text = (value or "")[:12]
    return int(text) if text.isascii() and text.isdigit() else 0


@require_http_methods(["GET", "POST"])
def followup_help_contact(request: HttpRequest, token: str) -> HttpResponse:
    """The helper's one tap: "I have been in touch" (GET asks, POST records it)."""
    try:
        help_request = read_contact_token(token)
    except Refused as refusal:
        return _link_refused(request, refusal)
    language = request.LANGUAGE_CODE if request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) else "nl"
    with translation.override(language):
        if request.method == "POST":
            help_contacted(request=help_request)
        context = {"help_request": help_request, "done": help_request.contacted is not None}
        response = render(request, "game/followup_help_contact.html", context)
    return _private(response)


@require_http_methods(["GET", "POST"])
def circle_answer_page(request: HttpRequest, token: str) -> HttpResponse:
    """A learning circle's invitation: GET shows both buttons (mail scanners open links),
    POST ``answer=yes|no`` answers, once."""
    try:
        member = read_answer_token(token)
    except Refused as refusal:
        return _link_refused(request, refusal)
    with translation.override(_language(request, member.player)):
        error, status = "", 200
        if request.method == "POST":
            answer = request.POST.get("answer", "")
            try:
                if answer not in ("yes", "no"):
                    raise Refused("bad_message", detail="answer must be yes or no")
                member = circle_answer(member=member, join=answer == "yes")
            except Refused as refusal:
                error, status = refusal.message(), 400
        context = {"member": member, "circle": member.circle, "error": error}
        response = render(request, "game/circle_answer.html", context, status=status)
    return _private(response)


@csrf_exempt  # RFC 8058: the mail program posts without cookies; the signed token decides
@require_http_methods(["GET", "POST"])
def helper_stop_page(request: HttpRequest, token: str) -> HttpResponse:
    """A helper's "no more requests": GET asks, POST (or one-click) erases their address."""
    try:
        helper = read_helper_stop_token(token)
    except Refused as refusal:
        return _link_refused(request, refusal)
    with translation.override("nl"):
        if request.method == "POST":
            helper_stop(helper=helper)
        response = render(
            request, "game/helper_stop.html", {"helper": helper, "stopped": not helper.email}
        )
    return _private(response)
