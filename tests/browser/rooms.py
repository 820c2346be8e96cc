"""A session set up as the dashboard's buttons do it (posted, with the page's CSRF
token), and people joining as the join form does, who never open the game: a room of
any size in seconds, for the tests of the facilitator's screens."""

from __future__ import annotations

import html
import re
from typing import Any

from tests.browser.test_session_flow import create_session

TABLE_IDS = re.compile(r'<h3 id="table-(\d+)"')  # every table's card, in number order
LAID = re.compile(r'class="progress-seg is-laid"')  # a quartet laid, on a table's card
SEAT = re.compile(
    r'<li id="seat-(\d+)".*?<span class="seat-name">(?:<span[^>]*>[^<]*</span> )?([^<]*)<', re.S
)


class Room:
    """A session set up through the dashboard's actions, posted as its buttons do."""

    def __init__(self, browser, site, dashboard, name: str) -> None:
        self.browser, self.site, self.dashboard = browser, site, dashboard
        self.code = create_session(dashboard, name)
        cookies = dashboard.context.cookies()
        self.token = next(c["value"] for c in cookies if c["name"] == "csrftoken")

    def do(self, action: str, **data: Any) -> None:
        response = self.dashboard.request.post(
            f"/host/{self.code}/do/",
            form={"action": action, **data},
            headers={"X-CSRFToken": self.token, "Accept": "application/json"},
        )
        assert response.ok, f"{action}: {response.status} {response.text()}"

    def tables(self) -> list[str]:
        """The ids of the session's tables, in number order."""
        panel = self.dashboard.request.get(f"/host/{self.code}/panel/").text()
        return TABLE_IDS.findall(panel)

    def player(self, name: str) -> str:
        """The id of the seated person of this name, read from the dashboard's panel."""
        panel = self.dashboard.request.get(f"/host/{self.code}/panel/").text()
        ids = [pk for pk, shown in SEAT.findall(panel) if html.unescape(shown).strip() == name]
        assert len(ids) == 1, f"{name!r} is seated {len(ids)} times"
        return ids[0]

    def laid(self) -> int:
        """The quartets laid in the room now, read from the server (the dashboard's own
        page shows the same, up to a second later)."""
        return len(LAID.findall(self.dashboard.request.get(f"/host/{self.code}/panel/").text()))

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
