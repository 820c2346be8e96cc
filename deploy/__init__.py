"""Hosting Innovation on Track for real: nginx in front of several daphne workers,
PostgreSQL and Redis (docs/hosting.md). ``deploy/stack.py`` runs that setup on this
machine on loopback; ``deploy/render.py`` renders the nginx templates."""
