"""What a programme of workshops set in motion: sessions grouped by an organiser
("Overijssel 2027"), shared with named facilitators, and its figures.

Per session and in total: people reached (the people who played, bots not counted),
plans made (at least one card), people who left an address, follow-ups sent, people who
checked in, and people activated (at least one card whose latest check-in says started
or done). A funnel drawn on the server (``funnel``, for ``templates/game/_funnel.svg``),
per theme and card how often it was chosen, started and done, and the lines people
wrote about what helped or held them back: without names, unless the facilitator asks
and then only the names of those who agreed. Addresses are counted, never shown.

``access`` says who may see and change a programme, ``services`` writes, ``selectors``
reads the figures, ``funnel_svg`` and ``programme_csv`` show them.

May import: ``game.plans``, ``game.table``, ``game.room``, ``game.realtime``,
``game.models``, ``game.errors``, ``game.engine`` and ``cards``; never the follow-ups or
the debrief beside it, or the pages and sockets above.
"""
