"""A workshop session in a real browser: a facilitator on a laptop, players on phones.

The players tap through the page as people do: whoever's "ask" panel shows picks a
quartet, a card and a player, and sends. Choices are random but seeded, so a run is
repeatable in spirit (the deal itself is the server's) and the game always ends.
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.browser.conftest import screenshot, wait_until

try:
    from playwright.sync_api import Page, expect
except ImportError:  # the conftest skips these tests (or fails them where required)
    Page = Any
    expect = None

GAME_SECONDS = 240.0  # one game of three players takes well under a minute
ANSWER_MS = 10_000  # the server's answer to one ask
RECONNECT_MS = 20_000  # the page comes back online by itself
MIN_TAP = 44  # px, WCAG 2.5.5 / the app's --tap


@dataclass
class Session:
    code: str
    dashboard: Page
    players: dict[str, Page] = field(default_factory=dict)  # name -> phone

    @property
    def phones(self) -> list[Page]:
        return list(self.players.values())


# --- steps -----------------------------------------------------------------------------------


def texts(page: Page) -> dict[str, Any]:
    """The player page's own words (the language may change; the keys do not)."""
    return page.evaluate("JSON.parse(document.getElementById('strings').textContent)")


def create_session(dashboard: Page, name: str, *, nudge_after: int = 0) -> str:
    """A new session from the form on /host/. No nudges unless asked for: a nudge changes
    the turn's banner ("Anna denkt na…") on a slow machine's long turn."""
    if not dashboard.url.endswith("/host/"):
        dashboard.goto("/host/")
    dashboard.fill("#id_name", name)
    dashboard.fill("#id_nudge_after", str(nudge_after))
    dashboard.click("main button.btn-big")
    dashboard.wait_for_url(re.compile(r"/host/[A-Z0-9]{6}/$"))
    code = dashboard.url.rstrip("/").rsplit("/", 1)[-1]
    expect(dashboard.locator("main")).to_contain_text(code)
    return code


def join(phone: Page, code: str, name: str, *, shot: str | None = None, url: str = "") -> None:
    """Open the session's join link (``url``: as the dashboard shows it) and join."""
    phone.goto(url or f"/j/{code}/")
    expect(phone.locator("#id_code")).to_have_value(code)
    phone.fill("#id_name", name)
    if shot:
        screenshot(phone, shot)
    phone.locator("main button.btn-big").tap()
    phone.wait_for_url("**/play/")
    expect(phone.locator("#live-status")).to_have_text(texts(phone)["online"])
    expect(phone.locator("#lobby")).to_be_visible()
    expect(phone.locator("#lobby")).to_contain_text(name)


def start(session: Session, *, lobby_shot: str | None = None) -> None:
    """The facilitator seats everyone and starts the tables; every phone shows the game."""
    session.dashboard.click("button[value=arrange]")
    for name, phone in session.players.items():
        wait_until(phone, "window.__messages.some((m) => m.type === 'view' && m.table)")
        for other in session.players:
            if other != name:  # "You are at table 1 with ..."
                expect(phone.locator("#lobby")).to_contain_text(other)
    if lobby_shot:
        screenshot(session.phones[0], lobby_shot)
    session.dashboard.click("button[value=start_all]")
    for phone in session.phones:
        expect(phone.locator("#turn-banner")).to_be_visible()
        expect(phone.locator("#lobby")).to_be_hidden()
        expect(phone.locator("#hand")).not_to_be_empty()


def new_session(
    facilitator_page: Page, phones, names: tuple[str, ...], title: str, **shots: str
) -> Session:
    session = Session(code=create_session(facilitator_page, title), dashboard=facilitator_page)
    for n, name in enumerate(names):
        phone = phones()
        join(phone, session.code, name, shot=shots.get("join") if n == 0 else None)
        session.players[name] = phone
    start(session, lobby_shot=shots.get("lobby"))
    return session


