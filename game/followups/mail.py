"""The mails of the follow-ups (game.followups): the plan, and each follow-up with
its check-in links, as plain text and HTML in the player's language.

Every mail has a one-tap way to stop: the ``List-Unsubscribe`` header with its
``List-Unsubscribe-Post`` (RFC 8058: a mail program posts ``List-Unsubscribe=One-Click``
to the link) and the same link in the text. No remote images, no trackers: the HTML is
plain, its styles inline, one column that reads on a 360 px screen.
"""

from __future__ import annotations

import contextlib
import logging
import smtplib
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import close_old_connections, connection, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from game.errors import describe
from game.followups.checkins import checkins_of
from game.followups.circles_mail import build_circle_message
from game.followups.consent import contact_bounced
from game.followups.help import build_help_message
from game.followups.links import CHECKIN_SALT, PLAN_SALT, STOP_SALT, card_link, make_token
from game.followups.mates import mates_progress
from game.followups.message import mail_message
from game.followups.outbox import outbox_claim, outbox_fill
from game.followups.schedule import Due, mails_due
from game.models import (
    CheckInStatus,
    HelpRequest,
    Mail,
    MailKind,
    PlanItem,
    Player,
    PlayerContact,
    Sector,
    Workshop,
)
from game.plans.helpers import helper_json, helpers_by_card
from game.plans.selectors import plan_of

log = logging.getLogger("game.followups")  # one logger for the whole outbox

RETRY_FIRST = timedelta(minutes=10)  # below the timer's 15: the next run tries again
RETRY_MOST = timedelta(hours=12)
GIVE_UP_AFTER = timedelta(days=14)  # after the mail's day, with retries all along
RUN_MOST = 1000  # mails per run; the rest wait for the next run


def links_base(explicit: str = "") -> str:
    """Where the links in mails point: ``explicit`` (``--base-url``), else PUBLIC_URL."""
    base = (explicit or settings.PUBLIC_URL).strip().rstrip("/")
    if not base.startswith(("http://", "https://")):
        raise ValueError(
            "mails need absolute links: set PUBLIC_URL (or pass --base-url), "
            "e.g. https://kwartet.example.org"
        )
    return base


@dataclass(frozen=True)
class MailItem:
    """One card of the plan as a mail shows it."""

    item: PlanItem
    card_url: str
    sector: str
    by_when: str  # the latest "by when": from the last check-in, else the plan's
    status: str  # the last check-in's status label, or ""
    answers: list[tuple[str, str]]  # (label, check-in link with that answer chosen)
    helpers: list[dict[str, str]]  # who can help with it (game.plans.helpers.helper_json)
    asked: list[str]  # the helpers asked for help with it: did help come?


def _items(player: Player, base: str, checkin_url: str) -> list[MailItem]:
    sectors = dict(Sector.choices)
    checkins = checkins_of(player)
    statuses = dict(CheckInStatus.choices)
    items = []
    plan = plan_of(player)
    helpers = helpers_by_card(player.workshop, [item.card for item in plan])
    asked = HelpRequest.objects.filter(item__player=player).values_list("item_id", "helper__name")
    for item in plan:
        last = max(checkins.get(item.pk, {}).items(), default=(0, None))[1]
        answers = (
            [
                (
                    str(label),
                    f"{checkin_url}?{urlencode({f'status-{item.pk}': value})}#card-{item.pk}",
                )
                for value, label in CheckInStatus.choices
            ]
            if checkin_url
            else []
        )
        items.append(
            MailItem(
                item=item,
                card_url=card_link(item.card, base),
                sector=str(sectors.get(item.sector, "")) if item.sector else "",
                by_when=(last.by_when if last and last.by_when else item.by_when),
                status=str(statuses.get(last.status, "")) if last else "",
                answers=answers,
                helpers=[helper_json(helper) for helper in helpers[item.card.pk]],
                asked=[name for item_id, name in asked if item_id == item.pk],
            )
        )
    return items


