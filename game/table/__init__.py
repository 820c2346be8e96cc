"""A table's play: starting games, the transaction of a move (``record``) and its
statements in plain SQL (``move_sql``), bots, pauses, the player who is away and the
nudge, the clock that drives them (``ticker``), and what a seat and the room's screens see
of a table (``seats``, ``selectors``).

May import: ``game.room``, ``game.realtime``, ``game.models``, ``game.errors``,
``game.engine`` and ``cards.models``; never ``game.plans`` and the packages above it,
or the pages and sockets.
"""
