"""The debrief: what the room did, for the talk after the game. ``selectors`` reads the
tables' public events (who asked whom, the themes that went round, the quartets laid);
``network_layout`` lays the network out so that no name overlaps another, and
``network_svg`` turns it into what the template draws; ``replay`` is a table's game again,
move by move; ``archive`` is a finished session as JSON for the organiser.

May import: ``game.plans``, ``game.table``, ``game.room``, ``game.realtime``,
``game.models``, ``game.errors``, ``game.engine`` and ``cards``; never the follow-ups or
the programmes beside it, or the pages and sockets above.
"""
