"""A polished UI: a light first load on a phone, no serious accessibility problems on
any screen (axe-core), a game screen wholly in English after the language button, and
screenshots of the screens people look at most.

The screenshots land in tests/browser/screenshots/ (quality-*.png) for a human to look at.
"""

from __future__ import annotations

import random
import re
import time
from dataclasses import dataclass, field
from typing import Any

from tests.browser.conftest import screenshot, wait_until
from tests.browser.test_session_flow import (
    GAME_SECONDS,
    Session,
    ask,
    close_dialog,
    create_session,
    is_over,
    join,
    new_session,
    on_turn,
    start,
    tap_choice,
    texts,
    wait_for_turn,
)

try:
    from playwright.sync_api import Page, Request, WebSocket, expect
except ImportError:  # the conftest skips these tests (or fails them where required)
    Page = Request = WebSocket = Any
    expect = None

# --- 1. first load weight ---------------------------------------------------------------------

MAX_REQUESTS = 15
MAX_KB = 150


@dataclass
class Traffic:
    """Every request a page makes from the moment it is watched, and the bytes its
    WebSockets receive: what a phone downloads for one page load."""

    requests: list[Request] = field(default_factory=list)
    sockets: list[WebSocket] = field(default_factory=list)
    socket_bytes: int = 0

    @classmethod
    def watch(cls, page: Page) -> Traffic:
        traffic = cls()
        page.on("request", traffic._request)
        page.on("websocket", traffic._socket)
        return traffic

    def _request(self, request: Request) -> None:
        self.requests.append(request)

    def _socket(self, socket: WebSocket) -> None:
        self.sockets.append(socket)
        socket.on("framereceived", self._frame)

    def _frame(self, payload: str | bytes) -> None:
        self.socket_bytes += len(payload.encode() if isinstance(payload, str) else payload)

    @staticmethod
    def transferred(request: Request) -> int:
        """Bytes over the wire: headers and the (compressed) body of the response."""
        try:
            sizes = request.sizes()
            return sizes["responseBodySize"] + sizes["responseHeadersSize"]
        except Exception:  # no sizes (failed, or served without a network response)
            response = request.response()
            return int(response.headers.get("content-length", 0)) if response else 0

    def summary(self) -> tuple[int, float, list[str]]:
        """(requests, kilobytes, one line a request); a WebSocket counts as one request
        and its frames received as transferred bytes."""
        lines = []
        total = 0
        for request in self.requests:
            size = self.transferred(request)
            total += size
            response = request.response()
            status = response.status if response else "failed"
            encoding = response.headers.get("content-encoding", "") if response else ""
            lines.append(f"  {request.method} {request.url} {status} {encoding} {size} B")
        for socket in self.sockets:
            lines.append(f"  WS {socket.url}: {self.socket_bytes} B received")
        total += self.socket_bytes
        return len(self.requests) + len(self.sockets), total / 1024, lines


def test_first_load_of_the_join_page_and_the_player_page_is_light(facilitator_page, phones):
    code = create_session(facilitator_page, "Licht")

    # The join page, from the QR code's short link, in a fresh context (no cache).
    phone = phones()
    traffic = Traffic.watch(phone)
    phone.goto(f"/j/{code}/")
    expect(phone.locator("#id_code")).to_have_value(code)
    phone.wait_for_load_state("networkidle")
    count, kb, lines = traffic.summary()
    print(f"\nfirst load of the join page: {count} requests, {kb:.1f} KB transferred")
    print("\n".join(lines))
    assert count < MAX_REQUESTS and kb < MAX_KB, "\n".join(lines)

    phone.fill("#id_name", "Licht")
    phone.locator("main button.btn-big").tap()
    phone.wait_for_url("**/play/")
    phone.goto("about:blank")  # one open page for this player at a time

    # /play/ alone, as a phone that has never loaded anything: a fresh context with the
    # player's cookie, from navigation until the socket's first view is on screen.
    cookies = phone.context.cookies()
    fresh = phones()
    fresh.context.add_cookies(cookies)
    traffic = Traffic.watch(fresh)
    fresh.goto("/play/")
    wait_until(fresh, "window.__messages.some((m) => m.type === 'view')")
    expect(fresh.locator("#lobby")).to_contain_text("Licht")
    expect(fresh.locator("#live-status")).to_have_text(texts(fresh)["online"])
    fresh.wait_for_load_state("networkidle")
    count, kb, lines = traffic.summary()
    print(f"first load of /play/: {count} requests, {kb:.1f} KB transferred")
    print("\n".join(lines))
    assert count < MAX_REQUESTS, f"{count} requests:\n" + "\n".join(lines)
    assert kb < MAX_KB, f"{kb:.1f} KB:\n" + "\n".join(lines)
    # Static files come compressed (WhiteNoise's .br/.gz for a browser that accepts them).
    static = [r for r in traffic.requests if "/static/" in r.url and r.response()]
    assert static, "no static files loaded?"
    plain = [r.url for r in static if not r.response().headers.get("content-encoding")]
    assert not plain, f"static files sent uncompressed: {plain}"


