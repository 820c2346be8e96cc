"""From game to action: each player's action plan (``services`` saves it, ``selectors``
reads it), what the room decided (the results page, ``results_csv``), and a plan as
Markdown (``markdown``).

May import: ``game.table``, ``game.room``, ``game.realtime``, ``game.models``,
``game.errors``, ``game.engine`` and ``cards``; never the follow-ups, the debrief, the
programmes or the pages and sockets above.
"""
