"""Consent and the address: a player's address is kept only with their consent (a checkbox
beside it on "Mijn actieplan"), erased when they stop the mails or it bounces; the plan
by mail when they ask for it."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from game.errors import Refused
from game.models import (
    CircleMember,
    CircleOptIn,
    HelpRequest,
    Mail,
    MailKind,
    Player,
    PlayerContact,
    Workshop,
)

log = logging.getLogger("game.followups")  # one logger for the whole outbox

LANGUAGES = ("nl", "en")
PLAN_ASK_INTERVAL = timedelta(minutes=10)  # "send me my plan" at most this often


# --- consent and the address -----------------------------------------------------------------


def contact_of(player: Player) -> PlayerContact | None:
    return PlayerContact.objects.filter(player=player).first()


def _check_contact_allowed(player: Player) -> Workshop:
    workshop = Workshop.objects.get(pk=player.workshop_id)
    if workshop.followups_moved is not None:
        raise Refused("followups_moved")
    return workshop


def contact_set(
    *, player: Player, email: str, consent: bool, language: str = "nl"
) -> PlayerContact | None:
    """Keep ``email`` for the player's plan and follow-ups, only with ``consent``. An
    address that is not one is refused and changes nothing; an empty address, or one
    without consent, removes what was kept (and the mails not sent yet)."""
    if player.is_bot:
        raise Refused("not_a_player")
    email = (email or "").strip()
    if len(email) > 254:
        raise Refused("bad_email", email=email[:40] + "…")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise Refused("bad_email", email=email[:60]) from None
    _check_contact_allowed(player)
    language = language if language in LANGUAGES else "nl"
    with transaction.atomic():
        if not (email and consent):
            PlayerContact.objects.filter(player=player).delete()
            _cancel_waiting(player.pk)
            return None
        contact, _created = PlayerContact.objects.update_or_create(
            player=player,
            defaults={
                "email": email,
                "language": language,
                "consented": timezone.now(),
                "stopped": None,
                "bounced": None,
            },
        )
    return contact


def _cancel_waiting(player_id: int) -> int:
    return Mail.objects.filter(
        player_id=player_id, status__in=(Mail.Status.PENDING, Mail.Status.SENDING)
    ).update(status=Mail.Status.CANCELLED)


def contact_stop(*, player: Player) -> bool:
    """The player stops the mails: the address is erased at once and nothing more is
    sent. The row stays, empty, so the programme still counts that an address was left.
    True when there was an address to erase."""
    with transaction.atomic():
        erased = (
            PlayerContact.objects.filter(player=player)
            .exclude(email="")
            .update(email="", stopped=timezone.now())
        )
        _cancel_waiting(player.pk)
        # Their requests for help go too (the helpers' mails not sent yet with them).
        HelpRequest.objects.filter(item__player=player).delete()
        # and their place in learning circles (no one is introduced to them any more).
        CircleOptIn.objects.filter(player=player).delete()
        CircleMember.objects.filter(player=player).delete()
    if erased:
        log.info("followups: player %s stopped the mails; address erased", player.pk)
    return bool(erased)


def contact_bounced(*, player_id: int) -> None:
    """The mail server refused the address for good: it is dropped, nothing more goes."""
    with transaction.atomic():
        PlayerContact.objects.filter(player_id=player_id).update(email="", bounced=timezone.now())
        _cancel_waiting(player_id)


def plan_mail_request(*, player: Player, now: datetime | None = None) -> Mail:
    """The player asks for their plan by mail now: it goes with the next run (and at once
    where the server sends at once, ``send_soon``)."""
    now = now or timezone.now()
    contact = contact_of(player)
    if contact is None or not contact.reachable:
        raise Refused("no_address")
    if not player.plan.exists():
        raise Refused("plan_empty")
    _check_contact_allowed(player)
    with transaction.atomic():
        mail, created = Mail.objects.select_for_update().get_or_create(
            player=player,
            kind=MailKind.PLAN,
            defaults={"due": now, "next_attempt": now},
        )
        if not created:
            if mail.status in (Mail.Status.PENDING, Mail.Status.SENDING):
                return mail  # on its way already
            if mail.sent and now - mail.sent < PLAN_ASK_INTERVAL:
                minutes = max(1, int((PLAN_ASK_INTERVAL - (now - mail.sent)).total_seconds() // 60))
                raise Refused("mail_just_sent", minutes=minutes)
            mail.status, mail.due, mail.next_attempt = Mail.Status.PENDING, now, now
            mail.attempts, mail.last_error = 0, ""
            mail.save()
    return mail
