"""After the day: a player's plan comes back to them by e-mail, and twice more as a
follow-up with a check-in per card.

- Consent: ``contact_set`` keeps an address only with the player's consent (a checkbox
  beside it on "Mijn actieplan"); ``contact_stop`` (the link in every mail) empties it.
- The schedule: the plan right after the session ends (or when the player asks,
  ``plan_mail_request``), then a follow-up ``followup_weeks_1`` and ``followup_weeks_2``
  weeks after the session (0 = off), at 09:00 on that day. When several are due at once
  (a server that was off for weeks, a first run with ``--as-of``), only the latest goes:
  each follow-up carries the whole plan.
- The outbox (``Mail``, one row per player and kind): ``followups_run`` fills in the rows
  that are due, claims a batch at a time (``select_for_update(skip_locked=True)`` on
  PostgreSQL; SQLite's IMMEDIATE transactions serialise the claims), sends them and marks
  them sent. A claimed row is leased (status "sending" until ``next_attempt``): a run that
  dies mid-way leaves it to be taken again when the lease ends. A refusal or a server that
  is down: retried with a back-off, one log line each. A permanent refusal of the
  recipient (5xx, a bounce): that address gets nothing more.
- Links: signed tokens (``django.core.signing``, a salt per purpose) holding the player
  and the follow-up, valid for ``TOKEN_MAX_AGE``; a GET only shows.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode

from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from cards.models import Card, Deck
from game.errors import Refused
from game.models import (
    FOLLOWUP_WEEKS_MAX,
    CheckIn,
    CheckInStatus,
    Mail,
    MailKind,
    PlanItem,
    Player,
    PlayerContact,
    Workshop,
)
from game.room.accounts import check_runs

log = logging.getLogger(__name__)

TOKEN_MAX_AGE = timedelta(days=90)
CHECKIN_SALT = "game.followups.checkin"
STOP_SALT = "game.followups.stop"
CARD_SALT = "game.followups.card"
# A mail's link to a card of a deck that is not published carries this signed parameter:
# the card pages open for whoever holds it (the player, on any device), for TOKEN_MAX_AGE.
CARD_READER = "lezer"
SEND_HOUR = 9  # follow-ups go from 09:00 on their day (TIME_ZONE)
LEASE = timedelta(minutes=10)  # a claimed mail is another run's again after this
BATCH = 20
PLAN_ASK_INTERVAL = timedelta(minutes=10)  # "send me my plan" at most this often
MAX_NOTE = 300
MAX_BY_WHEN = 60
LANGUAGES = ("nl", "en")
KINDS = [MailKind.PLAN.value, MailKind.FOLLOWUP_1.value, MailKind.FOLLOWUP_2.value]
DONE_WITH = (Mail.Status.SENT, Mail.Status.SKIPPED, Mail.Status.CANCELLED, Mail.Status.FAILED)


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


def mail_counts(workshop: Workshop) -> dict[str, int]:
    """For the dashboard: how many left an address (counted, never shown), and the mails
    sent so far."""
    sent = Mail.objects.filter(player__workshop=workshop, status=Mail.Status.SENT)
    return {
        "addresses": PlayerContact.objects.filter(player__workshop=workshop).count(),
        "plans_sent": sent.filter(kind=MailKind.PLAN).count(),
        "followups_sent": sent.exclude(kind=MailKind.PLAN).count(),
    }


# --- the follow-up times ----------------------------------------------------------------------


def check_weeks(first: int, second: int) -> None:
    for weeks in (first, second):
        if not 0 <= weeks <= FOLLOWUP_WEEKS_MAX:
            raise Refused("bad_followup_weeks", most=FOLLOWUP_WEEKS_MAX)
    if first and second and second <= first:
        raise Refused("followups_in_order")


def workshop_set_followups(
    *, workshop: Workshop, by, followup_weeks_1: int, followup_weeks_2: int
) -> Workshop:
    """When the follow-ups go (weeks after the session, 0 = off). Mails not sent yet
    follow the new times at the next run; sent ones are not sent again."""
    check_runs(by, workshop)
    check_weeks(followup_weeks_1, followup_weeks_2)
    Workshop.objects.filter(pk=workshop.pk).update(
        followup_weeks_1=followup_weeks_1, followup_weeks_2=followup_weeks_2
    )
    workshop.followup_weeks_1, workshop.followup_weeks_2 = followup_weeks_1, followup_weeks_2
    # A follow-up still waiting to go follows the new times: the next run writes it again
    # if it is still due.
    Mail.objects.filter(
        player__workshop=workshop,
        kind__in=[MailKind.FOLLOWUP_1, MailKind.FOLLOWUP_2],
        status=Mail.Status.PENDING,
    ).delete()
    return workshop


def schedule(workshop: Workshop) -> list[tuple[str, datetime]]:
    """The session's mails and when each is due: the plan when the session ended, the
    follow-ups at 09:00 that many weeks later. Empty while the session is open."""
    if workshop.ended is None:
        return []
    plan = [(MailKind.PLAN.value, workshop.ended)]
    day = timezone.localtime(workshop.ended).date()
    followups = [
        (kind, _at_send_hour(day + timedelta(weeks=weeks)))
        for kind, weeks in (
            (MailKind.FOLLOWUP_1.value, workshop.followup_weeks_1),
            (MailKind.FOLLOWUP_2.value, workshop.followup_weeks_2),
        )
        if weeks
    ]
    return plan + followups


def _at_send_hour(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(SEND_HOUR)))


def end_of_day(day: date) -> datetime:
    """``--as-of DAY``: everything due on that day, whatever its hour."""
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time(0))) - timedelta(
        microseconds=1
    )


# --- what is due ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Due:
    """A mail that is due: to ``player``, of ``kind``, since ``due``; ``skips`` are the
    earlier kinds that are due too and go unsent (this one carries the whole plan)."""

    player: Player
    kind: str
    due: datetime
    skips: tuple[str, ...] = ()


def _reachable_players(workshop: Workshop | None) -> Iterable[Player]:
    players = Player.objects.filter(
        workshop__status=Workshop.Status.ENDED,
        workshop__followups_moved__isnull=True,
        contact__isnull=False,
        contact__stopped__isnull=True,
        contact__bounced__isnull=True,
        plan__isnull=False,
        removed=False,
    ).exclude(contact__email="")
    if workshop is not None:
        players = players.filter(workshop=workshop)
    return (
        players.distinct()
        .select_related("workshop", "contact")
        .prefetch_related("mails")
        .order_by("workshop_id", "id")
    )


def mails_due(*, as_of: datetime, workshop: Workshop | None = None) -> list[Due]:
    """What a run at ``as_of`` sends: per player, the latest mail of the schedule that is
    due by then and not sent or settled before. Reads only (``--dry-run`` lists these)."""
    due: list[Due] = []
    for player in _reachable_players(workshop):
        rows = {mail.kind: mail for mail in player.mails.all()}
        plan = schedule(player.workshop)
        # A plan the player asked for is due then; the schedule's is settled by it.
        asked = rows.get(MailKind.PLAN.value)
        if asked is not None and asked.status == Mail.Status.PENDING and asked.due <= as_of:
            plan = [(kind, at) for kind, at in plan if kind != MailKind.PLAN.value]
            plan.insert(0, (MailKind.PLAN.value, asked.due))
        ready = [(kind, at) for kind, at in plan if at <= as_of]
        if not ready:
            continue
        kind, at = ready[-1]
        row = rows.get(kind)
        if row is not None and row.status in DONE_WITH:
            continue  # sent (or settled) before: nothing later is due yet
        if row is not None and row.status == Mail.Status.SENDING:
            continue  # another run has it
        earlier = tuple(
            k for k, _at in ready[:-1] if rows.get(k) is None or rows[k].status not in DONE_WITH
        )
        due.append(Due(player, kind, at, earlier))
    return due


def outbox_fill(*, as_of: datetime, now: datetime, workshop: Workshop | None = None) -> int:
    """Write the due mails into the outbox (idempotent: one row per player and kind, two
    runs at once write each once) and settle the earlier ones they make needless.
    Returns the rows that are waiting to go."""
    waiting = 0
    for item in mails_due(as_of=as_of, workshop=workshop):
        with transaction.atomic():
            Mail.objects.bulk_create(
                [
                    Mail(
                        player=item.player, kind=kind, due=item.due, next_attempt=now, status=status
                    )
                    for kind, status in [
                        (item.kind, Mail.Status.PENDING),
                        *((k, Mail.Status.SKIPPED) for k in item.skips),
                    ]
                ],
                ignore_conflicts=True,
            )
            Mail.objects.filter(
                player=item.player, kind__in=item.skips, status=Mail.Status.PENDING
            ).update(status=Mail.Status.SKIPPED)
        waiting += 1
    # Mails whose person can no longer be reached wait no more.
    Mail.objects.filter(status=Mail.Status.PENDING).filter(
        Q(player__contact__isnull=True)
        | Q(player__contact__email="")
        | Q(player__contact__stopped__isnull=False)
        | Q(player__contact__bounced__isnull=False)
        | Q(player__workshop__followups_moved__isnull=False)
    ).update(status=Mail.Status.CANCELLED)
    return waiting


def outbox_claim(
    *, now: datetime, limit: int = BATCH, workshop: Workshop | None = None
) -> list[Mail]:
    """Take up to ``limit`` mails that may go now, leased to this run: no other run
    takes them until they are sent, set to retry, or the lease ends."""
    with transaction.atomic():
        rows = Mail.objects.filter(
            Q(status=Mail.Status.PENDING) | Q(status=Mail.Status.SENDING),
            next_attempt__lte=now,
        )
        if workshop is not None:
            rows = rows.filter(player__workshop=workshop)
        if connection.features.has_select_for_update_skip_locked:
            rows = rows.select_for_update(skip_locked=True, of=("self",))
        claimed = list(rows.order_by("next_attempt", "id")[:limit])
        ids = [mail.pk for mail in claimed]
        Mail.objects.filter(pk__in=ids).update(status=Mail.Status.SENDING, next_attempt=now + LEASE)
    for mail in claimed:
        mail.status, mail.attempts = Mail.Status.SENDING, mail.attempts + 1
    return claimed


# --- the links --------------------------------------------------------------------------------


def card_link(card: Card, base: str) -> str:
    """The card's page, absolute; for a deck that is not published, with a signed
    parameter that opens the pages of the deck's version it belongs to."""
    url = base + card.get_absolute_url()
    deck = card.theme.deck
    if deck.base.published:
        return url
    return f"{url}?{urlencode({CARD_READER: signing.dumps(deck.pk, salt=CARD_SALT)})}"


