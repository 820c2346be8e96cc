"""After the day: a player's plan comes back to them by e-mail, and twice more as a
follow-up with a check-in per card. ``consent`` (the address), ``schedule`` (when each
mail is due), ``outbox`` (the rows waiting to go), ``mail`` (writing and sending them),
``links`` (signed links), ``checkins`` (the answers) and ``transfer`` (moving a session's
follow-ups from a laptop to the hosted server).

- Consent: ``contact_set`` keeps an address only with the player's consent (a checkbox
  beside it on "Mijn actieplan"); ``contact_stop`` (the link in every mail) empties it.
- The schedule: the plan right after the session ends (or when the player asks,
  ``plan_mail_request``), then a follow-up ``followup_weeks_1`` and ``followup_weeks_2``
  weeks after the session (0 = off), at 09:00 on that day. When several are due at once
  (a server that was off for weeks, a first run with ``--as-of``), only the latest goes:
  each follow-up carries the whole plan.
- The outbox (``Mail``, one row per player and kind): ``followups_run`` fills in the rows
  that are due, claims a batch at a time (``select_for_update(skip_locked=True)`` on
  PostgreSQL; SQLite's IMMEDIATE transactions serialise the claims), sends them and marks
  them sent. A claimed row is leased (status "sending" until ``next_attempt``): a run that
  dies mid-way leaves it to be taken again when the lease ends. A refusal or a server that
  is down: retried with a back-off, one log line each. A permanent refusal of the
  recipient (5xx, a bounce): that address gets nothing more.
- Links: signed tokens (``django.core.signing``, a salt per purpose) holding the player
  and the follow-up, valid for ``TOKEN_MAX_AGE``; a GET only shows.

May import: ``game.plans``, ``game.table``, ``game.room``, ``game.realtime``,
``game.models``, ``game.errors``, ``game.engine`` and ``cards``; never the debrief or the
programmes beside it, or the pages and sockets above.
"""