# --- 2. accessibility ----------------------------------------------------------------------

SERIOUS = ("serious", "critical")


def axe(page: Page, where: str, found: dict[str, list[str]], minor: list[str]) -> None:
    """Run axe-core on the page as it is now; keep the serious and critical violations
    of this screen in found[where] (rule, impact, first targets), the rest in minor."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    serious = []
    for violation in results.response["violations"]:
        nodes = violation["nodes"]
        targets = ", ".join(" ".join(map(str, node["target"])) for node in nodes[:4])
        more = f" (+{len(nodes) - 4} more)" if len(nodes) > 4 else ""
        checks = nodes[0].get("any", []) + nodes[0].get("all", []) + nodes[0].get("none", [])
        why = "; ".join(check["message"] for check in checks if check.get("message"))
        line = (
            f"{where}: {violation['id']} ({violation['impact']}) on {targets}{more}"
            f" — {violation['help']}" + (f" [first: {why}]" if why else "")
        )
        (serious if violation["impact"] in SERIOUS else minor).append(line)
    found[where] = serious


def report(found: dict[str, list[str]]) -> str:
    return "serious or critical accessibility violations:\n" + "\n".join(
        line for lines in found.values() for line in lines
    )


def spotlight_shown(projector: Page) -> bool:
    return projector.locator("#spotlight").is_visible()


def test_every_screen_passes_axe_without_serious_violations(facilitator_page, phones, projector):
    """Walks one workshop from joining to the results: the player's screens on a phone,
    the dashboard, the projector before, during and after the game, and the results
    page; axe-core runs on each, and the big screens are photographed on the way."""
    found: dict[str, list[str]] = {}
    minor: list[str] = []
    dashboard = facilitator_page
    code = create_session(dashboard, "Toegankelijk")
    big = projector(code)
    expect(big.locator(".pj-code")).to_have_text(code)

    names = ("Mila", "Noah", "Olga")
    session = Session(code=code, dashboard=dashboard)
    first = phones()
    first.goto(f"/j/{code}/")
    expect(first.locator("#id_code")).to_have_value(code)
    axe(first, "join", found, minor)
    join(first, code, names[0])
    axe(first, "lobby (waiting to be seated)", found, minor)
    session.players[names[0]] = first
    for name in names[1:]:
        phone = phones()
        join(phone, code, name)
        session.players[name] = phone

    for name in names:  # the projector follows the room live
        expect(big.locator(".pj-names")).to_contain_text(name)
    axe(big, "projector before", found, minor)
    screenshot(big, "quality-projector-before")

    start(session)
    mine = wait_for_turn(session)
    close_dialog(mine)
    rng = random.Random(5)
    for group in ("themes", "cards", "targets"):
        tap_choice(mine, group, rng)
    axe(mine, "my turn, choices made", found, minor)

    # The card dialog: in test_a_card_dialog_of_every_quartet_passes_axe.
    expect(dashboard.locator(".table-card").first).to_contain_text("speelt")
    axe(dashboard, "dashboard during the game", found, minor)
    screenshot(dashboard, "quality-dashboard-during")
    expect(big.locator(".pj-table")).to_have_count(1)
    for name in names:
        expect(big.locator(".pj-table")).to_contain_text(name)
    axe(big, "projector during", found, minor)
    screenshot(big, "quality-projector-during")

    # Play to the end; photograph the first quartet the projector puts in the spotlight.
    spotlight = False
    deadline = time.monotonic() + GAME_SECONDS
    while not is_over(session):
        assert time.monotonic() < deadline, f"the game did not end in {GAME_SECONDS:.0f} s"
        phone = on_turn(session)
        if phone is None:
            time.sleep(0.05)
        else:
            ask(phone, rng)
        if not spotlight and spotlight_shown(big):
            spotlight = True
            axe(big, "projector, quartet in the spotlight", found, minor)
            screenshot(big, "quality-projector-spotlight")
    end = session.players[names[0]]
    expect(end.locator("#ranking")).to_be_visible()
    for phone in session.phones:
        close_dialog(phone)
    axe(end, "end of game (ranking)", found, minor)

    end.goto("/plan/")
    end.locator(".plan-add").first.tap()
    end.fill("#item-0-action", "Een proeverij organiseren")
    expect(end.locator("#plan-status")).to_have_text("Opgeslagen")
    axe(end, "plan editor", found, minor)

    expect(big.locator(".pj-room")).to_be_visible()  # the ranking, live
    expect(big.locator(".pj-ideas")).to_be_visible()  # with the plan just saved
    # The spotlight shows the game's quartets one after another for 9 s each: a fresh
    # page shows the ranking without them.
    big.reload()
    expect(big.locator(".pj-room")).to_be_visible()
    axe(big, "projector after", found, minor)
    screenshot(big, "quality-projector-after")

    dashboard.goto(f"/host/{code}/results/")
    expect(dashboard.locator("main")).to_contain_text(names[0])
    axe(dashboard, "results page", found, minor)

    print("\naxe, moderate and minor (not failing):\n" + "\n".join(minor or ["none"]))
    assert set(found) >= {
        "join",
        "lobby (waiting to be seated)",
        "my turn, choices made",
        "end of game (ranking)",
        "plan editor",
        "dashboard during the game",
        "projector before",
        "projector during",
        "projector after",
        "results page",
    }
    assert not any(found.values()), report(found)


HAND_THEMES = """() => Object.fromEntries([...document.querySelectorAll("#hand .hand-theme")]
  .map((group) => [group.querySelector("h3").textContent, group.querySelectorAll("button").length]))"""


def test_a_card_dialog_of_every_quartet_passes_axe(facilitator_page, phones):
    """A card read in the dialog, for a card of each quartet (each has its own colour)
    that one of the three hands holds at the start; the page behind at its top."""
    session = new_session(facilitator_page, phones, ("Sam", "Tess", "Umut"), "Kaarten lezen")
    found: dict[str, list[str]] = {}
    minor: list[str] = []
    themes = [theme["name"] for theme in session.phones[0].evaluate(CONTENT_DECK)]
    for theme in themes:
        holders = [p for p in session.phones if theme in p.evaluate(HAND_THEMES)]
        if not holders:  # dealt as a whole quartet and laid at once
            continue
        phone = holders[0]
        close_dialog(phone)  # the card dialog opened for the theme before, if any
        phone.locator("#hand .hand-theme").filter(
            has=phone.get_by_role("heading", name=theme, exact=True)
        ).locator("button").first.tap()
        dialog = phone.locator("dialog[open]")
        expect(dialog.locator(".card-theme")).to_have_text(theme)  # the card's text is in
        expect(dialog.locator(".card-cta")).to_be_visible()
        phone.evaluate("window.scrollTo(0, 0)")  # the same page behind, whatever the hand
        axe(phone, f"card dialog, {theme}", found, minor)
        if len(found) == 1:  # the dialog is fixed to the screen: the screen, not the page
            screenshot(phone, "quality-card-dialog", full_page=False)
        close_dialog(phone)
    print("\naxe, moderate and minor (not failing):\n" + "\n".join(minor or ["none"]))
    assert len(found) >= 3, f"only {list(found)} of {themes} in the hands"
    assert not any(found.values()), report(found)


# --- 3. English --------------------------------------------------------------------------------

# Every text node on screen (and the labels of visible elements), outside [lang=nl].
VISIBLE_TEXT = """() => {
  const out = [];
  const shown = (el) => el.checkVisibility({ visibilityProperty: true });
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!el || el.closest("[lang=nl], script, style, template") || !shown(el)) continue;
    const text = node.textContent.trim();
    if (text) out.push(text);
  }
  for (const el of document.body.querySelectorAll("[aria-label], [title], [alt], [placeholder]")) {
    if (el.closest("[lang=nl]") || !shown(el)) continue;
    for (const name of ["aria-label", "title", "alt", "placeholder"]) {
      const text = (el.getAttribute(name) || "").trim();
      if (text) out.push(text);
    }
  }
  return out;
}"""

CONTENT_DECK = """() => window.__messages.filter((m) => m.type === "view").at(-1).deck.themes"""

# Dutch content by design: the names people typed, the deck's card titles and themes.
CONTENT = """() => {
  const view = window.__messages.filter((m) => m.type === "view").at(-1);
  return [view.workshop.name, ...view.players.map((p) => p.name),
    ...view.deck.themes.flatMap((t) => [t.name, ...t.cards.map((c) => c.title)])];
}"""

DUTCH = [
    "Jouw beurt",
    "aan de beurt",
    "kaarten",
    "kaart",
    "Vraag een kaart",
    "Uit welk kwartet",
    "Welke kaart",
    "Van wie",
    "Mijn kaarten",
    "Wat er gebeurde",
    "Mag ik van",
    "Mijn actieplan",
    "Verbinden",
    "Kies een kwartet",
    "Spelers",
    "Naar de inhoud",
    "jij",
    "Verbinding",
    "De kaarten zijn gedeeld",
    "Peiling",
    "Sluiten",
]
ENGLISH = [
    "Your turn!",
    "Ask for a card",
    "1. From which quartet?",
    "2. Which card?",
    "3. From whom?",
    "My cards",
    "What happened",
    "My action plan",
    "cards",
    "May I have from",
]


def visible_ui_text(page: Page) -> str:
    """The page's visible words, with the Dutch content (names, cards, themes) cut out."""
    text = "\n".join(page.evaluate(VISIBLE_TEXT))
    for content in sorted(page.evaluate(CONTENT), key=len, reverse=True):
        text = text.replace(content, "▯")
    return text