def on_turn(session: Session) -> Page | None:
    for phone in session.phones:
        if phone.locator("#ask").is_visible():
            return phone
    return None


def wait_for_turn(session: Session, timeout: float = 10.0) -> Page:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        phone = on_turn(session)
        if phone is not None:
            return phone
        time.sleep(0.05)
    raise AssertionError("no phone shows the ask panel")


def is_over(session: Session) -> bool:
    return any(phone.locator("#ranking").is_visible() for phone in session.phones)


def close_dialog(phone: Page) -> bool:
    """Close the dialog the player opened (a card, a quartet), as a player does, with its
    close button. Returns whether one was open."""
    dialog = phone.locator("dialog[open]")
    if not dialog.count():
        return False
    dialog.locator("button[value=close]").tap()
    expect(dialog).to_have_count(0)
    return True


def tap_choice(phone: Page, group: str, rng: random.Random, avoid: tuple[str, ...] = ()) -> str:
    """Tap one of the offered choices, at random; waits until the page shows it chosen."""
    labels = phone.locator(f"#ask-{group} button").all_inner_texts()
    assert labels, f"no choices in #ask-{group}"
    label = rng.choice([label for label in labels if label not in avoid] or labels)
    button = phone.locator(f"#ask-{group}").get_by_role("button", name=label, exact=True)
    button.tap()
    expect(button).to_have_attribute("aria-pressed", "true")
    return label


def seen(phone: Page) -> int:
    """How many messages the phone's sockets have received so far."""
    return phone.evaluate("window.__messages.length")


def seat(phone: Page) -> int:
    return phone.evaluate("window.__messages.filter((m) => m.type === 'view').at(-1).you.seat")


def turn(phone: Page) -> int | None:
    """Whose turn it is as far as this phone knows (the last state it received)."""
    return phone.evaluate("window.__messages.filter((m) => m.state).at(-1).state.turn")


LAST_SEQ = "() => Math.max(0, ...window.__messages.filter((m) => 'seq' in m).map((m) => m.seq))"


def last_seq(phone: Page) -> int:
    return phone.evaluate(LAST_SEQ)


def caught_up(phones: list[Page]) -> int:
    """Wait until every phone has the table's newest event any of them has (the one who
    moved hears first), and return its number: what the phones show is then the same."""
    newest = max(last_seq(phone) for phone in phones)
    for phone in phones:
        wait_until(phone, f"(seq) => ({LAST_SEQ})() >= seq", newest)
    return newest


def ask(
    phone: Page,
    rng: random.Random,
    *,
    avoid: tuple[str, ...] = (),
    choice_shot: str | None = None,
) -> None:
    """Pick a quartet, a card and a player on the phone whose turn it is, tap send, and
    wait for the server's answer: the ack and the events it announces."""
    expect(phone.locator("#ask")).to_be_visible()
    # A quartet laid is news in the page, on the phone whose turn it is too: no dialog.
    expect(phone.locator("dialog[open]")).to_have_count(0)
    theme = tap_choice(phone, "themes", rng)
    card = tap_choice(phone, "cards", rng)
    target = tap_choice(phone, "targets", rng, avoid)
    send = phone.locator("#ask-send")
    expect(send).to_be_enabled()
    for part in (theme, card.split(" ", 1)[1], target):
        expect(send).to_contain_text(part)
    if choice_shot:
        screenshot(phone, choice_shot)
    before = seen(phone)
    send.tap()
    answer = wait_until(
        phone,
        """(from) => {
          const fresh = window.__messages.slice(from);
          const error = fresh.find((m) => m.type === "error");
          if (error) return error;
          const ack = fresh.find((m) => m.type === "ack");
          if (!ack) return false;
          return fresh.some((m) => (m.type === "events" || m.type === "view") && m.seq >= ack.seq)
            && ack;
        }""",
        before,
        timeout_ms=ANSWER_MS,
    )
    assert answer["type"] == "ack", f"the server refused a choice the page offered: {answer}"


