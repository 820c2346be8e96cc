"""The manual's pictures (docs/manual/img/<language>/, issue 32), taken in both languages
from one real session: a facilitator makes it, six phones join by its QR code's link and
play at two tables until a quartet is laid, the plan phase starts and two players write
a plan, bots take over the hands and play the games out, the session ends, and an
organiser puts it in a programme with a helper. So a screen that changes changes its
picture in the manual, at the next run of this test (about 40 s, and its server's start).

Every picture is written into docs/manual/img/<language>/<name>.png (replacing the one
there, which git then shows as changed: commit it with the change that changed the
screen), as a PNG of a fixed size with a stamp naming this test
(tests/views/test_manual.py checks that the manual shows only such pictures).

Regenerate them all: .venv/bin/python -m pytest tests/browser/test_manual_screenshots.py
"""

from __future__ import annotations

import io
import json
import os
import random
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import ROOT, LiveServer, run_server, settled, wait_until
from tests.browser.rooms import SEAT
from tests.browser.test_followups import add_card
from tests.browser.test_session_flow import (
    Session,
    ask,
    create_session,
    is_over,
    on_turn,
    tap_choice,
    texts,
)

try:
    from playwright.sync_api import Page, expect
except ImportError:  # the conftest skips these tests (or fails them where required)
    Page = Any
    expect = None

PICTURES = ROOT / "docs" / "manual" / "img"
LANGUAGES = ("nl", "en")
# The stamp in every picture's PNG text (tests/views/test_manual.py looks for it).
STAMP_KEY = "Software"
STAMP = "tests/browser/test_manual_screenshots.py"

DESKTOP = {"width": 1280, "height": 800}
BEAMER = {"width": 1280, "height": 720}
HANDSET = {"width": 360, "height": 780}  # a phone of today, its browser's bars aside
PHONE_SCALE = 2  # the phones' device_scale_factor (tests/browser/conftest.py, PHONE)
PHONE = (HANDSET["width"] * PHONE_SCALE, HANDSET["height"] * PHONE_SCALE)
# Every picture the test takes, and its size in pixels. Names starting with "phone-" are a
# phone's screen (game.views.manual shows them at the phone's width).
SHOTS: dict[str, tuple[int, int]] = {
    "host-home": (1280, 800),
    "phone-join": PHONE,
    "projector-join": (1280, 720),
    "dashboard-join": (1280, 800),
    "dashboard-play": (1280, 800),
    "phone-play": PHONE,
    "projector-play": (1280, 720),
    "projector-poll": (1280, 720),
    "projector-final": (1280, 720),
    "phone-plan": PHONE,
    "dashboard-plans": (1280, 800),
    "results": (1280, 800),
    "programme": (1280, 800),
    "programme-helpers": (1280, 800),
}

SESSION = "Regio Twente"
NAMES = ("Anna", "Bram", "Cees", "Dewi", "Eva", "Femke")
PROGRAMME = "Twente 2027"
DECK = json.loads((ROOT / "fixtures" / "innovation-on-track.json").read_text(encoding="utf-8"))
PUBLIC_URL = "https://kwartet.example.org"  # as a hosted server shows its join links
LAID = re.compile(r'class="progress-seg is-laid"')  # a quartet laid, on a table's card
OVER = re.compile(r'class="table-card is-over')  # a table whose game is over
MAX_ASKS = 40  # until the room has laid a quartet: well within one game of three
WITHIN_SECONDS = 150  # the whole test, a bound far above its usual time


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server of its own: its facilitator's lists hold only this test's session and
    programme, whatever else the browser tests made. It names a public address, as a
    hosted server does, and its bots play fast (they finish the games)."""
    env = {"PUBLIC_URL": PUBLIC_URL, "BOT_DELAY_MS": "50"}
    with run_server(tmp_path_factory.mktemp("manual-server"), env=env) as live:
        yield live


def in_language(page: Page, lang: str, path: str | None = None) -> None:
    """The page (or ``path``) again, in ``lang``: the language button's cookie, set."""
    host = urlsplit(page.url).hostname
    cookie = {"name": "django_language", "value": lang, "domain": host, "path": "/"}
    page.context.add_cookies([cookie])  # for the whole site, as the button sets it
    if path:
        page.goto(path)
    else:
        page.reload()
    expect(page.locator("html")).to_have_attribute("lang", lang)


