"""Live workshops, as tables in the database: a session with its join code, its players and
tables, and each table's game (``sessions``); the players' plans (``plans``), the room's
polls (``polls``), the follow-ups' addresses, mails and check-ins (``followups``) and the
organisers' programmes (``programmes``). Every model keeps the ``game`` app's label and
its table's name; import them from here.

Imports ``cards.models`` only.
"""

from game.models.followups import (
    ACTIVE,
    CheckIn,
    CheckInStatus,
    HelpRequest,
    Mail,
    MailKind,
    PlayerContact,
    is_reachable,
    reachable_q,
)
from game.models.plans import (
    MAX_IF_THEN,
    MAX_PLAN_ITEMS,
    MAX_PLAN_MATES,
    PlanItem,
    PlanMate,
    Sector,
)
from game.models.polls import Poll, PollTemplate, Vote
from game.models.programmes import Circle, CircleMember, CircleOptIn, Helper, Programme
from game.models.sessions import (
    AWAY_MIN,
    CODE_ALPHABET,
    CODE_LENGTH,
    FOLLOWUP_WEEKS_MAX,
    PLAN_DAYS_DEFAULT,
    PLAN_DAYS_MAX,
    STAND_IN_LEVEL,
    TIMING_BOUNDS,
    ActionReceipt,
    BotLevel,
    MissPassesTo,
    Player,
    Table,
    TableEvent,
    Workshop,
    new_join_code,
    new_player_token,
)

__all__ = [
    "ACTIVE",
    "AWAY_MIN",
    "CODE_ALPHABET",
    "CODE_LENGTH",
    "FOLLOWUP_WEEKS_MAX",
    "MAX_IF_THEN",
    "MAX_PLAN_ITEMS",
    "MAX_PLAN_MATES",
    "PLAN_DAYS_DEFAULT",
    "PLAN_DAYS_MAX",
    "STAND_IN_LEVEL",
    "TIMING_BOUNDS",
    "ActionReceipt",
    "BotLevel",
    "CheckIn",
    "CheckInStatus",
    "Circle",
    "CircleMember",
    "CircleOptIn",
    "HelpRequest",
    "Helper",
    "Mail",
    "MailKind",
    "MissPassesTo",
    "PlanItem",
    "PlanMate",
    "Player",
    "PlayerContact",
    "Poll",
    "PollTemplate",
    "Programme",
    "Sector",
    "Table",
    "TableEvent",
    "Vote",
    "Workshop",
    "is_reachable",
    "new_join_code",
    "new_player_token",
    "reachable_q",
]
