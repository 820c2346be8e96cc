"""The pages work under the Content-Security-Policy in Chromium: a phone plays a turn,
the dashboard and the projector follow live (with the spotlight and a poll's bars),
the plan editor saves, the print buttons print, and the admin's scripts run; and
Chromium reports no violation of the policy on any of them (neither a
`securitypolicyviolation` event nor a console message).

Screenshots: tests/browser/screenshots/csp-*.png, to check that nothing lost its
styling (theme colours come from style attributes, which the policy allows).
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from typing import Any

from tests.browser.conftest import DESKTOP, _manage, _server_env, screenshot
from tests.browser.test_session_flow import (
    GAME_SECONDS,
    Session,
    ask,
    close_dialog,
    create_session,
    join,
    on_turn,
    start,
    texts,
    wait_for_turn,
)

try:
    from playwright.sync_api import Page, expect
except ImportError:  # the conftest skips these tests (or fails them where required)
    Page = Any
    expect = None

# Reports every violation the page sees to the test (through an exposed function),
# before any of the page's own scripts run.
VIOLATION_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolation(`${location.pathname}: ${event.violatedDirective} blocked `
    + `${event.blockedURI || "inline"} at ${event.sourceFile}:${event.lineNumber}`);
});
"""
ADMIN = ("csp-admin", "a long passphrase for the admin")


@dataclass
class Violations:
    """Every CSP violation and script error on the pages watched."""

    found: list[str] = field(default_factory=list)

    def watch(self, page: Page) -> Page:
        """Watch ``page`` from its next navigation on (the caller navigates)."""
        page.context.expose_function("__cspViolation", self._report)
        page.context.add_init_script(VIOLATION_LISTENER)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.found.append(f"page error: {error}"))
        return page

    def _report(self, text: str) -> None:
        self.found.append(text)

    def _console(self, message) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.found.append(f"console: {message.text}")

    def assert_none(self) -> None:
        assert not self.found, "CSP violations:\n" + "\n".join(self.found)


def rgb(colour: str) -> str:
    """'#1f5fa8' as the browser computes it: 'rgb(31, 95, 168)'."""
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({red}, {green}, {blue})"


def style(page: Page, selector: str, prop: str) -> str:
    return page.locator(selector).first.evaluate(
        "(el, prop) => getComputedStyle(el).getPropertyValue(prop)", prop
    )


def deck_colours(phone: Page) -> dict[str, str]:
    """Theme name -> colour, from the deck the phone's socket sent."""
    themes = phone.evaluate("window.__messages.filter((m) => m.type === 'view').at(-1).deck.themes")
    return {theme["name"]: theme["colour"] for theme in themes}


def assert_policy(page: Page, path: str) -> None:
    response = page.request.get(path)
    header = response.headers.get("content-security-policy", "")
    assert "script-src 'self'" in header and "style-src-attr 'unsafe-inline'" in header, header


def room(facilitator_page: Page, phones, projector, watch: Violations) -> tuple[Session, Page]:
    """A session with three phones at one started table and its projector, watched."""
    dashboard = watch.watch(facilitator_page)
    dashboard.goto("/host/")
    code = create_session(dashboard, "Streng beleid")
    assert_policy(dashboard, f"/host/{code}/")
    big = watch.watch(projector(code))
    big.reload()
    session = Session(code=code, dashboard=dashboard)
    for name in ("Iris", "Joost", "Kim"):
        phone = watch.watch(phones())
        join(phone, code, name)
        session.players[name] = phone
    start(session)
    return session, big


def turn_moves_the_room(session: Session, rng: random.Random) -> None:
    """One ask on the phone whose turn it is: the server answers (a socket under
    connect-src), and the dashboard re-reads its panel (fetch) without a reload."""
    dashboard = session.dashboard
    dashboard.evaluate("window.__marker = 'no reload'")
    last = dashboard.locator(".last-event").first
    before = last.inner_text() if last.count() else ""
    phone = wait_for_turn(session)
    expect(phone.locator("#turn-banner")).to_have_text(texts(phone)["your_turn"])
    colours = deck_colours(phone)
    group = phone.locator("#hand .hand-theme").first
    theme = group.locator("h3").inner_text()
    # Read until it holds: the hand may be drawn again meanwhile (a detached node's style
    # reads as empty).
    expect(group).to_have_css("border-left-color", rgb(colours[theme]))
    screenshot(phone, "csp-phone-turn")
    ask(phone, rng)
    expect(last).not_to_have_text(before)
    assert dashboard.evaluate("window.__marker") == "no reload"


