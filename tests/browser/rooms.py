"""A session set up as the dashboard's buttons do it (posted, with the page's CSRF
token), and people joining as the join form does, who never open the game: a room of
any size in seconds, for the tests of the facilitator's screens.

Every room is ended when its test ends (``end_rooms``, a fixture of the conftest): its
bots stop playing, so a room of twelve tables does not slow the tests after it."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any

from tests.browser.test_session_flow import create_session

TABLE_IDS = re.compile(r'<h3 id="table-(\d+)"')  # every table's card, in number order
LAID = re.compile(r'class="progress-seg is-laid"')  # a quartet laid, on a table's card
SEAT = re.compile(
    r'<li id="seat-(\d+)".*?<span class="seat-name">(?:<span[^>]*>[^<]*</span> )?(?:<bdi>)?([^<]*)<',
    re.S,
)

OPEN: list[Room] = []  # the rooms of the running test, ended after it


class Room:
    """A session set up through the dashboard's actions, posted as its buttons do."""

    def __init__(self, browser, site, dashboard, name: str, **settings: Any) -> None:
        self.browser, self.site, self.dashboard = browser, site, dashboard
        self.code = create_session(dashboard, name, **settings)
        # Posts go from a context of their own with the facilitator's cookies: it outlives
        # the dashboard's page, so the room can still be ended after the test.
        self.context = browser.new_context(
            base_url=site.url, storage_state=dashboard.context.storage_state()
        )
        cookies = self.context.cookies()
        self.token = next(c["value"] for c in cookies if c["name"] == "csrftoken")
        OPEN.append(self)

    def do(self, action: str, **data: Any) -> None:
        response = self.context.request.post(
            f"/host/{self.code}/do/",
            form={"action": action, **data},
            headers={"X-CSRFToken": self.token, "Accept": "application/json"},
        )
        assert response.ok, f"{action}: {response.status} {response.text()}"

    def panel(self) -> str:
        """The dashboard's panel as the server renders it now."""
        return self.context.request.get(f"/host/{self.code}/panel/").text()

    def tables(self) -> list[str]:
        """The ids of the session's tables, in number order."""
        return TABLE_IDS.findall(self.panel())

    def player(self, name: str) -> str:
        """The id of the seated person of this name, read from the dashboard's panel."""
        panel = self.dashboard.request.get(f"/host/{self.code}/panel/").text()
        ids = [pk for pk, shown in SEAT.findall(panel) if html.unescape(shown).strip() == name]
        assert len(ids) == 1, f"{name!r} is seated {len(ids)} times"
        return ids[0]

    def laid(self) -> int:
        """The quartets laid in the room now, read from the server (the dashboard's own
        page shows the same, up to a second later)."""
        return len(LAID.findall(self.panel()))

    def join(self, name: str) -> None:
        """Someone joins as the join form does, in a browser context of their own (their
        player cookie), and never opens the game: they never move, and are offline soon."""
        context = self.browser.new_context(base_url=self.site.url)
        try:
            page = context.request.get(f"/join/?code={self.code}").text()
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
            form = {"csrfmiddlewaretoken": token, "code": self.code, "name": name}
            joined = context.request.post("/join/", form=form)
            assert joined.ok and joined.url.endswith("/play/"), joined.text()[-2000:]
        finally:
            context.close()

    def bots(self, table: str, count: int, level: str = "smart") -> None:
        for _ in range(count):
            self.do("add_bot", table=table, level=level)

    def end(self) -> None:
        """End the session (its games stop), and let go of the context."""
        try:
            self.do("end")
        finally:
            self.context.close()


def end_rooms() -> None:
    """End every room the test made; a room its test ended already is fine."""
    while OPEN:
        room = OPEN.pop()
        try:
            room.end()
        except AssertionError as error:  # ended before: the session refuses a second end
            if '"session_ended"' not in str(error):
                raise


# A deal can let the bots end the game before a person holds the turn with the quartets
# a test needs (the engine's bots and random asks: about 1 deal in 20 at a table of two
# people and three bots, 1 in 75 for one person and two easy bots). The game decides
# that, not the product: such a test plays a fresh deal, at most DEALS times (all of
# them ending first: about 1 in 160,000 at worst).
DEALS = 4


def deals(setup: Callable[[int], bool]) -> None:
    """``setup(n)`` builds a room and plays deal ``n`` up to the state the test looks at:
    True when reached, False when the deal ended the game first."""
    for n in range(DEALS):
        if setup(n):
            return
        print(f"deal {n + 1}: the bots ended the game first; a fresh deal")
    raise AssertionError(f"{DEALS} deals in a row ended before a person held the turn")
