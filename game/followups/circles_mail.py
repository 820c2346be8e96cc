"""A learning circle's mails (game.programmes.circles makes the circles): the invitation
(join / no thanks, a page with two buttons behind a signed link) and the introduction
(those who said yes: each other's first names and addresses, the host's details and the
cards their plans share). Both go through the outbox, in the player's language, with the
stop link of every mail."""

from __future__ import annotations

from collections import Counter

from django.core import signing
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from game.errors import Refused
from game.followups.links import STOP_SALT, make_token, signed_numbers
from game.followups.message import first_name, mail_message
from game.models import CircleMember, Mail, MailKind, PlanItem, PlayerContact

ANSWER_SALT = "game.followups.circle"


def answer_token(member_id: int) -> str:
    return signing.dumps({"m": member_id}, salt=ANSWER_SALT, compress=True)


def read_answer_token(token: str) -> CircleMember:
    (member_id,) = signed_numbers(token, "m", salt=ANSWER_SALT)
    member = (
        CircleMember.objects.select_related("circle__programme", "circle__host", "player")
        .filter(pk=member_id)
        .first()
    )
    if member is None:  # their data was deleted, or they stopped the mails
        raise Refused("bad_link")
    return member


def shared_cards(members: list[CircleMember]) -> list[tuple[str, int]]:
    """The cards in the members' plans, those in most plans first: (title, plans)."""
    counts = Counter(
        PlanItem.objects.filter(player__in=[m.player_id for m in members]).values_list(
            "card__title", flat=True
        )
    )
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def build_circle_message(*, mail: Mail, contact: PlayerContact, base: str):
    """The invitation or the introduction for ``mail.circle_member``."""
    member = mail.circle_member
    circle = member.circle
    player = member.player
    stop_url = base + reverse(
        "followup_stop", kwargs={"token": make_token(player.pk, MailKind.PLAN, salt=STOP_SALT)}
    )
    context = {
        "circle": circle,
        "host": circle.host,
        "player": player,
        "first_name": first_name(player.name),
        "workshop": player.workshop,
        "stop_url": stop_url,
        "language": contact.language,
    }
    with translation.override(contact.language):
        if mail.kind == MailKind.INVITE:
            name = "circle_invite"
            subject = gettext("An invitation to the learning circle %(circle)s")
            context["answer_url"] = base + reverse(
                "circle_answer", kwargs={"token": answer_token(member.pk)}
            )
            context["cards"] = shared_cards(list(circle.members.all()))[:5]
        elif mail.kind == MailKind.JOINER:
            name = "circle_joiner"
            subject = gettext("Someone joined your learning circle %(circle)s")
            newcomer = mail.about_member.player
            contact_of_newcomer = getattr(newcomer, "contact", None)
            context["newcomer"] = (
                first_name(newcomer.name),
                contact_of_newcomer.email if contact_of_newcomer else "",
            )
        else:
            name = "circle_intro"
            subject = gettext("Meet your learning circle %(circle)s")
            yes = list(
                circle.members.filter(joined=True)
                .exclude(pk=member.pk)
                .select_related("player__contact")
            )
            context["others"] = [
                (first_name(m.player.name), m.player.contact.email)
                for m in yes
                if getattr(m.player, "contact", None) and m.player.contact.reachable
            ]
            context["cards"] = shared_cards([member, *yes])[:8]
        subject = " ".join((subject % {"circle": circle.name}).split())
        context["subject"] = subject
        text = render_to_string(f"game/mail/{name}.txt", context)
        html = render_to_string(f"game/mail/{name}.html", context)
    return mail_message(
        subject=subject,
        text=text,
        html=html,
        to=contact.email,
        stop_url=stop_url,
        language=contact.language,
    )
