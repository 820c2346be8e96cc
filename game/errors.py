"""Refusals: a stable machine code, its parameters, and a message translated where it
is shown (Django's gettext; ``Refused.message(language)``).

The engine's own refusals (game.engine.IllegalAction, InvalidSetup) carry a code and
parameters only; `Refused.from_engine` wraps one so that callers handle a single type,
and its message is declared here with the others.
"""

from __future__ import annotations

from typing import Any

import psycopg
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.utils import translation
from django.utils.functional import Promise as StrPromise
from django.utils.translation import gettext_lazy as _

from game.engine import EngineError
from innovation_track.boundary import Malformed

# code -> the message, in English; its translations are in locale/*/LC_MESSAGES/django.po,
# so another language needs only its catalogue. Codes are an API (see game/PROTOCOL.md):
# they never change; the texts may. Placeholders are filled from the refusal's params.
MESSAGES: dict[str, StrPromise] = {
    # The engine's refusals (game.engine.errors): refused actions (IllegalAction).
    "game_over": _("The game is over."),
    "bad_action": _("That is not a valid request."),
    "unknown_player": _("There is no seat %(player)s at this table."),
    "not_your_turn": _("It is not your turn."),
    "cannot_ask_yourself": _("You cannot ask yourself for a card; ask another player."),
    "target_has_no_cards": _("That player has no cards left; ask someone who still holds cards."),
    "unknown_card": _("There is no card %(card)s in this deck."),
    "theme_already_laid": _("The quartet %(theme)s has already been laid down."),
    "card_already_held": _("You hold that card yourself."),
    "theme_not_held": _(
        "You may only ask from a quartet you hold a card of, and you hold none of %(theme)s."
    ),
    # A game that cannot be set up (InvalidSetup).
    "empty_deck": _("The deck has no themes, so it cannot be played."),
    "incomplete_deck": _(
        "The theme %(theme)s has %(count)s cards instead of 4, so the deck cannot be played."
    ),
    "duplicate_theme": _("The theme %(theme)s appears more than once in the deck."),
    "duplicate_card": _("The card %(card)s appears more than once in the deck."),
    "bad_seat_count": _("A table seats 2 to 6 players, not %(seats)s."),
    "bad_seed": _("The seed must be a whole number, not %(seed)r."),
    "bad_setting": _("The table setting %(setting)s cannot be %(value)r."),
    # The live layer's refusals.
    "bad_json": _("That message is not valid JSON."),
    "bad_message": _("That message is not understood: %(detail)s"),
    "unknown_type": _("Unknown message type %(kind)r."),
    "too_large": _("That message is too large (at most %(limit)s bytes)."),
    "rate_limited": _("Too many messages; wait a moment."),
    "wrong_code": _("There is no open session with code %(code)s. Check the code on the screen."),
    "session_ended": _("This session has ended."),
    "bad_plan_days": _("Plans stay open for 0 to %(most)s days after the session."),
    "plans_closed": _(
        "The time to write plans for this session is over: your plan can no longer change."
    ),
    "too_many_logins": _(
        "Too many failed logins. Try again in %(minutes)s min., or reset your password."
    ),
    "too_many_resets": _(
        "Too many requests for a new password from this network. Try again in %(minutes)s min."
    ),
    "invitation_invalid": _(
        "This invitation link is not valid: it has expired, has been used already, or is "
        "incomplete. Ask for a new invitation."
    ),
    "bad_name": _("Give a name of 1 to 30 characters."),
    "name_taken": _("Someone in this session is already called %(name)s; choose another name."),
    "too_many_attempts": _(
        "Too many wrong codes were typed from this address (a shared Wi-Fi is one "
        "address), so typed codes are held back here. Scan the QR code on the screen, or "
        "ask the facilitator to let your room type its code again; or try again in "
        "%(minutes)s min."
    ),
    "typing_limited": _(
        "Many wrong codes are being typed on this server right now, so typed codes are "
        "held back for a while. Scan the QR code on the screen or open its join link; or "
        "try again in %(minutes)s min."
    ),
    "bad_join_link": _(
        "This join link is not valid. Scan the QR code on the screen again, or type the code."
    ),
    "not_a_player": _("You are not a player in this session; join with the code first."),
    "not_seated": _("You are not at a table yet."),
    "not_started": _("The game at this table has not started."),
    "game_running": _("The game at this table is running; that can only be done before it starts."),
    "paused": _("The game is paused."),
    "not_paused": _("The game is not paused."),
    "seat_taken_over": _("A bot has taken over your seat."),
    "table_full": _("That table is full (6 seats)."),
    "too_few_players": _("A table needs at least 2 players to start."),
    "deck_not_playable": _("This deck cannot be played: %(reasons)s"),
    "not_a_bot": _("That player is not a bot."),
    "not_found": _("That does not exist in this session."),
    "forbidden": _("Only the session's facilitator may do that."),
    "plan_too_long": _("A plan holds at most %(most)s cards."),
    "plan_card_twice": _("%(card)s is already in your plan."),
    "bad_poll": _(
        "A poll needs a question (at most 200 characters) and 2 to 6 answers "
        "(at most 120 characters each)."
    ),
    "poll_closed": _("This poll is closed."),
    "already_voted": _("You have already voted."),
    "conflict": _("Someone else changed the table at the same moment; try again."),
    # After the day: the plan by e-mail, follow-ups and check-ins (game.followups).
    "bad_email": _("%(email)s is not an e-mail address. Check it, for example name@example.org."),
    "followups_moved": _(
        "This session's e-mails are sent from another server now; the address cannot change here."
    ),
    "no_address": _("Leave your e-mail address (and tick the box) first."),
    "plan_empty": _("Your plan has no cards yet: add one first."),
    "mail_just_sent": _("Your plan was just sent; you can ask again in %(minutes)s min."),
    "bad_followup_weeks": _("Follow-ups go 0 (off) to %(most)s weeks after the session."),
    "followups_in_order": _("The second follow-up must come after the first."),
    "link_expired": _("This link has expired (links work for 90 days)."),
    "bad_link": _("This link does not work (any more)."),
    "checkin_too_long": _(
        "Keep it short: at most %(note)s characters for what helped or held you back, "
        "%(by_when)s for by when."
    ),
    "checkin_empty": _("Choose for at least one card how it is going."),
    # Plan mates (game.plans.mates, game.followups.mates).
    "mate_not_found": _("There is no such person in your session."),
    "mate_self": _("You cannot be your own plan mate."),
    "mate_not_at_table": _("%(name)s is not at your table: plan mates sit at the same table."),
    "mate_twice": _("You and %(name)s are plan mates already, or one of you has asked."),
    "mate_needs_address": _(
        "Leave your e-mail address (and tick the box) first: plan mates see each other's "
        "progress in the follow-up mails."
    ),
    "mate_unreachable": _(
        "%(name)s has no e-mail address for the follow-ups any more, so you cannot follow "
        "each other's plans."
    ),
    "mates_full": _("You can have at most %(most)s plan mates: undo one to ask someone else."),
    "mate_no_ask": _("There is no request between you and %(name)s (any more)."),
    "mate_gone": _("You are no longer plan mates, so this link does not work any more."),
    "thumbs_too_soon": _(
        "You sent %(name)s a thumbs-up less than a week ago; you can send the next one on %(date)s."
    ),
    "thumbs_failed": _("The thumbs-up could not be sent just now; try again later."),
    # Asking a helper for help (game.followups.help).
    "help_needs_consent": _(
        "Tick the box first: without your consent your name and address are not passed on."
    ),
    "help_question": _("Write your question in one line of at most %(most)s characters."),
    "help_not_in_plan": _("That card is not in your plan."),
    "help_no_helper": _("There is no such helper for %(card)s."),
    "help_twice": _("You asked %(name)s for help with this card today already."),
    # Learning circles (game.programmes.circles).
    "circle_closed": _("This learning circle is closed."),
    "circle_answered": _("You have answered this invitation already."),
    "circle_too_few": _(
        "A learning circle needs at least %(least)s people who opted in; there are %(count)s."
    ),
    "bad_circle_name": _("Give the circle a name of 1 to 100 characters."),
    "circle_member_invited": _("This person has been invited already and stays in the circle."),
    # Programmes (game.programmes).
    "bad_programme_name": _("Give the programme a name of 1 to 100 characters."),
    "unknown_facilitator": _("There is no facilitator called %(name)s."),
    "not_your_session": _("There is no session %(code)s of yours."),
    "owner_only": _("Only the programme's owner may do that."),
    "bad_helper": _("The helper was not saved: %(problems)s"),
    "too_many_helpers": _("A programme holds at most %(most)s helpers."),
    # Moving a session's follow-ups to this server (game.followups.transfer).
    "bad_import": _("This file cannot be imported: %(detail)s"),
    "unknown_deck": _(
        "This server has no deck %(deck)s that you may play: import the deck first, or ask "
        "its owner to share it with you."
    ),
    "unavailable": _("The server cannot reach its database; try again in a moment."),
}

