"""A session with its join code, its players and tables, and each table's game (the
engine's state) with the numbered events that players receive."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cards.models import Deck

# No look-alikes: no 0/O, 1/I/L, and no U/V either (easily misread when spoken aloud).
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTWXYZ23456789"
CODE_LENGTH = 6


def new_join_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def new_player_token() -> str:
    return secrets.token_urlsafe(32)


class MissPassesTo(models.TextChoices):
    ASKED = "asked", _("the player asked (Dutch custom)")
    NEXT = "next", _("the next player clockwise")


class BotLevel(models.TextChoices):
    EASY = "easy", _("easy")
    SMART = "smart", _("smart")


# The bot that plays for a person who is away (Player.stand_in): it plays their hand
# as well as it can until they return.
STAND_IN_LEVEL = BotLevel.SMART.value


# Below this a phone that is connected but between two presence refreshes
# (game.realtime.presence) could be taken for away.
AWAY_MIN = 30
# The session's times for players away and slow turns, in seconds: (least, most).
# The session form, the dashboard's form, the service and the constraints use these.
TIMING_BOUNDS = {
    "away_after": (AWAY_MIN, 3600),
    "stand_in_after": (0, 3600),
    "nudge_after": (0, 600),
}


# The follow-ups' weeks after the session: 0 (off) to a year.
FOLLOWUP_WEEKS_MAX = 52
# How long plans stay writable after the session ends, in days: 0 (closed with the
# session) to three months; a week unless the facilitator says otherwise.
PLAN_DAYS_MAX = 90
PLAN_DAYS_DEFAULT = 7


class Workshop(models.Model):
    """A facilitator's session: one room, one join code, several tables."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        ENDED = "ended", _("ended")

    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(_("join code"), max_length=CODE_LENGTH, unique=True)
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="workshops",
        verbose_name=_("facilitator"),
    )
    deck = models.ForeignKey(Deck, on_delete=models.PROTECT, verbose_name=_("deck"))
    miss_passes_to = models.CharField(
        _("after a miss the turn goes to"),
        max_length=5,
        choices=MissPassesTo.choices,
        default=MissPassesTo.ASKED,
    )
    pause_on_quartet = models.PositiveSmallIntegerField(
        _("pause after a quartet (seconds, 0 = off)"), default=0
    )
    table_size = models.PositiveSmallIntegerField(_("players per table"), default=4)
    # A player on turn without a connection: flagged on the dashboard after away_after
    # seconds; with stand_in_after (0 = never), a bot plays their hand until they return.
    away_after = models.PositiveSmallIntegerField(
        _("flag a player on turn as away after (seconds without connection)"), default=60
    )
    stand_in_after = models.PositiveSmallIntegerField(
        _("let a bot play for an away player after (seconds, 0 = never)"), default=0
    )
    nudge_after = models.PositiveSmallIntegerField(
        _("nudge the player on turn after (seconds, 0 = never)"), default=45
    )
    status = models.CharField(max_length=5, choices=Status.choices, default=Status.OPEN)
    paused = models.BooleanField(_("paused"), default=False)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    ended = models.DateTimeField(_("ended"), null=True, blank=True)
    # After the day (game.followups): the plan comes back by e-mail to the players who
    # left an address, with a check-in at these many weeks after the session (0 = off).
    followup_weeks_1 = models.PositiveSmallIntegerField(
        _("first follow-up (weeks after the session, 0 = off)"), default=4
    )
    followup_weeks_2 = models.PositiveSmallIntegerField(
        _("second follow-up (weeks after the session, 0 = off)"), default=12
    )
    # Ending the session never locks a player out of their plan: it stays writable for
    # these many days after the end (from the phone, or the plan mail's link).
    plan_days = models.PositiveSmallIntegerField(
        _("plans stay open after the session (days, 0 = closed with it)"),
        default=PLAN_DAYS_DEFAULT,
    )
    # The plan phase (game.plans.phase): since when the facilitator asks the room to write
    # plans (phones go to the plan page, the projector counts the plans); and, when they
    # chose a countdown, when it runs out.
    plan_phase = models.DateTimeField(_("plan phase started"), null=True, blank=True)
    plan_countdown = models.DateTimeField(_("plan countdown ends"), null=True, blank=True)
    # Exported for its follow-ups to another server (venue mode: the laptop's session moved
    # to the hosted one): this server sends nothing more for it.
    followups_moved = models.DateTimeField(null=True, blank=True)
    # A session imported for its follow-ups: "<source join code>@<source created>", so the
    # same file imported twice is one session.
    import_key = models.CharField(max_length=80, null=True, blank=True, unique=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("workshop session")
        verbose_name_plural = _("workshop sessions")
        permissions = [
            ("host_workshop", _("Can host workshop sessions")),
            ("invite_facilitators", _("Can invite facilitators by e-mail")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(table_size__gte=2, table_size__lte=6), name="table_size_2_to_6"
            ),
            models.CheckConstraint(
                condition=models.Q(pause_on_quartet__lte=600), name="pause_on_quartet_max"
            ),
            models.CheckConstraint(
                condition=models.Q(
                    away_after__gte=TIMING_BOUNDS["away_after"][0],
                    away_after__lte=TIMING_BOUNDS["away_after"][1],
                ),
                name="away_after_range",
            ),
            models.CheckConstraint(
                condition=models.Q(stand_in_after__lte=TIMING_BOUNDS["stand_in_after"][1]),
                name="stand_in_after_max",
            ),
            models.CheckConstraint(
                condition=models.Q(nudge_after__lte=TIMING_BOUNDS["nudge_after"][1]),
                name="nudge_after_max",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    followup_weeks_1__lte=FOLLOWUP_WEEKS_MAX,
                    followup_weeks_2__lte=FOLLOWUP_WEEKS_MAX,
                ),
                name="followup_weeks_max",
            ),
            models.CheckConstraint(
                condition=models.Q(plan_days__lte=PLAN_DAYS_MAX), name="plan_days_max"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def plans_until(self) -> datetime | None:
        """When plans stop being writable: ``plan_days`` after the end; None while the
        session is open."""
        if self.is_open or self.ended is None:
            return None
        return self.ended + timedelta(days=self.plan_days)

    def plans_open(self, now: datetime | None = None) -> bool:
        """Whether the players may still write their plans: while the session is open,
        and for ``plan_days`` after it ended."""
        if self.is_open:
            return True
        until = self.plans_until
        return until is not None and (now or timezone.now()) < until


class Table(models.Model):
    """One table of a session and its game. ``state`` is the engine's state without its
    log (``engine.stored_state_to_json``; the events are the table's TableEvent rows): it
    never leaves the server; players get their seat's view of it."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("waiting")
        PLAYING = "playing", _("playing")
        OVER = "over", _("over")

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="tables")
    number = models.PositiveSmallIntegerField(_("table"))
    status = models.CharField(max_length=7, choices=Status.choices, default=Status.WAITING)
    paused = models.BooleanField(_("paused"), default=False)
    # While set, a discussion pause after a quartet runs (setting pause_on_quartet).
    pause_until = models.DateTimeField(null=True, blank=True)
    seed = models.BigIntegerField(null=True, blank=True)
    state = models.JSONField(null=True, blank=True)
    # The last event's number: every change bumps it, so a stale writer cannot win.
    seq = models.PositiveIntegerField(default=0)
    # It is a bot's turn: the ticker (game.table.ticker) moves for it after a short pause.
    bot_turn = models.BooleanField(default=False, db_index=True)
    # The seat on turn and since when (the state's turn, kept here to be queried), and
    # whether that turn's player has been nudged (game.table.away).
    turn = models.PositiveSmallIntegerField(null=True, blank=True)
    turn_since = models.DateTimeField(null=True, blank=True)
    nudged = models.BooleanField(default=False)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["workshop", "number"]
        verbose_name = _("table")
        verbose_name_plural = _("tables")
        constraints = [
            models.UniqueConstraint(fields=["workshop", "number"], name="table_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.workshop.code} table {self.number}"

    @property
    def group(self) -> str:
        return f"table-{self.pk}"


class Player(models.Model):
    """Someone at a phone, or a bot. A human is known by the token in their cookie."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="players")
    name = models.CharField(_("name"), max_length=30)
    token = models.CharField(max_length=64, unique=True, default=new_player_token, editable=False)
    table = models.ForeignKey(
        Table, on_delete=models.SET_NULL, null=True, blank=True, related_name="players"
    )
    seat = models.PositiveSmallIntegerField(null=True, blank=True)
    bot_level = models.CharField(max_length=5, choices=BotLevel.choices, blank=True)
    # A bot took over this seat's hand after the person left for good.
    replaced = models.BooleanField(default=False)
    removed = models.BooleanField(default=False)
    joined = models.DateTimeField(auto_now_add=True)
    # Presence (game.realtime.presence): when a socket of theirs was last known open; flagged
    # away while on turn without one; a bot stands in for them until they return.
    seen = models.DateTimeField(default=timezone.now)
    away = models.BooleanField(default=False)
    stand_in = models.BooleanField(default=False)

    class Meta:
        ordering = ["workshop", "joined", "id"]
        verbose_name = _("player")
        verbose_name_plural = _("players")
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                "workshop",
                condition=models.Q(removed=False),
                name="player_name_unique_in_workshop",
            ),
            models.UniqueConstraint(
                fields=["table", "seat"],
                condition=models.Q(removed=False),
                name="one_player_per_seat",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_bot(self) -> bool:
        return bool(self.bot_level)


class TableEvent(models.Model):
    """What happened at a table, numbered 1, 2, 3 ... without gaps. Public only: no hand."""

    table = models.ForeignKey(Table, on_delete=models.CASCADE, related_name="events")
    seq = models.PositiveIntegerField()
    data = models.JSONField()
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["table", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["table", "seq"], name="table_event_seq_unique")
        ]

    def __str__(self) -> str:
        return f"{self.table} #{self.seq} {self.data.get('type', '')}"


class ActionReceipt(models.Model):
    """A client's action id, kept so that a retried send is applied once."""

    player = models.ForeignKey(Player, on_delete=models.CASCADE, related_name="receipts")
    action_id = models.CharField(max_length=64)
    seq = models.PositiveIntegerField()
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["player", "action_id"], name="action_id_unique")
        ]

    def __str__(self) -> str:
        return f"{self.player} {self.action_id}"


# --- from game to action: plans and polls -------------------------------------------------
