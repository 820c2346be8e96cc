"""The WebSockets of the phone and the dashboard: the consumers, what both share (``base``:
size and rate limits, errors, closing) and their routing. The sockets' counterpart of
``game.views``: thin, they parse a message, call a service and reply.

May import every service package (``game.programmes``, ``game.followups``,
``game.debrief``, ``game.plans``, ``game.table``, ``game.room``, ``game.realtime``) and what they stand on; nothing imports it but the ASGI application.
"""