def dutch_words(text: str) -> list[str]:
    return [word for word in DUTCH if re.search(rf"\b{re.escape(word)}\b", text, re.IGNORECASE)]


def switch_language(phone: Page, to: str) -> None:
    phone.locator("form.lang-switch button").tap()
    expect(phone.locator("html")).to_have_attribute("lang", to)
    wait_until(phone, "window.__messages.some((m) => m.type === 'view')")
    expect(phone.locator("#live-status")).to_have_text(texts(phone)["online"])


def test_the_game_screen_is_all_english_after_the_language_button(facilitator_page, phones):
    session = new_session(facilitator_page, phones, ("Pieter", "Quinn", "Roos"), "Taal")
    phone = wait_for_turn(session)
    close_dialog(phone)
    expect(phone.locator("form.lang-switch button")).to_have_text("English")
    phone.evaluate("window.__marker = 'Dutch page'")

    switch_language(phone, "en")

    assert phone.evaluate("window.__marker") is None, "the page did not reload"
    expect(phone.locator("#ask")).to_be_visible()  # still this player's turn, in English
    expect(phone.locator("#hand button").first).to_be_visible()
    expect(phone.locator("form.lang-switch button")).to_have_text("Nederlands")
    close_dialog(phone)
    rng = random.Random(8)
    for group in ("themes", "cards", "targets"):  # every part of the ask panel on screen
        tap_choice(phone, group, rng)
    text = visible_ui_text(phone)
    screenshot(phone, "quality-english-game")
    assert not dutch_words(text), f"Dutch words {dutch_words(text)} on the English page:\n{text}"
    missing = [words for words in ENGLISH if words not in text]
    assert not missing, f"{missing} not on the English page:\n{text}"

    switch_language(phone, "nl")
    expect(phone.locator("#hand-h")).to_have_text("Mijn kaarten")
    expect(phone.locator("#turn-banner")).to_have_text("Jouw beurt!")
    expect(phone.locator("form.lang-switch button")).to_have_text("English")