TAKEN: set[Path] = set()  # the pictures this run wrote


def save(page: Page, lang: str, name: str) -> Path:
    """The page's window as docs/manual/img/<lang>/<name>.png: in 256 colours (a screen
    needs no more, and the repository keeps every version), with the stamp, written whole
    or not at all, then read back and checked."""
    from PIL import Image, PngImagePlugin

    data = page.screenshot(type="png", animations="disabled", caret="hide")
    image = Image.open(io.BytesIO(data))
    assert image.size == SHOTS[name], f"{name}: {image.size}, not {SHOTS[name]}"
    small = image.convert("RGB").quantize(colors=256, dither=Image.Dither.NONE)
    info = PngImagePlugin.PngInfo()
    info.add_text(STAMP_KEY, STAMP)
    folder = PICTURES / lang
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    # Written beside the folder, then renamed into it: whoever reads the folder meanwhile
    # (tests/views/test_manual.py, in another worker) sees the old picture or the new.
    partial = PICTURES / f".{lang}-{name}.png.part"
    small.save(partial, format="PNG", optimize=True, pnginfo=info)
    os.replace(partial, path)  # the folder's time changes: the manual's pages see it
    with Image.open(path) as written:
        written.verify()  # a whole PNG, its chunks' checksums right
    with Image.open(path) as written:
        assert written.format == "PNG" and written.size == SHOTS[name], (name, written.size)
        assert written.text.get(STAMP_KEY) == STAMP
    TAKEN.add(path)
    return path


def shoot(page: Page, name: str, *, path: str | None = None, ready=None) -> None:
    """The picture in English, then in Dutch, which the page stays in. ``ready(page)``
    brings the page to what the picture shows, after each reload."""
    for lang in ("en", "nl"):
        in_language(page, lang, path)
        if ready:
            ready(page)
        save(page, lang, name)


def top_of(selector: str, offset: int = 0):
    """A ``ready`` that scrolls the element to the top of the window (less ``offset``)."""

    def ready(page: Page) -> None:
        element = page.locator(selector)
        expect(element).to_be_visible()
        element.evaluate(
            "(el, offset) => window.scrollTo(0,"
            " el.getBoundingClientRect().top + window.scrollY - offset)",
            offset,
        )

    return ready


def panel(desk: Page, code: str) -> str:
    """The dashboard's panel as the server renders it now."""
    return desk.request.get(f"/host/{code}/panel/").text()


def act(desk: Page, code: str, action: str, **data: Any) -> None:
    """A dashboard button's action, posted as the page posts it."""
    token = next(c["value"] for c in desk.context.cookies() if c["name"] == "csrftoken")
    response = desk.request.post(
        f"/host/{code}/do/",
        form={"action": action, **data},
        headers={"X-CSRFToken": token, "Accept": "application/json"},
    )
    assert response.ok, f"{action}: {response.status} {response.text()}"


def on_turn_now(session: Session) -> Page:
    deadline = time.monotonic() + 10
    while (phone := on_turn(session)) is None:
        assert time.monotonic() < deadline, "no phone shows the ask panel"
        time.sleep(0.05)
    return phone


def play_until_a_quartet(session: Session, rng: random.Random) -> None:
    """Whoever's phone is on turn asks, until the room has laid a quartet."""
    for _ in range(MAX_ASKS):
        if LAID.search(panel(session.dashboard, session.code)):
            return
        ask(on_turn_now(session), rng)
    assert LAID.search(panel(session.dashboard, session.code)), f"no quartet in {MAX_ASKS} asks"