def build_message(
    *, mail: Mail, player: Player, contact: PlayerContact, base_url: str
) -> EmailMultiAlternatives:
    """The mail ``mail`` for ``player``, in their language."""
    base = links_base(base_url)
    stop_url = base + reverse(
        "followup_stop",
        kwargs={"token": make_token(player.pk, mail.kind, salt=STOP_SALT)},
    )
    checkin_url = plan_url = ""
    if mail.kind == MailKind.PLAN and player.workshop.plans_open():
        token = make_token(player.pk, mail.kind, salt=PLAN_SALT)
        plan_url = base + reverse("plan_open", kwargs={"token": token})
    if mail.kind != MailKind.PLAN:
        token = make_token(player.pk, mail.kind, salt=CHECKIN_SALT)
        checkin_url = base + reverse("followup_checkin", kwargs={"token": token})
    workshop = player.workshop
    with translation.override(contact.language):
        if mail.kind == MailKind.PLAN:
            name, subject = "plan", gettext("Your action plan from %(session)s")
        else:
            name, subject = "followup", gettext("How is your action plan going? (%(session)s)")
        # One line whatever the name holds: a line break in a header is refused
        # (BadHeaderError), and a session made before names were checked may hold one.
        subject = " ".join((subject % {"session": workshop.name}).split())
        context: dict[str, Any] = {
            "subject": subject,
            "player": player,
            "workshop": workshop,
            "kind": mail.kind,
            "followup": mail.followup,
            "weeks": workshop.followup_weeks_1 if mail.followup == 1 else workshop.followup_weeks_2,
            "items": _items(player, base, checkin_url),
            # Plan mates who agreed: their cards started or done, and a thumbs-up.
            "mates": mates_progress(player, base) if mail.kind != MailKind.PLAN else [],
            "checkin_url": checkin_url,
            "plan_url": plan_url,
            "stop_url": stop_url,
            "language": contact.language,
        }
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


# --- sending ----------------------------------------------------------------------------------


@dataclass
class RunReport:
    """What one run did: mails sent, set to retry, bounced, failed, and what a dry run
    would have sent."""

    sent: list[Mail] = field(default_factory=list)
    retry: list[Mail] = field(default_factory=list)
    bounced: list[Mail] = field(default_factory=list)
    failed: list[Mail] = field(default_factory=list)
    would_send: list[Due] = field(default_factory=list)


def retry_delay(attempts: int) -> timedelta:
    """After the ``attempts``-th failed try: 10 min, 30 min, 1 h, 2 h, 4 h ... 12 h."""
    if attempts <= 1:
        return RETRY_FIRST
    return min(timedelta(minutes=30) * 2 ** (attempts - 2), RETRY_MOST)


def _transport(backend: Any) -> str:
    return type(backend).__module__.rsplit(".", 1)[-1][:20]