def play(
    session: Session,
    rng: random.Random,
    *,
    seconds: float,
    max_asks: int | None = None,
    **shots: str,
) -> int:
    """Whoever's turn it is asks, until the game is over (or after max_asks); returns the
    number of asks."""
    deadline = time.monotonic() + seconds
    asks = 0
    while asks != max_asks and not is_over(session):
        if time.monotonic() > deadline:  # the fixtures screenshot every phone
            pytest.fail(f"the game did not end in {seconds:.0f} s ({asks} asks)")
        phone = on_turn(session)
        if phone is None:
            time.sleep(0.05)
            continue
        if asks == 0 and "turn" in shots:
            screenshot(phone, shots["turn"])
        ask(phone, rng, choice_shot=shots.get("choice") if asks == 0 else None)
        asks += 1
    return asks


# The play page isolates names in its sentences with FSI ... PDI (static/game/dom.js).
ISOLATES = str.maketrans("", "", "\u2066\u2067\u2068\u2069")


def without_isolates(text: str) -> str:
    """The text as a person reads it: the invisible isolate marks around names taken out."""
    return text.translate(ISOLATES)


def ranking(phone: Page) -> dict[str, tuple[int, bool]]:
    """The ranking as a phone shows it: name -> (quartets, winner)."""
    you = f" ({texts(phone)['you']})"
    rows = {}
    for item in phone.locator("#ranking-list li").all():
        text = without_isolates(item.inner_text())
        match = re.match(r"(.+?): (\d+)", text)
        assert match, f"unexpected ranking row {text!r}"
        name = match[1].removesuffix(you)
        winner = "winner" in (item.get_attribute("class") or "")
        rows[name] = (int(match[2]), winner)
    return rows


def table_rows(phone: Page) -> list[str]:
    """The players list, one line a seat: counts and quartets, without the '(you)'."""
    you = f" ({texts(phone)['you']})"
    return [t.replace(you, "") for t in phone.locator("#players li").all_inner_texts()]


def log_lines(phone: Page) -> list[str]:
    you = f" ({texts(phone)['you']})"
    return [t.replace(you, "") for t in phone.locator("#log li").all_inner_texts()]


# --- tests -----------------------------------------------------------------------------------


# Also through nginx in front of two daphne workers, as `make stack` serves it.
@pytest.mark.parametrize("site", ["server", "stack_site"], indirect=True)
def test_a_whole_game_from_joining_to_the_ranking(facilitator_page, phones):
    names = ("Anna", "Bram", "Cees")
    session = new_session(
        facilitator_page, phones, names, "Regio Twente", join="01-join", lobby="02-lobby"
    )
    rng = random.Random(20240611)

    asks = play(session, rng, seconds=GAME_SECONDS, turn="03-my-turn", choice="04-asking")

    assert asks > 0
    rankings = {}
    for name, phone in session.players.items():
        expect(phone.locator("#ranking")).to_be_visible()
        expect(phone.locator("#ask")).to_be_hidden()
        expect(phone.locator("#turn-banner")).to_contain_text(texts(phone)["over"])
        rankings[name] = ranking(phone)
        winners = [who for who, (_, won) in rankings[name].items() if won]
        banner = phone.locator("#turn-banner").inner_text()
        assert all(who.split(" (")[0] in banner for who in winners), (banner, winners)
    anna = session.players["Anna"]
    small = []
    # The last quartet covers nothing: the ranking is in view, the quartet a line above it
    # whose button opens its cards when the player asks.
    for phone in session.phones:
        expect(phone.locator("dialog[open]")).to_have_count(0)
    told = [phone for phone in session.phones if phone.locator("#news").is_visible()]
    assert told, "no phone showed the last quartet laid"
    expect(told[0].locator("#news-text")).to_contain_text(" legt het kwartet ")
    screenshot(anna, "05-end")
    small += small_targets(anna, "end")
    told[0].locator("#news-open").tap()
    dialog = told[0].locator("dialog[open]")
    expect(dialog.locator(".dialog-lead")).to_contain_text(" legt het kwartet ")
    screenshot(told[0], "05-end-quartet-dialog", full_page=False)
    small += small_targets(told[0], "quartet dialog")
    close_dialog(told[0])
    first = rankings["Anna"]
    assert all(r == first for r in rankings.values()), f"the phones disagree: {rankings}"
    assert set(first) == set(names)
    assert sum(score for score, _ in first.values()) == 5  # every quartet is down
    best = max(score for score, _ in first.values())
    winners = {name for name, (score, won) in first.items() if won}
    assert winners == {name for name, (score, _) in first.items() if score == best}

    dashboard = session.dashboard
    table = dashboard.get_by_role("heading", name=re.compile(r"Tafel 1"))
    expect(table).to_contain_text("afgelopen")  # the table's status, in Dutch
    for name in names:
        row = dashboard.get_by_role("listitem").filter(has_text=name)
        expect(row).to_have_count(1)
        if name in winners:
            expect(row.locator(".winner-badge")).to_have_count(1)
        else:
            expect(row.locator(".winner-badge")).to_have_count(0)
    screenshot(dashboard, "06-dashboard")

    # The end screen's controls (quartets, "browse all cards", the dialog) are for
    # thumbs too; the other screens are in test_player_pages_have_big_enough_touch_targets.
    assert not small, "touch targets under 44x44 px:\n" + "\n".join(small)


