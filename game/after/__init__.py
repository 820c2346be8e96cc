"""After the game: the players' action plans, the session's results, the debrief (who asked
whom, the themes that went round), a table's replay, the organiser's archive and deleting
personal data.

May import: ``game.table``, ``game.room``, ``game.realtime``, ``game.models``,
``game.errors``, ``game.engine`` and ``cards.models``; never the pages and sockets above.
"""