def _is_bounce(error: Exception) -> bool:
    """The server refused the recipient for good (5xx): the address does not work."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(500 <= code < 600 for code, _msg in error.recipients.values())
    return False


def _is_permanent(error: Exception) -> bool:
    """The server refused this message for good (a 5xx that is not about the address)."""
    code = getattr(error, "smtp_code", None)
    return isinstance(code, int) and 500 <= code < 600


def followups_run(
    *,
    now: datetime | None = None,
    as_of: datetime | None = None,
    base_url: str = "",
    dry_run: bool = False,
    workshop: Workshop | None = None,
    most: int = RUN_MOST,
) -> RunReport:
    """Send what is due: ``as_of`` (default ``now``) decides what the schedule makes due,
    ``now`` (the real time) when retries may go. ``dry_run`` writes nothing."""
    now = now or timezone.now()
    as_of = as_of or now
    report = RunReport()
    base = "" if dry_run else links_base(base_url)  # refuse before claiming anything
    if dry_run:
        report.would_send = mails_due(as_of=as_of, workshop=workshop)
        waiting = Mail.objects.filter(
            status__in=(Mail.Status.PENDING, Mail.Status.SENDING), next_attempt__lte=now
        )
        if workshop is not None:
            waiting = waiting.filter(player__workshop=workshop)
        report.would_send += [
            Due(mail.player, mail.kind, mail.due)
            for mail in waiting.exclude(
                player__in=[item.player for item in report.would_send]
            ).select_related("player__workshop")
        ]
        return report
    outbox_fill(as_of=as_of, now=now, workshop=workshop)
    backend = get_connection(fail_silently=False)
    with contextlib.suppress(OSError, smtplib.SMTPException):
        backend.open()  # one connection for the run; a server that is down fails each mail
    try:
        while (
            len(report.sent) + len(report.retry) + len(report.bounced) + len(report.failed) < most
        ):
            claimed = outbox_claim(now=now, workshop=workshop)
            if not claimed:
                break
            for mail in claimed:
                _send_one(mail, backend, base, now, report)
    finally:
        _close_quietly(backend)
    return report


def _send_one(mail: Mail, backend: Any, base: str, now: datetime, report: RunReport) -> None:
    player = Player.objects.select_related("workshop").filter(pk=mail.player_id).first()
    contact = PlayerContact.objects.filter(player_id=mail.player_id).first()
    if player is None or contact is None or not contact.reachable:
        Mail.objects.filter(pk=mail.pk).update(status=Mail.Status.CANCELLED)
        return
    try:
        if mail.kind == MailKind.HELP:  # to the helper, the player's address as Reply-To
            message = build_help_message(mail=mail, base=base)
        elif mail.kind in (MailKind.INVITE, MailKind.INTRO, MailKind.JOINER):  # a circle's
            message = build_circle_message(mail=mail, contact=contact, base=base)
        else:
            message = build_message(mail=mail, player=player, contact=contact, base_url=base)
        message.connection = backend
        message.send()
    except (smtplib.SMTPException, OSError) as error:  # refused, or the server is down
        _close_quietly(backend)
        _failed(mail, error, now, report)
        return
    except Exception as error:  # a fault of ours: loud, and the other mails still go
        log.exception("followups: building or sending mail %s failed", mail.pk)
        _failed(mail, error, now, report)
        return
    Mail.objects.filter(pk=mail.pk).update(
        status=Mail.Status.SENT,
        sent=timezone.now(),
        last_error="",
        attempts=mail.attempts,
        transport=_transport(backend),
    )
    mail.status = Mail.Status.SENT
    report.sent.append(mail)
    log.info("followups: sent %s to player %s (mail %s)", mail.kind, mail.player_id, mail.pk)


def _close_quietly(backend: Any) -> None:
    with contextlib.suppress(OSError, smtplib.SMTPException):
        backend.close()
    if hasattr(backend, "connection"):
        backend.connection = None  # the next message opens a fresh one


def _failed(mail: Mail, error: Exception, now: datetime, report: RunReport) -> None:
    text = describe(error)[:300]
    if _is_bounce(error) and mail.kind != MailKind.HELP:  # a helper's address: not the player's
        Mail.objects.filter(pk=mail.pk).update(
            status=Mail.Status.FAILED, attempts=mail.attempts, last_error=text
        )
        contact_bounced(player_id=mail.player_id)
        report.bounced.append(mail)
        log.warning(
            "followups: %s to player %s bounced, address dropped: %s",
            mail.kind,
            mail.player_id,
            text,
        )
        return
    # Given up on a refusal for good, or when it has not gone for two weeks after its day.
    give_up = (
        _is_permanent(error)
        or _is_bounce(error)  # a helper's address that does not work
        or (mail.attempts > 1 and now - mail.due > GIVE_UP_AFTER)
    )
    if give_up:
        Mail.objects.filter(pk=mail.pk).update(
            status=Mail.Status.FAILED, attempts=mail.attempts, last_error=text
        )
        report.failed.append(mail)
        log.error(
            "followups: %s to player %s failed after %s attempt(s), given up: %s",
            mail.kind,
            mail.player_id,
            mail.attempts,
            text,
        )
        return
    delay = retry_delay(mail.attempts)
    Mail.objects.filter(pk=mail.pk).update(
        status=Mail.Status.PENDING,
        attempts=mail.attempts,
        last_error=text,
        next_attempt=now + delay,
    )
    report.retry.append(mail)
    log.warning(
        "followups: %s to player %s not sent (attempt %s), retry in %s min: %s",
        mail.kind,
        mail.player_id,
        mail.attempts,
        int(delay.total_seconds() // 60),
        text,
    )


SEND_SOON_THREAD = "followups-send-soon"  # the threads' names: logs, and tests wait for them


def send_soon(*, workshop_id: int, base_url: str) -> None:
    """Right after a session ends or a player asks: send that session's due mails now,
    in a thread of this process, after the commit. The timer's run would send them
    anyway; this only makes them arrive without waiting for it."""
    if not getattr(settings, "FOLLOWUPS_SEND_AT_ONCE", False):
        return

    def run() -> None:
        try:
            workshop = Workshop.objects.filter(pk=workshop_id).first()
            if workshop is not None:
                followups_run(workshop=workshop, base_url=base_url)
        except Exception as error:  # the timer's run tries again; say why once
            log.warning("followups: sending at once failed: %s", describe(error))
        finally:
            close_old_connections()
            connection.close()

    name = f"{SEND_SOON_THREAD}-{workshop_id}"
    transaction.on_commit(lambda: threading.Thread(target=run, name=name, daemon=True).start())