def test_a_reload_mid_game_shows_the_same_hand_and_turn(facilitator_page, phones):
    session = new_session(facilitator_page, phones, ("Dirk", "Eva", "Fatima"), "Herladen")
    rng = random.Random(7)
    play(session, rng, seconds=60, max_asks=4)
    assert not is_over(session)

    mine = wait_for_turn(session)
    waiting = next(phone for phone in session.phones if phone is not mine)
    caught_up(session.phones)  # what each shows before the reload is the table's now
    for phone in (mine, waiting):
        before = {
            "hand": phone.locator("#hand").text_content(),
            "banner": phone.locator("#turn-banner").text_content(),
            "players": table_rows(phone),
            "log": log_lines(phone),
            "ask": phone.locator("#ask").is_visible(),
        }
        phone.reload()
        expect(phone.locator("#live-status")).to_have_text(texts(phone)["online"])
        expect(phone.locator("#hand")).to_have_text(before["hand"])
        expect(phone.locator("#turn-banner")).to_have_text(before["banner"])
        assert phone.locator("#ask").is_visible() == before["ask"]
        assert table_rows(phone) == before["players"]
        assert log_lines(phone) == before["log"]
    screenshot(mine, "07-after-reload")

    # The reloaded page plays on.
    ask(mine, rng)