def play_until_the_spotlight(session: Session, big: Page, rng: random.Random) -> None:
    deadline = time.monotonic() + GAME_SECONDS
    while not big.locator("#spotlight").is_visible():
        assert time.monotonic() < deadline, f"no quartet in the spotlight in {GAME_SECONDS} s"
        phone = on_turn(session)
        if phone is None:
            time.sleep(0.05)
        else:
            ask(phone, rng)
    colours = deck_colours(session.phones[0])
    background = style(big, "#spotlight", "background-color")
    assert background in {rgb(colour) for colour in colours.values()}, background
    screenshot(big, "csp-projector-spotlight")


def poll_bars(session: Session, big: Page) -> None:
    """A ready poll, two votes: the bars' widths come from style attributes."""
    dashboard = session.dashboard
    dashboard.click("button[value=poll_ready]")
    for phone in session.phones[:2]:
        expect(phone.locator("#poll")).to_be_visible()
        close_dialog(phone)  # a dialog the phone opened, if any
        phone.locator("#poll-answers button").first.tap()
        expect(phone.locator("#poll-thanks")).to_be_visible()
    expect(big.locator(".pj-bar-count").first).to_have_text("2")
    expect(big.locator(".pj-bar-fill").first).to_have_attribute("style", "width: 100%")
    # Measured in one step: the projector's panel is replaced when it is read again.
    full, fill = big.evaluate(
        """() => ['.pj-bar', '.pj-bar-fill'].map((selector) =>
             document.querySelector(selector).getBoundingClientRect().width)"""
    )
    assert full > 0 and abs(fill - full) < 1, (fill, full)
    expect(dashboard.locator(".poll-card .bar-count").first).to_have_text("2")
    bar = dashboard.locator(".poll-card .bar-fill").first
    assert bar.evaluate("(el) => el.getBoundingClientRect().width") > 50
    assert style(dashboard, ".poll-card .bar-fill", "background-color") == rgb("#1f5fa8")
    expect(big.locator("#spotlight")).to_be_hidden(timeout=30_000)  # 7 s a quartet
    screenshot(big, "csp-projector-poll", full_page=False)
    screenshot(dashboard, "csp-dashboard")


def plan_and_print(phone: Page) -> None:
    """The plan editor saves as the player types; its print page's button prints."""
    phone.goto("/plan/")
    add = phone.locator(".plan-add").first
    add.tap()
    phone.fill("#item-0-action", "Een proeverij organiseren")
    phone.fill("#item-0-when", "juni")
    phone.locator("#item-0-when").press("Enter")  # implicit submission: prevented by plan.js
    expect(phone.locator("#plan-status")).to_have_text("Opgeslagen")
    assert phone.url.endswith("/plan/")
    data = phone.evaluate("JSON.parse(document.getElementById('plan-data').textContent)")
    assert style(phone, ".plan-item", "border-left-color") == rgb(data["themes"][0]["colour"])
    screenshot(phone, "csp-plan-editor")
    printed(phone, "/plan/print/", "csp-plan-print")


def printed(page: Page, path: str, shot: str) -> None:
    page.goto(path)
    screenshot(page, shot)
    page.evaluate("window.print = () => { window.__printed = true; }")
    page.locator("button[data-print]").click()
    assert page.evaluate("window.__printed") is True


def test_the_game_pages_work_under_the_policy(facilitator_page, phones, projector):
    watch = Violations()
    session, big = room(facilitator_page, phones, projector, watch)
    rng = random.Random(11)
    turn_moves_the_room(session, rng)
    play_until_the_spotlight(session, big, rng)
    poll_bars(session, big)
    plan_and_print(session.phones[0])
    printed(session.dashboard, f"/host/{session.code}/results/", "csp-results")
    colour = style(session.dashboard, ".chart-theme h3", "color")
    assert colour == rgb(next(iter(deck_colours(session.phones[1]).values())))
    watch.assert_none()