def bots_finish(session: Session) -> None:
    """The games played to their end in seconds: a bot takes over every hand (as "Bot
    takes over" does); the names, the quartets and the plans stay the people's."""
    for pk, _name in SEAT.findall(panel(session.dashboard, session.code)):
        act(session.dashboard, session.code, "replace", player=pk)
    deadline = time.monotonic() + 60
    while len(OVER.findall(panel(session.dashboard, session.code))) < 2:
        assert time.monotonic() < deadline, "the bots did not finish the games in 60 s"
        time.sleep(0.2)


def add_helper(desk: Page) -> None:
    """A helper for the deck's first theme and a card of its second, added as an
    organiser does in the programme page's form."""
    first, second = DECK["themes"][0], DECK["themes"][1]
    desk.click("#helper-add summary")
    desk.fill("#h-new-name", "Ans de Vries")
    desk.fill("#h-new-organisation", "Ondernemershuis Twente")
    desk.fill("#h-new-offer", "Een gesprek van een uur over je eerste stap.")
    desk.fill("#h-new-themes", first["name"])
    desk.fill("#h-new-cards", second["cards"][0]["title"])
    desk.fill("#h-new-region", "Twente")
    desk.fill("#h-new-url", "https://www.example.org/ondernemershuis")
    desk.fill("#h-new-email", "ans@example.org")
    desk.click("button[value=helper_add]")
    expect(desk.locator("#helper-list .helper")).to_have_count(1)


class Clock:
    """How long each part took, printed at the end (the suite's time matters)."""

    def __init__(self) -> None:
        self.start = self.last = time.monotonic()
        self.parts: list[str] = []

    def lap(self, what: str) -> None:
        now = time.monotonic()
        self.parts.append(f"{what} {now - self.last:.1f} s")
        self.last = now

    def total(self) -> float:
        print("; ".join(self.parts))
        return time.monotonic() - self.start