def reads_by_link(request: HttpRequest, deck: Deck) -> bool:
    """The request holds a mail's signed link to this deck's cards, still valid."""
    token = request.GET.get(CARD_READER, "")
    if not token:
        return False
    try:
        return signing.loads(token, salt=CARD_SALT, max_age=TOKEN_MAX_AGE) == deck.pk
    except signing.BadSignature:
        return False


def make_token(player_id: int, kind: str, *, salt: str) -> str:
    return signing.dumps({"p": player_id, "k": kind}, salt=salt, compress=True)


def read_token(token: str, *, salt: str) -> tuple[Player, str]:
    """The player and the mail's kind of a link; Refused when it is forged, expired, or
    its player is gone (the session's people were deleted)."""
    try:
        data = signing.loads(token, salt=salt, max_age=TOKEN_MAX_AGE)
        player_id, kind = int(data["p"]), str(data["k"])
    except signing.SignatureExpired:
        raise Refused("link_expired") from None
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise Refused("bad_link") from None
    player = (
        Player.objects.select_related("workshop__deck").filter(pk=player_id, removed=False).first()
    )
    if player is None or kind not in KINDS:
        raise Refused("bad_link")
    return player, kind


# --- check-ins --------------------------------------------------------------------------------


def checkins_of(player: Player) -> dict[int, dict[int, CheckIn]]:
    """The player's check-ins: plan item id -> follow-up -> check-in."""
    found: dict[int, dict[int, CheckIn]] = {}
    for checkin in CheckIn.objects.filter(item__player=player):
        found.setdefault(checkin.item_id, {})[checkin.followup] = checkin
    return found


