"""A phone that is not Chromium: the player's pages in a real WebKit (WebKitGTK, the
engine of every browser on an iPhone), driven by Selenium. One phone joins a session by
its link, sits at a table with two bots, and asks on each of its turns until its game
is over and the ranking shows. The facilitator's side runs in Chromium (the dashboard's
actions, posted as its buttons post them).

Every wait is for a state the page shows: its turn, the answer to its ask in the log,
the ranking. Screenshots: tests/browser/screenshots/webkit-*.png.
"""

from __future__ import annotations

import random
import time
from typing import Any

from tests.browser.rooms import Room, deals
from tests.browser.test_session_flow import without_isolates
from tests.browser.webkit import WAIT_S, screenshot
from tests.browser.webkit import webkit_phone as webkit_phone  # the fixture

GAME_S = 240  # three seats, bots at 200 ms a move; the phone's taps take longest
MOST_ASKS = 300  # a game ends long before: 50 asks a card at the very most (docs/architecture.md)
NAME = "Iris"

# What the page shows, read in one go: its turn, the end, an open dialog, the last
# event it shows (the log's data-seq), the ask button's state.
SHOWN = """
const $ = (id) => document.getElementById(id);
const send = $("ask-send");
return {
  over: !$("ranking").hidden,
  turn: !$("ask").hidden,
  dialog: $("dialog").open,
  seq: Number($("log").dataset.seq || 0),
  send: send.textContent, enabled: !send.disabled,
  online: $("live-status").textContent,
};
"""


def wait(phone: Any, what: str, condition, timeout: float = WAIT_S) -> Any:
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(phone, timeout, poll_frequency=0.05).until(condition, f"no {what}")


def shown(phone: Any) -> dict[str, Any]:
    return phone.execute_script(SHOWN)


def strings(phone: Any) -> dict[str, Any]:
    return phone.execute_script("return JSON.parse(document.getElementById('strings').textContent)")


def join(phone: Any, code: str, name: str) -> None:
    from selenium.webdriver.common.by import By

    phone.get(f"{phone.base_url}/j/{code}/")
    assert phone.find_element(By.ID, "id_code").get_attribute("value") == code
    phone.find_element(By.ID, "id_name").send_keys(name)
    screenshot(phone, "webkit-join")
    phone.find_element(By.CSS_SELECTOR, "main button.btn-big").click()
    wait(phone, "game page", lambda d: d.current_url.endswith("/play/"))
    online = strings(phone)["online"]
    wait(phone, "open socket", lambda d: shown(d)["online"] == online)
    wait(phone, "lobby", lambda d: d.find_element(By.ID, "lobby").is_displayed())
    assert name in phone.find_element(By.ID, "lobby").text


def tap_choice(phone: Any, group: str, rng: random.Random) -> str:
    """Tap one of the offered choices at random; waits until the page shows it chosen."""
    from selenium.webdriver.common.by import By

    buttons = phone.find_elements(By.CSS_SELECTOR, f"#ask-{group} button")
    assert buttons, f"no choices in #ask-{group}"
    button = rng.choice(buttons)
    label = button.text
    # As a thumb does: scroll it into view. WebKit's WebDriver clicks an element that
    # peeks out at the bottom where it is, under the ask's sticky button; the page's
    # scroll-padding keeps what is scrolled to above that button.
    phone.execute_script("arguments[0].scrollIntoView({block: 'nearest'})", button)
    button.click()
    chosen = f"#ask-{group} button[aria-pressed=true]"
    wait(
        phone,
        f"{label} chosen",
        lambda d: [b.text for b in d.find_elements(By.CSS_SELECTOR, chosen)] == [label],
    )
    return label


def ask(phone: Any, rng: random.Random, pick: str) -> None:
    """Choose a quartet, a card and a player, tap the ask, and wait for its answer: the
    events in the log, and the ask no longer pending (or the turn gone)."""
    from selenium.webdriver.common.by import By

    theme = tap_choice(phone, "themes", rng)
    card = tap_choice(phone, "cards", rng)
    target = tap_choice(phone, "targets", rng)
    now = wait(phone, "ask ready", lambda d: (s := shown(d))["enabled"] and s)
    for part in (theme, card.split(" ", 1)[1], target):
        assert part in now["send"], f"{part!r} not in {now['send']!r}"
    phone.find_element(By.ID, "ask-send").click()
    wait(
        phone,
        "answer to the ask",
        lambda d: (s := shown(d))["seq"] > now["seq"] and (not s["turn"] or s["send"] == pick),
    )


def test_a_phone_in_webkit_plays_its_game_to_the_ranking(
    webkit_phone, browser, site, facilitator_page
):
    from selenium.webdriver.common.by import By

    rng = random.Random(22)
    phone = webkit_phone()
    asks = 0

    def deal(n: int) -> bool:
        """A table with two easy bots, played until the ranking; False when the bots
        ended the game before the phone's first turn (about 1 deal in 75)."""
        nonlocal asks
        room = Room(browser, site, facilitator_page, f"Aan tafel in WebKit {n + 1}")
        join(phone, room.code, NAME)
        if n == 0:
            assert phone.capabilities["browserName"] == "MiniBrowser"
            assert "AppleWebKit" in phone.execute_script("return navigator.userAgent")
            # As on an iPhone, WebKit has no navigator.vibrate: the page plays without it.
            assert phone.execute_script("return !('vibrate' in navigator)")
        room.do("arrange")
        [table] = room.tables()
        # Easy bots ask at random and miss often, and a miss passes the turn to the one
        # asked: the phone gets its turns (smart bots can empty its hand before its first).
        room.bots(table, 2, level="easy")
        room.do("start", table=table)
        wait(phone, "game", lambda d: d.find_element(By.ID, "turn-banner").is_displayed())
        if n == 0:
            screenshot(phone, "webkit-table")
        pick = strings(phone)["ask_pick"]
        deadline = time.monotonic() + GAME_S
        while True:
            wait(phone, "turn or end", lambda d: (s := shown(d))["over"] or s["turn"], GAME_S)
            if shown(phone)["over"]:
                return asks > 0
            assert asks < MOST_ASKS and time.monotonic() < deadline, f"no end after {asks} asks"
            assert not shown(phone)["dialog"], "a quartet laid is news, not a dialog"
            if asks == 0:
                screenshot(phone, "webkit-turn")
            ask(phone, rng, pick)
            asks += 1

    deals(deal)
    assert not shown(phone)["dialog"], "the ranking is never covered"
    rows = phone.find_elements(By.CSS_SELECTOR, "#ranking-list li")
    assert len(rows) == 3, [row.text for row in rows]
    assert any(without_isolates(row.text).startswith(NAME) for row in rows)
    assert phone.find_elements(By.CSS_SELECTOR, "#ranking-list li.winner")
    phone.execute_script("document.getElementById('ranking').scrollIntoView()")
    screenshot(phone, "webkit-ranking")
    print(f"\nWebKit phone: {asks} asks until the ranking")
    assert not phone.find_element(By.ID, "error").is_displayed()