def test_a_dropped_socket_reconnects_and_catches_up(facilitator_page, phones):
    session = new_session(facilitator_page, phones, ("Gijs", "Hanna", "Ilse"), "Verbinding")
    rng = random.Random(11)
    play(session, rng, seconds=60, max_asks=3)
    actor = wait_for_turn(session)
    name_of = {phone: name for name, phone in session.players.items()}
    victim = next(phone for phone in session.phones if phone is not actor)
    others = [phone for phone in session.phones if phone is not victim]
    words = texts(victim)

    # The phone loses its network: the socket drops and reconnecting fails meanwhile.
    victim.evaluate("window.__marker = 'no reload'")
    caught_up(session.phones)
    victim_seq, victim_seen = last_seq(victim), seen(victim)
    victim.context.set_offline(True)
    victim.evaluate("window.__netDown = true; window.__sockets.forEach((s) => s.close())")
    expect(victim.locator("#live-status")).to_have_text(words["offline"])

    # The others play on, asking each other so the turn stays with them for a while.
    by_seat = {seat(phone): phone for phone in session.phones}
    phone, moved = actor, 0
    while moved < 3 and phone is not victim:
        ask(phone, rng, avoid=(name_of[victim],))
        moved += 1
        now = turn(phone)
        if now is None:  # the game is over
            break
        phone = by_seat[now]
    table_seq = caught_up(others)
    assert table_seq > victim_seq
    assert seen(victim) == victim_seen, "the offline phone received messages"
    expect(victim.locator("#live-status")).to_have_text(words["offline"])

    # The network comes back: the page reconnects by itself and catches up.
    victim.evaluate("window.__netDown = false")
    victim.context.set_offline(False)
    expect(victim.locator("#live-status")).to_have_text(words["online"], timeout=RECONNECT_MS)
    wait_until(victim, "(seq) => window.__messages.some((m) => m.seq >= seq)", table_seq)
    assert victim.evaluate("window.__marker") == "no reload"
    fresh = victim.evaluate("(from) => window.__messages.slice(from)", victim_seen)
    assert fresh[0]["type"] == "events", "the page should get the missed events, not a new view"
    assert [e["seq"] for e in fresh[0]["events"]] == list(range(victim_seq + 1, table_seq + 1))
    expect(victim.locator("#players li")).to_have_count(3)
    assert table_rows(victim) == table_rows(others[0])
    assert log_lines(victim) == log_lines(others[0])
    banner = victim.locator("#turn-banner")
    if turn(victim) == seat(victim):
        expect(banner).to_have_text(words["your_turn"])
        expect(victim.locator("#ask")).to_be_visible()
    else:  # the same words as on the phone of the third player, who is not on turn either
        bystander = next(p for p in others if turn(p) != seat(p))
        expect(banner).to_have_text(bystander.locator("#turn-banner").inner_text())
        expect(victim.locator("#ask")).to_be_hidden()
    screenshot(victim, "08-reconnected")

    # And it plays on: until it asks itself, or (out of cards) sees the end with the rest.
    deadline = time.monotonic() + 60
    while not is_over(session):
        assert time.monotonic() < deadline, "the game stalled after the reconnect"
        phone = on_turn(session)
        if phone is None:
            time.sleep(0.05)
            continue
        ask(phone, rng)
        if phone is victim:
            break
    else:
        expect(victim.locator("#ranking")).to_be_visible()


# Every visible control that is not the skip link (off-screen until focused).
SMALL_TARGETS = """(minimum) => {
  const describe = (el) => {
    const text = (el.innerText || el.value || el.getAttribute("aria-label") || "").trim();
    return `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}`
      + `${el.className ? "." + String(el.className).trim().split(/\\s+/).join(".") : ""}`
      + ` "${text.slice(0, 40)}"`;
  };
  const offenders = [];
  const controls = document.querySelectorAll(
    "a[href], button, input:not([type=hidden]), select, textarea, [role=button], [tabindex]");
  for (const el of controls) {
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (!box.width && !box.height) continue;  // not rendered
    if (style.visibility === "hidden" || el.closest("[hidden]")) continue;
    if (box.right + window.scrollX <= 0 || box.bottom + window.scrollY <= 0) continue;
    if (box.width < minimum || box.height < minimum) {
      offenders.push(`${describe(el)}: ${Math.round(box.width)}x${Math.round(box.height)}`);
    }
  }
  return offenders;
}"""


def small_targets(phone: Page, where: str) -> list[str]:
    return [f"{where}: {o}" for o in phone.evaluate(SMALL_TARGETS, MIN_TAP)]


def too_wide(phone: Page, where: str) -> list[str]:
    width = phone.evaluate("document.documentElement.scrollWidth")
    viewport = phone.viewport_size["width"]
    return (
        [f"{where}: the page is {width} px wide on a {viewport} px screen"]
        if width > viewport
        else []
    )


