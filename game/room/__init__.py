"""The room before play: sessions and joining them by code, the limits on guessing codes,
who may do what (facilitators, the player's cookie), seating, and the room's polls.

May import: ``game.realtime`` (to publish), ``game.models``, ``game.errors``, ``game.engine``
and ``cards.models``; never ``game.table``, the packages after the game or the pages and sockets above.
"""
