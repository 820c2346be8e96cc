"""Real-time delivery: the groups and publishing after commit (``live``), the dashboards'
batching, the embedded default's in-memory channel layer, presence (which players have a
live socket), and a worker's life (graceful stop, ``/healthz``).

The bottom of the services: it knows the models, never a service. May import:
``game.models``, ``game.errors``, ``game.engine`` and ``cards.models``.
"""
