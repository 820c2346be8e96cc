"""Refusals of the live layer, with a stable code and a Dutch and English message.

The engine's own refusals (game.engine.IllegalAction) carry the same three things;
`Refused.from_engine` wraps one so that callers handle a single type.
"""

from __future__ import annotations

import psycopg
from django.db import InterfaceError, OperationalError
from django.utils.translation import get_language

from game.engine import EngineError
from game.engine.errors import MESSAGES as ENGINE_MESSAGES
from innovation_track.boundary import Malformed

# code -> (English, Dutch). Codes are an API (see game/PROTOCOL.md): they never change.
MESSAGES: dict[str, tuple[str, str]] = {
    "bad_json": ("That message is not valid JSON.", "Dat bericht is geen geldige JSON."),
    "bad_message": (
        "That message is not understood: {detail}",
        "Dat bericht wordt niet begrepen: {detail}",
    ),
    "unknown_type": ("Unknown message type {kind!r}.", "Onbekend berichttype {kind!r}."),
    "too_large": (
        "That message is too large (at most {limit} bytes).",
        "Dat bericht is te groot (hoogstens {limit} bytes).",
    ),
    "rate_limited": (
        "Too many messages; wait a moment.",
        "Te veel berichten; wacht even.",
    ),
    "wrong_code": (
        "There is no open session with code {code}. Check the code on the screen.",
        "Er is geen open sessie met code {code}. Kijk de code na op het scherm.",
    ),
    "session_ended": ("This session has ended.", "Deze sessie is afgelopen."),
    "too_many_logins": (
        "Too many failed logins. Try again in {minutes} min., or reset your password.",
        "Te veel mislukte pogingen om in te loggen. Probeer het over {minutes} min. opnieuw, "
        "of stel een nieuw wachtwoord in.",
    ),
    "too_many_resets": (
        "Too many requests for a new password from this network. Try again in {minutes} min.",
        "Te veel aanvragen voor een nieuw wachtwoord vanaf dit netwerk. Probeer het over "
        "{minutes} min. opnieuw.",
    ),
    "invitation_invalid": (
        "This invitation link is not valid: it has expired, has been used already, or is "
        "incomplete. Ask for a new invitation.",
        "Deze uitnodigingslink is niet geldig: hij is verlopen, al gebruikt of onvolledig. "
        "Vraag om een nieuwe uitnodiging.",
    ),
    "bad_name": (
        "Give a name of 1 to 30 characters.",
        "Geef een naam van 1 tot 30 tekens.",
    ),
    "name_taken": (
        "Someone in this session is already called {name}; choose another name.",
        "Iemand in deze sessie heet al {name}; kies een andere naam.",
    ),
    "too_many_attempts": (
        "Too many wrong codes were typed from this address (a shared Wi-Fi is one "
        "address), so typed codes are held back here. Scan the QR code on the screen, or "
        "ask the facilitator to let your room type its code again; or try again in "
        "{minutes} min.",
        "Er zijn te veel verkeerde codes getypt vanaf dit adres (een gedeelde wifi is één "
        "adres), dus getypte codes worden hier even tegengehouden. Scan de QR-code op het "
        "scherm, of vraag de begeleider om jullie zaal de code weer te laten typen; of "
        "probeer het over {minutes} min. opnieuw.",
    ),
    "typing_limited": (
        "Many wrong codes are being typed on this server right now, so typed codes are "
        "held back for a while. Scan the QR code on the screen or open its join link; or "
        "try again in {minutes} min.",
        "Er worden nu veel verkeerde codes getypt op deze server, dus getypte codes worden "
        "even tegengehouden. Scan de QR-code op het scherm of open de link om mee te doen; "
        "of probeer het over {minutes} min. opnieuw.",
    ),
    "bad_join_link": (
        "This join link is not valid. Scan the QR code on the screen again, or type the code.",
        "Deze link om mee te doen klopt niet. Scan de QR-code op het scherm opnieuw, of "
        "typ de code.",
    ),
    "not_a_player": (
        "You are not a player in this session; join with the code first.",
        "Je speelt niet mee in deze sessie; doe eerst mee met de code.",
    ),
    "not_seated": ("You are not at a table yet.", "Je zit nog niet aan een tafel."),
    "not_started": (
        "The game at this table has not started.",
        "Het spel aan deze tafel is nog niet begonnen.",
    ),
    "game_running": (
        "The game at this table is running; that can only be done before it starts.",
        "Het spel aan deze tafel loopt al; dat kan alleen voor het begint.",
    ),
    "paused": ("The game is paused.", "Het spel is gepauzeerd."),
    "not_paused": ("The game is not paused.", "Het spel is niet gepauzeerd."),
    "seat_taken_over": (
        "A bot has taken over your seat.",
        "Een bot heeft je plaats overgenomen.",
    ),
    "table_full": ("That table is full (6 seats).", "Die tafel is vol (6 plaatsen)."),
    "too_few_players": (
        "A table needs at least 2 players to start.",
        "Een tafel heeft minstens 2 spelers nodig om te beginnen.",
    ),
    "deck_not_playable": (
        "This deck cannot be played: {reasons}",
        "Met dit spel kan niet gespeeld worden: {reasons}",
    ),
    "not_a_bot": ("That player is not a bot.", "Die speler is geen bot."),
    "not_found": ("That does not exist in this session.", "Dat bestaat niet in deze sessie."),
    "forbidden": (
        "Only the session's facilitator may do that.",
        "Alleen de begeleider van deze sessie mag dat.",
    ),
    "plan_too_long": (
        "A plan holds at most {most} cards.",
        "Een plan bevat hoogstens {most} kaarten.",
    ),
    "plan_card_twice": (
        "{card} is already in your plan.",
        "{card} staat al in je plan.",
    ),
    "bad_poll": (
        "A poll needs a question (at most 200 characters) and 2 to 6 answers "
        "(at most 120 characters each).",
        "Een peiling heeft een vraag (hoogstens 200 tekens) en 2 tot 6 antwoorden "
        "(elk hoogstens 120 tekens) nodig.",
    ),
    "poll_closed": ("This poll is closed.", "Deze peiling is gesloten."),
    "already_voted": ("You have already voted.", "Je hebt al gestemd."),
    "conflict": (
        "Someone else changed the table at the same moment; try again.",
        "Iemand anders veranderde de tafel op hetzelfde moment; probeer het opnieuw.",
    ),
    # After the day: the plan by e-mail, follow-ups and check-ins (game.after.followups).
    "bad_email": (
        "{email} is not an e-mail address. Check it, for example name@example.org.",
        "{email} is geen e-mailadres. Kijk het na, bijvoorbeeld naam@voorbeeld.nl.",
    ),
    "followups_moved": (
        "This session's e-mails are sent from another server now; the address cannot change here.",
        "De e-mails van deze sessie gaan nu vanaf een andere server; het adres kan hier niet meer veranderen.",
    ),
    "no_address": (
        "Leave your e-mail address (and tick the box) first.",
        "Laat eerst je e-mailadres achter (en vink het vakje aan).",
    ),
    "plan_empty": (
        "Your plan has no cards yet: add one first.",
        "Je plan heeft nog geen kaarten: voeg er eerst een toe.",
    ),
    "mail_just_sent": (
        "Your plan was just sent; you can ask again in {minutes} min.",
        "Je plan is net verstuurd; over {minutes} min. kun je het opnieuw vragen.",
    ),
    "bad_followup_weeks": (
        "Follow-ups go 0 (off) to {most} weeks after the session.",
        "Opvolgmails gaan 0 (uit) tot {most} weken na de sessie.",
    ),
    "followups_in_order": (
        "The second follow-up must come after the first.",
        "De tweede opvolgmail moet na de eerste komen.",
    ),
    "link_expired": (
        "This link has expired (links work for 90 days).",
        "Deze link is verlopen (links werken 90 dagen).",
    ),
    "bad_link": (
        "This link does not work (any more).",
        "Deze link werkt niet (meer).",
    ),
    "checkin_too_long": (
        "Keep it short: at most {note} characters for what helped or held you back, "
        "{by_when} for by when.",
        "Houd het kort: hoogstens {note} tekens voor wat hielp of tegenhield, "
        "{by_when} voor wanneer.",
    ),
    "checkin_empty": (
        "Choose for at least one card how it is going.",
        "Kies voor minstens één kaart hoe het ervoor staat.",
    ),
    # Programmes (game.after.programmes).
    "bad_programme_name": (
        "Give the programme a name of 1 to 100 characters.",
        "Geef het programma een naam van 1 tot 100 tekens.",
    ),
    "unknown_facilitator": (
        "There is no facilitator called {name}.",
        "Er is geen begeleider die {name} heet.",
    ),
    "not_your_session": (
        "There is no session {code} of yours.",
        "Er is geen sessie {code} van jou.",
    ),
    "owner_only": (
        "Only the programme's owner may do that.",
        "Alleen de eigenaar van het programma mag dat.",
    ),
    # Moving a session's follow-ups to this server (game.after.moving).
    "bad_import": (
        "This file cannot be imported: {detail}",
        "Dit bestand kan niet worden ingelezen: {detail}",
    ),
    "unknown_deck": (
        "This server has no deck {deck} that you may play: import the deck first, or ask "
        "its owner to share it with you.",
        "Deze server heeft geen spel {deck} dat jij mag spelen: lees eerst het spel in, of "
        "vraag de eigenaar het met jou te delen.",
    ),
    "unavailable": (
        "The server cannot reach its database; try again in a moment.",
        "De server kan zijn database niet bereiken; probeer het zo opnieuw.",
    ),
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


class Refused(EngineError):
    """An action that is not allowed. Nothing was changed."""

    messages = {**ENGINE_MESSAGES, **MESSAGES}

    @classmethod
    def from_engine(cls, error: EngineError) -> Refused:
        return cls(error.code, **error.params)

    @classmethod
    def from_malformed(cls, error: Malformed) -> Refused:
        """Input refused at the boundary (innovation_track.boundary)."""
        return cls(error.code, **error.params)

    def message(self, language: str | None = None) -> str:
        language = language or get_language() or "nl"
        return self.message_en if language.startswith("en") else self.message_nl