# --- the admin --------------------------------------------------------------------------------


def admin_page(browser, server, watch: Violations) -> Page:
    env = {**_server_env(server.log.parent), "DJANGO_SUPERUSER_PASSWORD": ADMIN[1]}
    _manage(env, "createsuperuser", "--noinput", "--username", ADMIN[0], "--email", "a@b.nl")
    context = browser.new_context(base_url=server.url, **DESKTOP)
    page = watch.watch(context.new_page())
    page.goto("/admin/")
    page.fill("#id_username", ADMIN[0])
    page.fill("#id_password", ADMIN[1])
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")
    return page


def test_the_admin_works_under_the_policy(browser, server):
    watch = Violations()
    page = admin_page(browser, server, watch)
    try:
        assert_policy(page, "/admin/")
        theme = page.locator("html").get_attribute("data-theme")
        page.locator("button.theme-toggle").first.click()  # admin/js/theme.js
        expect(page.locator("html")).not_to_have_attribute("data-theme", theme or "auto")
        page.goto("/admin/cards/card/")
        page.locator("#result_list tbody a").first.click()  # a card's change form
        expect(page.locator("#card_form")).to_be_visible()
        page.goto("/admin/cards/deck/add/")
        page.locator("#id_name").press_sequentially("Nieuw Spel")  # keyup, as typing
        expect(page.locator("#id_slug")).to_have_value("nieuw-spel")  # prepopulate.js
        page.locator(".add-row a").first.click()  # inlines.js adds a theme row
        expect(page.locator("#themes-group tr.dynamic-themes")).to_have_count(1)
        screenshot(page, "csp-admin-add-deck")
        page.goto("/admin/auth/user/")
        page.locator("#result_list tbody a", has_text=ADMIN[0]).click()
        page.locator(".datetimeshortcuts a").first.click()  # DateTimeShortcuts.js: "today"
        expect(page.locator("#id_last_login_0")).not_to_have_value("")
        page.goto("/admin/game/polltemplate/")
        page.locator("#result_list tbody a").first.click()
        page.click("input[name=_save]")  # form-action 'self', then a redirect
        expect(page.locator(".messagelist .success")).to_be_visible()
        screenshot(page, "csp-admin-saved")
        watch.assert_none()
    finally:
        page.context.close()


# Adds a second policy (a <meta> one: every policy must allow a connection), opens a
# WebSocket to the page's own host and port, and says what happened.
SOCKET_UNDER = """async (policy) => {
  const meta = document.createElement("meta");
  meta.httpEquiv = "Content-Security-Policy";
  meta.content = policy;
  document.head.append(meta);
  const blocked = [];
  document.addEventListener("securitypolicyviolation", (e) => blocked.push(e.violatedDirective));
  const opened = await new Promise((resolve) => {
    let ws;
    try { ws = new WebSocket(`ws://${location.host}/ws/play/`); }
    catch (error) { resolve(`refused: ${error.name}`); return; }
    ws.onopen = () => { ws.close(); resolve("open"); };
    ws.onerror = () => resolve("error");
  });
  return { opened, blocked };
}"""


def test_chromium_lets_self_cover_the_pages_own_socket(facilitator_page, phones):
    """Without the explicit ws:// and wss:// host sources (there for older Safari),
    `connect-src 'self'` alone lets Chromium open the page's own socket; and the check
    can tell, since `connect-src 'none'` refuses it."""
    code = create_session(facilitator_page, "Alleen self")
    phone = phones()
    join(phone, code, "Lotte")  # the player's cookie: the socket is accepted
    results = {}
    for policy in ("connect-src 'none'", "connect-src 'self'"):
        phone.goto("/plan/")  # a page without a socket of its own
        results[policy] = phone.evaluate(SOCKET_UNDER, policy)
    assert results["connect-src 'self'"] == {"opened": "open", "blocked": []}, results
    assert results["connect-src 'none'"]["blocked"] == ["connect-src"], results
