"""Plan mates in the mails (game.plans.mates makes the pairs): each follow-up shows, for
every plan mate who said yes and still has an address, which of their cards are started
or done (titles and status only, never their notes), with a one-tap thumbs-up that tells
the mate by mail that someone noticed, at most one a week each way.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext

from game.errors import Refused, describe
from game.followups.checkins import checkins_of
from game.followups.consent import contact_of
from game.followups.links import STOP_SALT, make_token, signed_numbers
from game.followups.message import mail_message
from game.models import ACTIVE, CheckInStatus, MailKind, PlanMate, Player, PlayerContact
from game.plans.mates import agreed_mates
from game.plans.selectors import plan_of

log = logging.getLogger("game.followups")

THUMBS_SALT = "game.followups.thumbs"
THUMBS_EVERY = timedelta(days=7)  # at most one thumbs-up a week from one mate to the other


@dataclass(frozen=True)
class MateProgress:
    """A plan mate as a follow-up shows them: their name, their cards that are started or
    done by the latest check-in (title, status), and the thumbs-up link."""

    name: str
    cards: list[tuple[str, str]]
    thumbs_url: str


def thumbs_token(sender_id: int, mate_id: int) -> str:
    return signing.dumps({"p": sender_id, "m": mate_id}, salt=THUMBS_SALT, compress=True)


def read_thumbs_token(token: str) -> tuple[Player, Player]:
    """The sender and the mate of a thumbs-up link; Refused when the link is forged or
    expired, or either person is gone (their session's people were deleted)."""
    sender_id, mate_id = signed_numbers(token, "p", "m", salt=THUMBS_SALT)
    people = {
        p.pk: p
        for p in Player.objects.select_related("workshop").filter(
            pk__in=(sender_id, mate_id), removed=False
        )
    }
    if sender_id not in people or mate_id not in people:
        raise Refused("bad_link")
    return people[sender_id], people[mate_id]


def mates_progress(player: Player, base: str) -> list[MateProgress]:
    """The player's plan mates for their follow-up mail."""
    statuses = dict(CheckInStatus.choices)
    progress = []
    for mate in agreed_mates(player.pk):
        checkins = checkins_of(mate)
        cards = []
        for item in plan_of(mate):
            latest = max(checkins.get(item.pk, {}).items(), default=(0, None))[1]
            if latest is not None and latest.status in ACTIVE:
                cards.append((item.card.title, str(statuses[latest.status])))
        url = base + reverse("followup_thumbs", kwargs={"token": thumbs_token(player.pk, mate.pk)})
        progress.append(MateProgress(mate.name, cards, url))
    return progress


def _pair(sender: Player, mate: Player) -> PlanMate:
    pair = (
        PlanMate.objects.select_for_update()
        .filter(Q(asker=sender, mate=mate) | Q(asker=mate, mate=sender), agreed__isnull=False)
        .first()
    )
    if pair is None:
        raise Refused("mate_gone")
    return pair


def thumbs_send(
    *, sender: Player, mate: Player, base_url: str, now: datetime | None = None
) -> None:
    """Send ``mate`` a thumbs-up from ``sender`` by mail, now: refused when they are no
    longer plan mates, the mate's address is gone, or one went less than a week ago. A
    mail server that does not take it changes nothing (try again later)."""
    now = now or timezone.now()
    contact = contact_of(mate)
    if contact is None or not contact.reachable:
        raise Refused("mate_unreachable", name=mate.name)
    with transaction.atomic():
        pair = _pair(sender, mate)
        field = "thumbs_to_mate" if pair.asker_id == sender.pk else "thumbs_to_asker"
        last = getattr(pair, field)
        if last is not None and now - last < THUMBS_EVERY:
            day = formats.date_format(timezone.localtime(last + THUMBS_EVERY), "DATE_FORMAT")
            raise Refused("thumbs_too_soon", name=mate.name, date=day)
        message = _message(sender=sender, mate=mate, contact=contact, base_url=base_url)
        try:
            message.send()
        except (smtplib.SMTPException, OSError) as error:
            log.warning("followups: thumbs-up to player %s not sent: %s", mate.pk, describe(error))
            raise Refused("thumbs_failed") from None
        setattr(pair, field, now)
        pair.save(update_fields=[field])
    log.info("followups: thumbs-up from player %s to player %s", sender.pk, mate.pk)


def _message(
    *, sender: Player, mate: Player, contact: PlayerContact, base_url: str
) -> EmailMultiAlternatives:
    stop_url = base_url + reverse(
        "followup_stop", kwargs={"token": make_token(mate.pk, MailKind.PLAN, salt=STOP_SALT)}
    )
    with translation.override(contact.language):
        subject = " ".join(
            (
                gettext("%(name)s sends you a thumbs-up for your plan") % {"name": sender.name}
            ).split()
        )
        context = {
            "subject": subject,
            "sender": sender,
            "player": mate,
            "workshop": mate.workshop,
            "stop_url": stop_url,
            "language": contact.language,
        }
        text = render_to_string("game/mail/thumbs.txt", context)
        html = render_to_string("game/mail/thumbs.html", context)
    return mail_message(
        subject=subject,
        text=text,
        html=html,
        to=contact.email,
        stop_url=stop_url,
        language=contact.language,
    )
