"""Venue mode, after the day: a session played on a laptop moves to the hosted server
for its follow-ups (``manage.py export_session CODE --for-followups`` there,
``manage.py import_session FILE`` or the upload on the dashboard here).

The file holds what the follow-ups need and nothing else: the session (name, code,
times, deck, follow-up weeks), and per person their plan, their consent and address,
and which of their mails a mail server already took; no names (the mails of an imported
session greet without one), except of plan mates, who see each other's name in their
follow-ups (``mates``: the refs, which are the places in the list). The laptop then sends nothing
more for that session (``Workshop.followups_moved``).

An import checks the whole file before it writes anything; a deck this server does not
have, or that the importer may not play (``cards.access.can_use``), is refused by name,
with the same answer; the same session imported twice is one session (its
``import_key``: the source's join code and creation time).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from cards import access, studio
from cards.models import Card, Deck
from game.errors import Refused
from game.followups.consent import LANGUAGES
from game.followups.schedule import KINDS, check_plan_days, check_weeks
from game.models import (
    CODE_ALPHABET,
    CODE_LENGTH,
    MAX_IF_THEN,
    MAX_PLAN_ITEMS,
    MAX_PLAN_MATES,
    PLAN_DAYS_DEFAULT,
    Mail,
    PlanItem,
    PlanMate,
    Player,
    PlayerContact,
    Sector,
    Workshop,
    new_join_code,
)
from game.room.accounts import can_host
from game.room.people import people_reached
from innovation_track.boundary import has_control_characters

FORMAT = "innovation-track-followups"
VERSION = 1
MAX_PLAYERS = 2000
MAX_FILE_BYTES = 5_000_000


# --- the laptop: out ------------------------------------------------------------------------


def _people(workshop: Workshop):
    """The people the session reached, with what their follow-ups need."""
    return (
        people_reached([workshop])
        .select_related("contact")
        .prefetch_related("plan__card__theme", "mails")
        .order_by("joined", "id")
    )


def export_for_followups(workshop: Workshop) -> dict[str, Any]:
    """The session's follow-ups as JSON-ready data (see the module's docstring)."""
    people = list(_people(workshop))
    refs = {player.pk: ref for ref, player in enumerate(people, start=1)}
    mates = _agreed_pairs(workshop, refs)
    players = []
    for ref, player in enumerate(people, start=1):
        contact = getattr(player, "contact", None)
        entry: dict[str, Any] = {"ref": ref}
        if mates.get(ref):
            # Plan mates see each other's name in their follow-ups, so theirs travels;
            # no one else's does.
            entry["name"] = player.name
            entry["mates"] = sorted(mates[ref])
        if contact is not None and contact.email:
            entry["contact"] = {
                "email": contact.email,
                "language": contact.language,
                "consented": contact.consented.isoformat(),
            }
        entry["plan"] = [
            {
                "card": item.card.key,
                "position": item.position,
                "action": item.action,
                "sector": item.sector,
                "by_when": item.by_when,
                "if_then": item.if_then,
            }
            for item in sorted(player.plan.all(), key=lambda item: item.position)
        ]
        # A mail written to a file on the laptop never reached anyone: only a mail
        # server's counts as sent, so the hosted server sends the others.
        entry["sent"] = sorted(
            mail.kind
            for mail in player.mails.all()
            if mail.status == Mail.Status.SENT and mail.transport == "smtp" and mail.kind in KINDS
        )
        players.append(entry)
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported": timezone.now().isoformat(),
        "session": {
            "name": workshop.name,
            "code": workshop.code,
            "created": workshop.created.isoformat(),
            "ended": workshop.ended.isoformat() if workshop.ended else None,
            # The deck itself, not the laptop's version of it: the server here plays its own.
            "deck": {"slug": workshop.deck.base.slug, "name": workshop.deck.base.name},
            "followup_weeks_1": workshop.followup_weeks_1,
            "followup_weeks_2": workshop.followup_weeks_2,
            "plan_days": workshop.plan_days,
        },
        "players": players,
    }


def _agreed_pairs(workshop: Workshop, refs: dict[int, int]) -> dict[int, set[int]]:
    """Each exported person's plan mates who said yes, by their refs."""
    pairs: dict[int, set[int]] = {}
    agreed = PlanMate.objects.filter(asker__workshop=workshop, agreed__isnull=False)
    for asker, mate in agreed.values_list("asker_id", "mate_id"):
        if asker in refs and mate in refs:
            pairs.setdefault(refs[asker], set()).add(refs[mate])
            pairs.setdefault(refs[mate], set()).add(refs[asker])
    return pairs


def workshop_mark_moved(*, workshop: Workshop) -> Workshop:
    """This server sends nothing more for the session: its follow-ups went elsewhere."""
    with transaction.atomic():
        workshop.followups_moved = timezone.now()
        workshop.save(update_fields=["followups_moved"])
        Mail.objects.filter(
            player__workshop=workshop, status__in=(Mail.Status.PENDING, Mail.Status.SENDING)
        ).update(status=Mail.Status.CANCELLED)
    return workshop


# --- the hosted server: in ----------------------------------------------------------------------