# The database could not be reached or dropped the connection (Django wraps the
# driver's errors; the driver's own may escape on close). Nothing was written: the
# transaction rolled back. Answered with the code "unavailable".
DATABASE_DOWN: tuple[type[Exception], ...] = (
    OperationalError,
    InterfaceError,
    psycopg.OperationalError,
    psycopg.InterfaceError,
)


# The channel layer (Redis) cannot be reached: a push is lost (pages catch up by
# sequence number), a socket that needs its groups is closed with 4013 to come back.
try:
    from redis.exceptions import RedisError
except ImportError:  # channels-redis is a dependency, but the in-memory layer needs none
    RedisError = OSError  # type: ignore[misc,assignment]
CHANNEL_LAYER_DOWN: tuple[type[Exception], ...] = (RedisError, OSError, TimeoutError)


def describe(error: BaseException) -> str:
    """One short line for a log: the error's type and the first line of its text."""
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0][:160]}" if text else type(error).__name__


class Refused(Exception):
    """An action that is not allowed. Nothing was changed. ``code`` (one of MESSAGES)
    for machines, ``params`` for its message; ``message(language)`` for people."""

    def __init__(self, code: str, /, **params: Any) -> None:
        if code not in MESSAGES:
            raise KeyError(code)
        self.code = code
        self.params = params
        super().__init__(code, params)

    def __str__(self) -> str:
        return f"{self.code}: {self.message('en')}"

    @classmethod
    def from_engine(cls, error: EngineError) -> Refused:
        return cls(error.code, **error.params)

    @classmethod
    def from_malformed(cls, error: Malformed) -> Refused:
        """Input refused at the boundary (innovation_track.boundary)."""
        return cls(error.code, **error.params)

    def message(self, language: str | None = None) -> str:
        """The message in ``language`` (a socket's reader's), else the active one."""
        language = language or translation.get_language() or settings.LANGUAGE_CODE
        with translation.override(language):
            return str(MESSAGES[self.code]) % self.params
