"""Venue mode end to end: the facilitator's laptop is the server and phones come in over
the venue's Wi-Fi.

The server runs as `make venue` runs it (VENUE=true), with 127.0.0.2 standing in for the
laptop's Wi-Fi address (VENUE_ADDRESS): it listens on 127.0.0.1, where the facilitator's
own browser opens the dashboard, and on 127.0.0.2, where the phones come in. Nothing
leaves the loopback addresses.
"""

from __future__ import annotations

import random
import re
from typing import Any

import pytest

from tests.browser.conftest import LiveServer, run_server, screenshot, settled
from tests.browser.test_session_flow import (
    GAME_SECONDS,
    Session,
    create_session,
    join,
    play,
    ranking,
    start,
    texts,
)
from tests.qr import decode_png

try:
    from playwright.sync_api import Page, expect
except ImportError:  # the conftest skips these tests (or fails them where required)
    Page = Any
    expect = None

WIFI_ADDRESS = "127.0.0.2"  # the laptop's address on the venue's Wi-Fi, for this test
HINT = "Zelfde wifi als dit scherm"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory):
    """This module's pages are on a server in venue mode (overrides the conftest's)."""
    env = {"VENUE": "true", "VENUE_ADDRESS": WIFI_ADDRESS, "PORT": "{port}"}
    tmp = tmp_path_factory.mktemp("venue-server")
    with run_server(tmp, phone_host=WIFI_ADDRESS, env=env) as live:
        yield live


def qr_text(page: Page, selector: str) -> list[str]:
    """What a camera reads from the QR code on the screen: a screenshot of the image."""
    image = page.locator(selector)
    image.evaluate("(img) => img.decode()")  # loaded and drawn
    return decode_png(image.screenshot())


def test_phones_join_on_the_wifi_address_from_the_qr_code_and_play_to_the_end(
    site: LiveServer, facilitator_page: Page, phones, projector
):
    assert site.phone_url.startswith(f"http://{WIFI_ADDRESS}:")
    dashboard = facilitator_page
    assert dashboard.url.startswith("http://127.0.0.1:")  # the laptop's own browser
    code = create_session(dashboard, "Zaal De Kapel")
    # The dashboard: the Wi-Fi URL in large type (the session's signed link), the hint,
    # and a QR code of that URL.
    join_url = dashboard.locator(".join-url").inner_text()
    assert re.fullmatch(rf"{re.escape(site.phone_url)}/j/{code}/[A-Z2-9]{{8}}/", join_url)
    expect(dashboard.locator(".join-hint")).to_have_text(HINT)
    assert qr_text(dashboard, "img.qr") == [join_url]
    dashboard.set_viewport_size({"width": 1280, "height": 800})
    screenshot(dashboard, "venue-01-dashboard-1280x800", full_page=False)
    assert dashboard.locator(".join-url").is_visible()
    assert dashboard.locator("img.qr").is_visible()

    # The projector: the same URL, hint and QR code, readable on a 1920x1080 screen.
    screen = projector(code)
    settled(screen, "#projector-panel", reads=1)  # its first read, on the socket's hello
    expect(screen.locator(".pj-url")).to_have_text(join_url)
    expect(screen.locator(".pj-hint")).to_have_text(HINT)
    assert qr_text(screen, ".pj-qr") == [join_url]
    assert screen.evaluate("document.documentElement.scrollHeight") <= 1080
    screenshot(screen, "venue-02-projector-1920x1080", full_page=False)

    # Three phones open what the QR code says, join, and talk over the Wi-Fi address:
    # its page and its WebSocket (the same-origin check lets it in).
    names = ("Anna", "Bram", "Cees")
    session = Session(code=code, dashboard=dashboard)
    for name in names:
        phone = phones()
        join(phone, code, name, url=join_url)
        assert phone.url.startswith(f"{site.phone_url}/")
        sockets = phone.evaluate("window.__sockets.map((s) => s.url)")
        assert sockets and all(s.startswith(f"ws://{WIFI_ADDRESS}:") for s in sockets), sockets
        session.players[name] = phone
    expect(screen.locator(".pj-names .chip")).to_have_count(len(names))

    start(session)
    asks = play(session, random.Random(5), seconds=GAME_SECONDS)

    assert asks > 0
    rankings = []
    for phone in session.phones:
        expect(phone.locator("#ranking")).to_be_visible()
        expect(phone.locator("#turn-banner")).to_contain_text(texts(phone)["over"])
        rankings.append(ranking(phone))
    assert all(r == rankings[0] for r in rankings), f"the phones disagree: {rankings}"
    assert set(rankings[0]) == set(names)
    assert sum(score for score, _ in rankings[0].values()) == 5  # every quartet is down


def test_websockets_are_let_in_from_the_wifi_address_only(site: LiveServer):
    """The one address venue mode adds to ALLOWED_HOSTS is the one origin it opens."""
    from websockets.exceptions import InvalidStatus
    from websockets.sync.client import connect

    port = site.phone_url.rsplit(":", 1)[1]
    url = f"ws://{WIFI_ADDRESS}:{port}/ws/play/"

    def first_message(origin: str) -> str:
        with connect(url, origin=origin, proxy=None, open_timeout=10, close_timeout=2) as ws:
            return ws.recv(timeout=10)

    # Let in: no player cookie, so the consumer answers, then closes.
    assert '"not_a_player"' in first_message(site.phone_url)
    # Refused: another host on the Wi-Fi, a site elsewhere, and the laptop's own
    # 127.0.0.1 page, which is another origin than the Wi-Fi address's socket (scheme,
    # host and port are compared; its own pages open their sockets on 127.0.0.1).
    for origin in (f"http://127.0.0.3:{port}", "http://kwartet.example.org", site.url):
        with pytest.raises(InvalidStatus) as refused:
            first_message(origin)
        assert refused.value.response.status_code == 403, origin