def _bad(detail: str) -> Refused:
    return Refused("bad_import", detail=detail)


def _text(value: Any, where: str, most: int, *, blank: bool = True, line: bool = False) -> str:
    if not isinstance(value, str) or len(value) > most or (not blank and not value.strip()):
        raise _bad(f"{where} must be text of at most {most} characters")
    if line and has_control_characters(value):
        raise _bad(f"{where} must be one line without control characters")
    return value


def _moment(value: Any, where: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise _bad(f"{where} must be a date and time (ISO 8601)") from None
    if timezone.is_naive(moment):
        raise _bad(f"{where} needs its time zone")
    return moment


def _weeks(value: Any, where: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise _bad(f"{where} must be a whole number of weeks")
    return value


def check_file(data: Any, *, by: AbstractBaseUser) -> dict[str, Any]:
    """The whole file checked for ``by``, who imports it, before anything is written: the
    checked values, or the first problem as a refusal."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise _bad(f"not a follow-ups file (its format must be {FORMAT!r})")
    if data.get("version") != VERSION:
        raise _bad(
            f"version {repr(data.get('version'))[:40]} is not known here (this server reads {VERSION})"
        )
    session = data.get("session")
    if not isinstance(session, dict):
        raise _bad("the session is missing")
    name = _text(session.get("name"), "the session's name", 100, blank=False, line=True)
    code = _text(session.get("code"), "the session's code", CODE_LENGTH, blank=False)
    created = _moment(session.get("created"), "the session's creation time")
    if session.get("ended") is None:
        raise _bad("the session has not ended: end it on the laptop, then export it")
    ended = _moment(session.get("ended"), "the session's end")
    weeks = (
        _weeks(session.get("followup_weeks_1"), "followup_weeks_1"),
        _weeks(session.get("followup_weeks_2"), "followup_weeks_2"),
    )
    try:
        check_weeks(*weeks)
    except Refused as refusal:
        raise _bad(refusal.message("en")) from None
    # Files of before plans stayed open after the session have no plan_days: the default.
    plan_days = session.get("plan_days", PLAN_DAYS_DEFAULT)
    if not isinstance(plan_days, int) or isinstance(plan_days, bool):
        raise _bad("plan_days must be a whole number of days")
    try:
        check_plan_days(plan_days)
    except Refused as refusal:
        raise _bad(refusal.message("en")) from None
    deck_info = session.get("deck")
    if not isinstance(deck_info, dict):
        raise _bad("the session's deck is missing")
    slug = _text(deck_info.get("slug"), "the deck's slug", 100, blank=False)
    deck_name = _text(deck_info.get("name", ""), "the deck's name", 100)
    deck = Deck.objects.filter(slug=slug).select_related("source").first()
    # A deck the importer may not play is one this server does not have, to them: the
    # session would let them read its cards, and the answer must not tell another
    # facilitator's private deck from no deck at all.
    if deck is None or not access.can_use(by, deck):
        raise Refused("unknown_deck", deck=f"{deck_name or slug} ({slug})")
    deck = deck.base  # a version's slug (an older file) names its deck
    cards = {
        card.key: card for card in Card.objects.filter(theme__deck=deck).select_related("theme")
    }
    players = data.get("players")
    if not isinstance(players, list) or len(players) > MAX_PLAYERS:
        raise _bad(f"players must be a list of at most {MAX_PLAYERS}")
    checked = [_check_player(entry, n, cards) for n, entry in enumerate(players, start=1)]
    for n, entry in enumerate(checked, start=1):
        for ref in entry["mates"]:
            if not 1 <= ref <= len(checked) or ref == n or n not in checked[ref - 1]["mates"]:
                raise _bad(f"player {n}'s plan mate {ref} is not a player who has them as mate")
    return {
        "name": name.strip(),
        "code": code,
        "created": created,
        "ended": ended,
        "weeks": weeks,
        "plan_days": plan_days,
        "deck": deck,
        "players": checked,
    }


PLAYER_FIELDS = {"ref", "contact", "plan", "sent", "name", "mates"}


def _check_player(entry: Any, n: int, cards: dict[str, Card]) -> dict[str, Any]:
    where = f"player {n}"
    if not isinstance(entry, dict) or set(entry) - PLAYER_FIELDS:
        raise _bad(f"{where} has unknown fields")
    contact = entry.get("contact")
    checked_contact = None
    if contact is not None:
        if not isinstance(contact, dict):
            raise _bad(f"{where}'s contact must be an object")
        email = _text(contact.get("email"), f"{where}'s address", 254, blank=False).strip()
        try:
            validate_email(email)
        except ValidationError:
            raise _bad(f"{where}'s address is not an e-mail address") from None
        language = contact.get("language", "nl")
        if language not in LANGUAGES:
            raise _bad(f"{where}'s language must be one of {', '.join(LANGUAGES)}")
        consented = _moment(contact.get("consented"), f"{where}'s consent")
        checked_contact = {"email": email, "language": language, "consented": consented}
    plan = entry.get("plan", [])
    if not isinstance(plan, list) or len(plan) > MAX_PLAN_ITEMS:
        raise _bad(f"{where}'s plan must be a list of at most {MAX_PLAN_ITEMS} cards")
    items, seen = [], set()
    for position, item in enumerate(plan, start=1):
        if not isinstance(item, dict):
            raise _bad(f"{where}'s card {position} must be an object")
        key = item.get("card")
        if not isinstance(key, str) or key not in cards:
            raise _bad(f"{where}'s card {str(key)[:40]!r} is not in the deck")
        if key in seen:
            raise _bad(f"{where} has card {key!r} twice")
        seen.add(key)
        sector = item.get("sector", "")
        if not isinstance(sector, str) or (sector and sector not in Sector.values):
            raise _bad(f"{where}'s card {key!r} has an unknown sector")
        items.append(
            {
                "card": cards[key],
                "action": _text(item.get("action", ""), f"{where}'s action", 1000),
                "sector": sector,
                "by_when": _text(item.get("by_when", ""), f"{where}'s by when", 60),
                # Files of before the if-then line have none.
                "if_then": _text(item.get("if_then", ""), f"{where}'s if-then", MAX_IF_THEN),
            }
        )
    sent = entry.get("sent", [])
    if not isinstance(sent, list) or not all(kind in KINDS for kind in sent):
        raise _bad(f"{where}'s sent mails must be among {', '.join(KINDS)}")
    # Files of before plan mates have neither; players are matched by their place.
    mates = entry.get("mates", [])
    if (
        not isinstance(mates, list)
        or len(mates) > MAX_PLAN_MATES
        or not all(type(ref) is int for ref in mates)
    ):
        raise _bad(f"{where}'s plan mates must be a list of at most {MAX_PLAN_MATES} players")
    name = _text(entry.get("name", ""), f"{where}'s name", 30, line=True).strip()
    return {
        "contact": checked_contact,
        "plan": items,
        "sent": sorted(set(sent)),
        "name": name,
        "mates": sorted(set(mates)),
    }


def import_key(checked: dict[str, Any]) -> str:
    return f"{checked['code']}@{checked['created'].isoformat()}"[:80]


def import_for_followups(*, data: Any, by: AbstractBaseUser) -> tuple[Workshop, bool]:
    """Make the session of a follow-ups file, run by ``by``; (the session, True) when it
    was made now, (the session made before, False) for a file imported before."""
    if not (can_host(by) or by.is_superuser):
        raise Refused("forbidden")
    checked = check_file(data, by=by)
    key = import_key(checked)
    existing = Workshop.objects.filter(import_key=key).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            workshop = _create(checked, key, by)
    except IntegrityError:  # the same file imported at the same moment elsewhere
        existing = Workshop.objects.filter(import_key=key).first()
        if existing is None:
            raise
        return existing, False
    return workshop, True


def _free_code(wanted: str) -> str:
    valid = len(wanted) == CODE_LENGTH and all(c in CODE_ALPHABET for c in wanted)
    if valid and not Workshop.objects.filter(code=wanted).exists():
        return wanted
    for _attempt in range(20):
        code = new_join_code()
        if not Workshop.objects.filter(code=code).exists():
            return code
    raise RuntimeError("no free join code found")


def _create(checked: dict[str, Any], key: str, by: AbstractBaseUser) -> Workshop:
    first, second = checked["weeks"]
    # The session plays this server's version of the deck, as a session made here would;
    # the plans' cards are that version's cards with the same keys.
    version = studio.deck_version_for_session(deck=checked["deck"])
    cards = {card.key: card for card in Card.objects.filter(theme__deck=version)}
    workshop = Workshop.objects.create(
        name=checked["name"],
        code=_free_code(checked["code"]),
        facilitator=by,
        deck=version,
        status=Workshop.Status.ENDED,
        ended=checked["ended"],
        followup_weeks_1=first,
        followup_weeks_2=second,
        plan_days=checked["plan_days"],
        import_key=key,
    )
    Workshop.objects.filter(pk=workshop.pk).update(created=checked["created"])
    made: list[Player] = []
    for n, entry in enumerate(checked["players"], start=1):
        player = Player.objects.create(workshop=workshop, name=entry["name"] or f"Speler {n}")
        made.append(player)
        PlanItem.objects.bulk_create(
            [
                PlanItem(
                    player=player, position=position, **{**item, "card": cards[item["card"].key]}
                )
                for position, item in enumerate(entry["plan"], start=1)
            ]
        )
        if entry["contact"]:
            PlayerContact.objects.create(player=player, **entry["contact"])
        Mail.objects.bulk_create(
            [
                Mail(
                    player=player,
                    kind=kind,
                    due=checked["ended"],
                    next_attempt=checked["ended"],
                    status=Mail.Status.SENT,
                    sent=checked["ended"],
                    transport="import",
                )
                for kind in entry["sent"]
            ]
        )
    PlanMate.objects.bulk_create(
        [
            PlanMate(asker=made[n - 1], mate=made[ref - 1], agreed=checked["ended"])
            for n, entry in enumerate(checked["players"], start=1)
            for ref in entry["mates"]
            if n < ref
        ]
    )
    workshop.refresh_from_db()
    return workshop