def player_pages(facilitator_page: Page, phones, title: str) -> Iterator[tuple[str, Page]]:
    """Every state of the player's pages a phone passes through before the end, each
    yielded once it is on screen (the end is in the whole-game test)."""
    code = create_session(facilitator_page, title)
    players = {}
    for n, name in enumerate(("Joost", "Karin", "Lotte")):
        phone = phones()
        if n == 0:
            phone.goto(f"/j/{code}/")
            yield "join", phone
            phone.locator("main button.btn-big").tap()  # no name yet
            expect(phone.locator("#id_name")).to_have_attribute("aria-invalid", "true")
            yield "join, name missing", phone
        join(phone, code, name)
        players[name] = phone
    first = players["Joost"]
    yield "lobby", first
    first.goto("/join/")  # the player's way back: "Back to my game"
    yield "join, already playing", first
    first.goto("/play/")
    expect(first.locator("#lobby")).to_be_visible()

    session = Session(code=code, dashboard=facilitator_page, players=players)
    start(session)
    mine = wait_for_turn(session)
    rng = random.Random(3)
    for group in ("themes", "cards", "targets"):
        tap_choice(mine, group, rng)
    yield "my turn, choices made", mine
    waiting = next(phone for phone in session.phones if phone is not mine)
    yield "their turn", waiting
    waiting.locator("#hand button").first.tap()  # a card, read in a dialog
    dialog = waiting.locator("dialog[open]")
    expect(dialog).to_be_visible()
    expect(dialog.locator("a, p").first).to_be_visible()  # the card's text has loaded
    yield "card dialog", waiting


def test_player_pages_have_big_enough_touch_targets(facilitator_page, phones):
    problems = []
    for where, phone in player_pages(facilitator_page, phones, "Duimen"):
        problems += small_targets(phone, where)
    assert not problems, "touch targets under 44x44 px:\n" + "\n".join(problems)


def test_player_pages_fit_a_phone_screen(facilitator_page, phones):
    problems = []
    for where, phone in player_pages(facilitator_page, phones, "Smal"):
        problems += too_wide(phone, where)
    assert not problems, "pages wider than the phone:\n" + "\n".join(problems)


SLEEP_AND_WAKE = """
(seconds) => {
  let state = "hidden";
  Object.defineProperty(document, "visibilityState", { configurable: true, get: () => state });
  document.dispatchEvent(new Event("visibilitychange"));
  const now = Date.now;
  Date.now = () => now() + seconds * 1000;  // the phone slept this long
  state = "visible";
  document.dispatchEvent(new Event("visibilitychange"));
}
"""


def test_a_phone_that_slept_opens_a_fresh_socket_to_catch_up(facilitator_page, phones):
    """After a long sleep a socket may be half dead or hold a backlog: the page opens a
    fresh one with since=, which brings everything it missed in one message. A short
    look away keeps the socket."""
    code = create_session(facilitator_page, "Slapen")
    phone = phones()
    join(phone, code, "Kees")
    expect(phone.locator("#live-status")).to_have_text(texts(phone)["online"])
    before = phone.evaluate("window.__messages.length")
    phone.evaluate(SLEEP_AND_WAKE, 5)
    # A short look away pings on the socket it has: the answer comes on that socket.
    wait_until(phone, "(n) => window.__messages.slice(n).some((m) => m.type === 'pong')", before)
    assert phone.evaluate("window.__sockets.length") == 1, "a short look away kept the socket"
    before = phone.evaluate("window.__messages.length")
    phone.evaluate(SLEEP_AND_WAKE, 60)
    wait_until(phone, "() => window.__sockets.length === 2 && window.__sockets[1].readyState === 1")
    assert phone.evaluate("window.__sockets[0].readyState") == 3  # the old one is closed
    # Not seated yet, so no since=: the fresh socket's first message is the whole view.
    wait_until(phone, "(n) => window.__messages.length > n", before)
    first = "(n) => window.__messages.slice(n).find((m) => m.type !== 'pong').type"
    assert phone.evaluate(first, before) == "view"  # a late pong of the old socket aside
