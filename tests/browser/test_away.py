"""A table is never stuck on a player who left, in a real browser: the table sees who is
thinking long and that player's phone vibrates; a player who closed their phone is
flagged on the dashboard, a bot plays for them, and their phone, opened again, says
what happened and shows their hand."""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.browser.conftest import screenshot, wait_until
from tests.browser.test_session_flow import Session, create_session, join, start, texts

try:
    from playwright.sync_api import Page, expect
except ImportError:  # the conftest skips these tests (or fails them where required)
    Page = Any
    expect = None

VIBRATIONS = (
    "navigator.vibrate = (pattern) => { (window.__vibrations ||= []).push(pattern); return true; };"
)
NUDGE_MS = 15_000  # nudge_after 5 s, the scan every 2 s, and the push


def backdate(site, code: str, name: str, seconds: int) -> None:
    """Move the last-seen clock of the session's player back, as if ``seconds`` had
    passed (the server's database is shared by the tests: other sessions have a Bram)."""
    site.manage(
        "shell",
        "-c",
        "from datetime import timedelta; from django.utils import timezone;"
        " from game.models import Player;"
        f" Player.objects.filter(workshop__code={code!r}, name={name!r}).update("
        f"seen=timezone.now() - timedelta(seconds={seconds}))",
    )


def written_since(site, code: str, name: str, instant: float, timeout: float = 20.0) -> None:
    """Wait until the server has written the last-seen clock of the session's player at or
    after ``instant`` (a Unix time): a backdate made before that write would be undone."""
    deadline = time.monotonic() + timeout
    while True:
        printed = site.manage(
            "shell",
            "-c",
            "from game.models import Player;"
            f" print(Player.objects.get(workshop__code={code!r}, name={name!r}).seen.timestamp())",
        )
        if float(printed.strip().splitlines()[-1]) >= instant:
            return
        assert time.monotonic() < deadline, f"{name}'s closing was not written in {timeout} s"
        time.sleep(0.2)


def three_phones(facilitator_page: Page, phones) -> Session:
    dashboard = facilitator_page
    code = create_session(dashboard, "Wie is er weg?", nudge_after=5)
    session = Session(code=code, dashboard=dashboard)
    for name in ("Anna", "Bram", "Cees"):
        phone = phones()
        phone.add_init_script(VIBRATIONS)
        join(phone, session.code, name)
        session.players[name] = phone
    start(session)
    return session


def test_a_long_think_is_nudged_and_a_player_who_left_gets_the_hand_back(
    facilitator_page, phones, site
):
    if site.manage is None:
        pytest.skip("moves the clock of the embedded server's database")
    session = three_phones(facilitator_page, phones)
    gone = next(
        name
        for name, phone in session.players.items()
        if phone.locator("#turn-banner.mine").count()
    )
    stays = next(name for name in session.players if name != gone)
    thinker, watcher = session.players[gone], session.players[stays]
    expect(thinker.locator("#turn-banner.mine")).to_have_count(1)
    seat = watcher.evaluate(
        "(name) => window.__messages.findLast((m) => m.players).players"
        ".find((p) => p.name === name).seat",
        gone,
    )

    # Nobody moves: after five seconds the table sees that the player on turn thinks.
    expect(watcher.locator("#turn-banner")).to_have_text(
        f"\u2068{gone}\u2069 denkt na…", timeout=NUDGE_MS
    )
    expect(thinker.locator("#turn-banner")).to_have_text(texts(thinker)["nudge_self"])
    assert thinker.evaluate("window.__vibrations") == [[200, 100, 200]]
    for name, phone in session.players.items():
        if name != gone:
            assert phone.evaluate("window.__vibrations || []") == []
    screenshot(watcher, "away-nudge-table")
    screenshot(thinker, "away-nudge-self")

    # The thinker puts the phone away; a minute later (moved forward here) the
    # dashboard says the table waits for them, and the facilitator lets a bot play.
    context = thinker.context
    closed_at = time.time()
    thinker.close()
    written_since(
        site, session.code, gone, closed_at
    )  # the server wrote the moment the socket closed
    backdate(site, session.code, gone, 600)
    dashboard = session.dashboard
    flag = dashboard.locator(".table-flag")
    expect(flag).to_contain_text(f"De tafel wacht op {gone}.", timeout=NUDGE_MS)
    screenshot(dashboard, "away-dashboard-flag")
    dashboard.locator("button[value=stand_in]").click()
    expect(flag).to_have_count(0)
    wait_until(
        watcher,
        """(seat) => window.__messages.some((m) => m.type === "events"
             && m.events.some((e) => e.type === "seat_stood_in" && e.seat === seat))""",
        seat,
    )
    expect(watcher.locator("#players")).to_contain_text(
        f"\u2068{gone}\u2069 (een bot speelt voor hen)"
    )
    wait_until(  # the bot plays the hand
        watcher,
        """(seat) => window.__messages.some((m) => m.type === "events"
             && m.events.some((e) => e.type === "asked" && e.seat === seat))""",
        seat,
    )

    # Back: the phone opens the game again and hears what the bot did.
    back = context.new_page()
    back.goto("/play/")
    dialog = back.locator("dialog[open]")
    expect(dialog).to_contain_text("Welkom terug!")
    expect(dialog).to_contain_text("speelde een bot met je kaarten")
    screenshot(back, "away-welcome-back")
    state = wait_until(
        back, "[...window.__messages].reverse().find((m) => m.state && m.you)?.state || null"
    )
    expect(back.locator("#hand .hand-card")).to_have_count(state["counts"][seat])
    expect(watcher.locator("#log")).to_contain_text(f"\u2068{gone}\u2069 is terug.")
    expect(watcher.locator("#players")).not_to_contain_text("een bot speelt")