def checkin_save(*, player: Player, followup: int, answers: Any, named: bool = False) -> int:
    """Save the player's answers for follow-up 1 or 2: ``answers`` maps a plan item's id
    to ``{"status", "note", "by_when"}``. Everything is checked first: one bad answer
    refuses the whole post and changes nothing. Posting again updates. Returns the
    number of cards answered."""
    if followup not in (1, 2):
        raise Refused("bad_link")
    if not isinstance(answers, dict):
        raise Refused("bad_message", detail="answers must be an object")
    items = {item.pk: item for item in PlanItem.objects.filter(player=player)}
    rows = []
    for key, answer in answers.items():
        try:
            item = items[int(key)]
        except (KeyError, ValueError, TypeError):
            raise Refused("not_found") from None
        if not isinstance(answer, dict):
            raise Refused("bad_message", detail="an answer must be an object")
        status = answer.get("status") or ""
        note, by_when = answer.get("note") or "", answer.get("by_when") or ""
        if not all(isinstance(v, str) for v in (status, note, by_when)):
            raise Refused("bad_message", detail="text fields only")
        if not status:
            continue  # this card left unanswered
        if status not in CheckInStatus.values:
            raise Refused("bad_message", detail=f"unknown status {status[:20]!r}")
        if len(note) > MAX_NOTE or len(by_when) > MAX_BY_WHEN:
            raise Refused("checkin_too_long", note=MAX_NOTE, by_when=MAX_BY_WHEN)
        rows.append((item, status, note.strip(), by_when.strip()))
    if not rows:
        raise Refused("checkin_empty")
    with transaction.atomic():
        for item, status, note, by_when in rows:
            CheckIn.objects.update_or_create(
                item=item,
                followup=followup,
                defaults={"status": status, "note": note, "by_when": by_when, "named": named},
            )
        CheckIn.objects.filter(item__player=player).update(named=named)
    return len(rows)
