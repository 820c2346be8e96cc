"""Asking a helper for help (the programme's "Wie kan helpen", game.programmes.helpers):
from a check-in, per card of the plan, with one line of question and an explicit consent
to pass the player's first name and address to that helper. The helper gets one mail
through the outbox (the player's address as Reply-To) with a one-tap "ik heb contact
opgenomen"; the player's next check-in asks whether help came. Nobody else ever sees
the address: the programme counts requests, contacts and what followed.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core import signing
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from game.errors import Refused
from game.followups.consent import contact_of
from game.followups.links import signed_numbers
from game.followups.message import first_name, mail_message
from game.models import Helper, HelpRequest, Mail, MailKind, PlanItem, Player, is_reachable
from game.plans.helpers import helpers_by_card
from innovation_track.boundary import has_control_characters

MAX_QUESTION = 200
AGAIN_AFTER = timedelta(days=1)  # one request per card and helper a day
CONTACT_SALT = "game.followups.help-contact"
HELPER_STOP_SALT = "game.followups.helper-stop"


def help_ask(
    *,
    player: Player,
    item_id: int,
    helper_id: int,
    question: str,
    consent: bool,
    now: datetime | None = None,
) -> HelpRequest:
    """The player asks ``helper_id`` for help with their plan's card ``item_id``: checked
    whole first (consent, the card in their plan, a helper for it with an address, one a
    day), then the request and its mail in the outbox."""
    now = now or timezone.now()
    question = " ".join((question or "").split())
    if not consent:
        raise Refused("help_needs_consent")
    if not 1 <= len(question) <= MAX_QUESTION or has_control_characters(question):
        raise Refused("help_question", most=MAX_QUESTION)
    item = PlanItem.objects.select_related("card__theme").filter(pk=item_id, player=player).first()
    if item is None:
        raise Refused("help_not_in_plan")
    helpers = {h.pk: h for h in helpers_by_card(player.workshop, [item.card])[item.card.pk]}
    helper = helpers.get(helper_id)
    if helper is None or not helper.email:
        raise Refused("help_no_helper", card=item.card.title)
    if not is_reachable(player.pk):
        raise Refused("no_address")
    with transaction.atomic():
        recent = HelpRequest.objects.select_for_update().filter(
            item=item, helper=helper, created__gt=now - AGAIN_AFTER
        )
        if recent.exists():
            raise Refused("help_twice", name=helper.name)
        request = HelpRequest.objects.create(
            item=item, helper=helper, question=question, consented=now
        )
        Mail.objects.create(
            player=player, kind=MailKind.HELP, help_request=request, due=now, next_attempt=now
        )
    return request


def contact_token(request_id: int) -> str:
    return signing.dumps({"r": request_id}, salt=CONTACT_SALT, compress=True)


def contact_url(request: HelpRequest, base: str) -> str:
    return base + reverse("followup_help_contact", kwargs={"token": contact_token(request.pk)})


def read_contact_token(token: str) -> HelpRequest:
    (request_id,) = signed_numbers(token, "r", salt=CONTACT_SALT)
    request = (
        HelpRequest.objects.select_related("helper", "item__card", "item__player__workshop")
        .filter(pk=request_id)
        .first()
    )
    if request is None:  # the player's data was deleted, or they stopped
        raise Refused("bad_link")
    return request


def helper_stop_url(helper_id: int, base: str) -> str:
    token = signing.dumps({"h": helper_id}, salt=HELPER_STOP_SALT, compress=True)
    return base + reverse("helper_stop", kwargs={"token": token})


def read_helper_stop_token(token: str) -> Helper:
    (helper_id,) = signed_numbers(token, "h", salt=HELPER_STOP_SALT)
    helper = Helper.objects.filter(pk=helper_id).first()
    if helper is None:
        raise Refused("bad_link")
    return helper


def helper_stop(*, helper: Helper) -> None:
    """A helper stops the mails: their address is erased from the programme's list (it
    is no longer shown or mailed), and their mails not sent yet are cancelled."""
    with transaction.atomic():
        Mail.objects.filter(
            help_request__helper=helper, status__in=(Mail.Status.PENDING, Mail.Status.SENDING)
        ).update(status=Mail.Status.CANCELLED)
        helper.email, helper.show_contact = "", False
        helper.save(update_fields=["email", "show_contact"])


def help_contacted(*, request: HelpRequest, now: datetime | None = None) -> HelpRequest:
    """The helper says they got in touch (the mail's one tap; again changes nothing)."""
    if request.contacted is None:
        request.contacted = now or timezone.now()
        request.save(update_fields=["contacted"])
    return request


def requests_of(player: Player) -> list[HelpRequest]:
    """The player's requests for help, oldest first: a check-in asks of each whether help
    came (and shows the answer given so far)."""
    return list(
        HelpRequest.objects.filter(item__player=player)
        .select_related("helper", "item__card")
        .order_by("created")
    )


def help_came_save(*, player: Player, answers: dict[int, bool]) -> int:
    """From a check-in: for each of the player's requests, whether help came."""
    saved = 0
    for request in HelpRequest.objects.filter(item__player=player, pk__in=list(answers)):
        request.help_came = answers[request.pk]
        request.save(update_fields=["help_came"])
        saved += 1
    return saved


def build_help_message(*, mail: Mail, base: str):
    """The one mail to the helper: the player's first name, the card, the question, the
    player's address as Reply-To (they agreed), and the "contact made" link."""
    request = mail.help_request
    player = request.item.player
    contact = contact_of(player)
    with translation.override("nl"):  # the programme's helpers are Dutch organisations
        subject = gettext("Request for help with %(card)s from %(name)s") % {
            "card": request.item.card.title,
            "name": first_name(player.name),
        }
        subject = " ".join(subject.split())
        context = {
            "subject": subject,
            "request": request,
            "first_name": first_name(player.name),
            "workshop": player.workshop,
            "contact_url": contact_url(request, base),
            "reply_to": contact.email,
            "language": "nl",
            "stop_url": helper_stop_url(request.helper_id, base),
        }
        text = render_to_string("game/mail/help.txt", context)
        html = render_to_string("game/mail/help.html", context)
    return mail_message(
        subject=subject,
        text=text,
        html=html,
        to=request.helper.email,
        stop_url=context["stop_url"],
        language="nl",
        reply_to=contact.email,
    )