def test_the_manuals_pictures_from_one_real_session(
    site: LiveServer, facilitator_page: Page, phones, projector
):
    clock = Clock()
    TAKEN.clear()
    desk = facilitator_page
    desk.set_viewport_size(DESKTOP)

    # Before the day: the start page, the new session's name filled in.
    def named(page: Page) -> None:
        page.fill("#id_name", SESSION)

    shoot(desk, "host-home", path="/host/", ready=named)
    code = create_session(desk, SESSION)
    link = desk.locator(".join-url").inner_text().strip()
    assert link.startswith(f"{PUBLIC_URL}/j/{code}/"), link
    clock.lap("session")

    # In the room: six phones join by the QR code's link; the first is photographed.
    session = Session(code=code, dashboard=desk)
    for name in NAMES:
        phone = phones()
        phone.set_viewport_size(HANDSET)
        phone.goto(link.removeprefix(PUBLIC_URL))

        def typed(page: Page, name: str = name) -> None:
            page.fill("#id_name", name)

        if name == NAMES[0]:
            shoot(phone, "phone-join", ready=typed)
        typed(phone)
        phone.locator("main button.btn-big").tap()
        phone.wait_for_url("**/play/")
        expect(phone.locator("#lobby")).to_contain_text(name)
        session.players[name] = phone
    screen = projector(code)
    screen.set_viewport_size(BEAMER)

    def arrived(page: Page) -> None:
        expect(page.locator(".pj-names .chip")).to_have_count(len(NAMES))

    shoot(screen, "projector-join", ready=arrived)

    def unseated(page: Page) -> None:
        expect(page.locator("#panel .dash-unseated .chip")).to_have_count(len(NAMES))
        settled(page, "#panel")

    shoot(desk, "dashboard-join", ready=unseated)
    clock.lap("joining")

    # Two tables of three, started; the phones play until a quartet is down.
    desk.click("button[value=arrange]")
    expect(desk.locator("#panel .table-card")).to_have_count(2)
    for phone in session.phones:
        wait_until(phone, "window.__messages.some((m) => m.type === 'view' && m.table)")
    desk.click("button[value=start_all]")
    for phone in session.phones:
        expect(phone.locator("#hand")).not_to_be_empty()
    play_until_a_quartet(session, random.Random(32))
    assert not is_over(session), "a game ended before its pictures"
    clock.lap("playing")

    def playing(page: Page) -> None:
        expect(page.locator("#panel .table-card.is-playing")).to_have_count(2)
        settled(page, "#panel")
        top_of("#panel .dash-tables", 16)(page)

    shoot(desk, "dashboard-play", ready=playing)

    def board(page: Page) -> None:
        expect(page.locator("#projector-panel .pj-screen")).to_be_visible()
        page.wait_for_timeout(300)  # the cards fit themselves to the screen

    shoot(screen, "projector-play", ready=board)

    # A ready poll: it has the projector while it is open; four phones vote.
    desk.click("button[value=poll_ready]")
    for n, phone in enumerate(session.phones[:4]):
        phone.locator("#poll-answers button").nth(n % 2).tap()
        expect(phone.locator("#poll-thanks")).to_be_visible()

    def polled(page: Page) -> None:
        expect(page.locator(".pj-poll-total")).to_contain_text("4")
        page.wait_for_timeout(300)  # the type fits itself to the question

    shoot(screen, "projector-poll", ready=polled)
    desk.click("button[value=poll_close]")
    expect(screen.locator(".pj-pollscreen")).to_have_count(0)

    def choosing(page: Page) -> None:
        expect(page.locator("#live-status")).to_have_text(texts(page)["online"])
        expect(page.locator("#ask")).to_be_visible()
        choices = random.Random(5)
        for group in ("themes", "cards", "targets"):
            tap_choice(page, group, choices)
        top_of("#ask", 8)(page)

    shoot(on_turn_now(session), "phone-play", ready=choosing)
    clock.lap("pictures of play")

    # The plan phase, while the games go on: every phone goes to its plan page; two
    # players write.
    desk.click("button[value=plan_phase]")
    for phone in session.phones:
        phone.wait_for_url("**/plan/")
    for index, name in enumerate(NAMES[:2]):
        add_card(session.players[name], index)

    def planned(page: Page) -> None:
        expect(page.locator("#plan-items > li")).to_have_count(1)
        expect(page.locator("#item-0-action")).to_have_value("Een proeverij organiseren")
        top_of("#plan-items-h", 8)(page)

    shoot(session.players[NAMES[0]], "phone-plan", ready=planned)

    def plans(page: Page) -> None:
        expect(page.locator("#plans-count")).to_contain_text("2")
        settled(page, "#panel")
        top_of("#dash-plans", 16)(page)

    shoot(desk, "dashboard-plans", ready=plans)
    desk.click("button[value=plan_phase_end]")  # "Back to the games"
    clock.lap("plan phase")

    # The games end (bots play them out); the projector shows the ranking.
    bots_finish(session)
    clock.lap("bots finishing")

    def ranked(page: Page) -> None:
        expect(page.locator("#projector-panel .pj-after")).to_be_visible()
        page.wait_for_timeout(300)

    shoot(screen, "projector-final", ready=ranked)

    # The session ends; its results.
    desk.once("dialog", lambda dialog: dialog.accept())
    desk.click("button[value=end]")
    wait_until(desk, "document.querySelector('.badge-over') !== null")
    shoot(desk, "results", path=f"/host/{code}/results/")

    # The organiser: a programme with the session and a helper.
    desk.goto("/host/programmes/")
    desk.fill("#id_name", PROGRAMME)
    desk.click("main form button[type=submit]")
    desk.wait_for_url(re.compile(r"/host/programmes/\d+/$"))
    programme = urlsplit(desk.url).path
    desk.select_option("#add-session", code)
    desk.click("button[value=add_session]")
    expect(desk.locator("#programme-total [data-figure=reached] strong")).to_have_text("6")
    add_helper(desk)
    shoot(desk, "programme", path=programme)
    shoot(desk, "programme-helpers", path=programme, ready=top_of("section.helpers", 16))
    clock.lap("results and programme")

    missing = {PICTURES / lang / f"{name}.png" for lang in LANGUAGES for name in SHOTS} - TAKEN
    assert not missing, f"not taken: {sorted(map(str, missing))}"
    seconds = clock.total()
    print(f"{len(TAKEN)} pictures in {seconds:.1f} s")
    assert seconds < WITHIN_SECONDS
