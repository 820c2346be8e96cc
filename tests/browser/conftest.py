"""End-to-end tests in a real browser: Debian's Chromium driven by Playwright against a
real daphne process serving the project on the embedded default (SQLite, in-memory
channel layer), set up the way `make run` does it.

Without /usr/bin/chromium or the playwright package these tests skip with the reason
printed; with REQUIRE_SERVICES=1 (as `.ci/run` sets, after installing Chromium) they
fail instead. They never touch pytest-django's test database: the server has its own
SQLite file in a temporary folder.
"""

from __future__ import annotations

import contextlib
import functools
import http.client
import importlib.util
import os
import re
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests import services
from tests.processes import free_port, stop

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
SCREENSHOTS = HERE / "screenshots"
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))  # Debian's package
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
DAPHNE = Path(sys.executable).with_name("daphne")
HOST = "127.0.0.1"
DECK = ROOT / "fixtures" / "innovation-on-track.json"
FACILITATOR = "fenna"
COMMAND_TIMEOUT = 120.0
START_TIMEOUT = 30.0
DEFAULT_TIMEOUT_MS = 10_000  # Playwright's waits; the game loop has its own bound

DESKTOP = {"viewport": {"width": 1280, "height": 900}}
BIG_SCREEN = {"viewport": {"width": 1920, "height": 1080}, "reduced_motion": "reduce"}
PHONE = {
    "viewport": {"width": 360, "height": 640},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "user_agent": (
        "Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36"
    ),
}

# Loaded into every phone page before the page's own scripts: records each WebSocket
# the page opens (window.__sockets) and every message it receives, parsed
# (window.__messages), so a test can wait for the server's answer to a tap and can drop
# the connection. While window.__netDown is true new sockets fail to connect, like a
# phone without network (Chromium's offline emulation leaves WebSockets alone).
SOCKET_RECORDER = """
(() => {
  const Native = window.WebSocket;
  window.__sockets = [];
  window.__messages = [];
  window.__netDown = false;
  class Recorded extends Native {
    constructor(url, protocols) {
      // Nothing listens on the discard port: the connection is refused at once.
      super(window.__netDown ? "ws://127.0.0.1:9/" : url, protocols);
      window.__sockets.push(this);
      this.addEventListener("message", (event) => {
        try { window.__messages.push(JSON.parse(event.data)); } catch (error) { /* not JSON */ }
      });
    }
  }
  window.WebSocket = Recorded;
})();
"""


def _missing() -> str | None:
    if not CHROMIUM.exists():
        return f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
    if importlib.util.find_spec("playwright") is None:
        return 'the playwright package is not installed (pip install -e ".[dev]")'
    return None


MISSING = _missing()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark this folder's tests (for `-m browser` / `-m "not browser"`), and skip them,
    with the reason, when the browser is missing, unless it is required here."""
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)
            if MISSING and not services.required():
                item.add_marker(pytest.mark.skip(reason=f"browser tests: {MISSING}"))


@pytest.fixture(scope="session", autouse=True)
def _browser_required() -> None:
    if MISSING:  # only reached with REQUIRE_SERVICES=1: the skip marks came first
        pytest.fail(f"the browser tests are required here, but {MISSING}", pytrace=False)


FAILED = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Any:
    """Remember a failed test body, so the fixtures can screenshot their pages."""
    report = yield
    if report.when == "call" and report.failed:
        item.stash[FAILED] = True
    return report


# --- the server ------------------------------------------------------------------------------


@dataclass(frozen=True)
class LiveServer:
    url: str
    username: str
    password: str
    log: Path
    phone_url: str = ""  # where phones open pages, when not at `url` (venue mode)
    more_logs: tuple[Path, ...] = ()  # the other processes' (the stack's other workers)
    # manage.py on the server's own database (the embedded server only), e.g. to move a
    # player's clock back instead of waiting a minute.
    manage: Callable[..., str] | None = None

    def output(self, chars: int = 4000) -> str:
        return self.log.read_text(errors="replace")[-chars:] if self.log.exists() else ""


def _server_env(tmp: Path) -> dict[str, str]:
    # The embedded default even in the PostgreSQL run: no DATABASE_URL or REDIS_URL.
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "innovation_track.settings",
            "SQLITE_PATH": str(tmp / "db.sqlite3"),
            "STATIC_ROOT": str(tmp / "static"),
            "SECRET_KEY": secrets.token_urlsafe(50),
            "DEBUG": "false",
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_COOKIES": "false",
            "SECURE_HSTS_SECONDS": "0",
            "ALLOWED_HOSTS": f"{HOST},localhost",
            "BOT_DELAY_MS": "200",
            "GAME_TICKER": "true",
            # Plans and follow-ups as files beside the database (game.followups.mail), as
            # `make run` writes them into var/mail/.
            "EMAIL_URL": f"file://{tmp}/mail",
            # Every phone of every test joins from 127.0.0.1, with the default join limits.
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def _manage(env: dict[str, str], *args: str) -> str:
    command = [sys.executable, "manage.py", *args]
    try:
        done = subprocess.run(
            command,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"`manage.py {' '.join(args)}` took over {COMMAND_TIMEOUT:.0f} s")
    if done.returncode != 0:
        pytest.fail(
            f"`manage.py {' '.join(args)}` failed ({done.returncode}):\n{done.stdout}{done.stderr}"
        )
    return done.stdout


def _wait_for_port(proc: subprocess.Popen, port: int, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"daphne exited early ({proc.returncode}):\n{log.read_text()[-4000:]}")
        try:
            with socket.create_connection((HOST, port), timeout=0.5):
                pass
        except OSError:
            time.sleep(0.1)
            continue
        # The port was free when chosen: make sure the server answering is ours.
        conn = http.client.HTTPConnection(HOST, port, timeout=10)
        try:
            conn.request("GET", "/login/", headers={"Host": f"{HOST}:{port}"})
            status = conn.getresponse().status
        finally:
            conn.close()
        if status == 200 and proc.poll() is None:
            return
        pytest.fail(f"GET /login/ answered {status}:\n{log.read_text()[-4000:]}")
    pytest.fail(f"daphne did not listen on {port} in {START_TIMEOUT:.0f} s:\n{log.read_text()}")


def _free_port_on(*hosts: str) -> int:
    """A port free on every one of the loopback addresses."""
    for _ in range(20):
        port = free_port(hosts[0])
        try:
            for host in hosts[1:]:
                with socket.socket() as sock:
                    sock.bind((host, port))
        except OSError:
            continue
        return port
    pytest.fail(f"no port free on all of {hosts} in 20 tries")


@contextlib.contextmanager
def run_server(
    tmp: Path, *, phone_host: str | None = None, env: dict[str, str] | None = None
) -> Iterator[LiveServer]:
    """daphne on a free port over a fresh SQLite database with the deck loaded, the
    static files collected, and a facilitator account; stopped on exit. With
    ``phone_host`` (another loopback address) it listens there too, on the same port,
    and ``env`` may name that port as ``{port}``."""
    hosts = (HOST, phone_host) if phone_host else (HOST,)
    port = _free_port_on(*hosts)
    env = {**_server_env(tmp), **{k: v.format(port=port) for k, v in (env or {}).items()}}
    _manage(env, "migrate", "--noinput", "-v", "0")
    _manage(env, "import_deck", str(DECK), "--skip-existing")
    _manage(env, "collectstatic", "--noinput", "-v", "0")
    printed = _manage(env, "create_facilitator", FACILITATOR)
    match = re.search(r"^Password: (\S+)$", printed, re.MULTILINE)
    assert match, f"create_facilitator printed no password:\n{printed}"

    if phone_host:
        listen = [arg for host in hosts for arg in ("-e", f"tcp:port={port}:interface={host}")]
    else:
        listen = ["-b", HOST, "-p", str(port)]
    log = tmp / "daphne.log"
    with log.open("ab") as out:
        proc = subprocess.Popen(
            [str(DAPHNE), *listen, "innovation_track.asgi:application"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_for_port(proc, port, log)
        yield LiveServer(
            url=f"http://{HOST}:{port}",
            username=FACILITATOR,
            password=match[1],
            log=log,
            phone_url=f"http://{phone_host}:{port}" if phone_host else "",
            manage=functools.partial(_manage, env),
        )
    finally:
        stop(proc)


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The server of the browser tests: see ``run_server``."""
    with run_server(tmp_path_factory.mktemp("browser-server")) as live:
        yield live


@pytest.fixture(scope="session")
def stack_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The site as `make stack` serves it: nginx in front of two daphne workers, over a
    PostgreSQL database and a redis-server of its own (tests/stack/running.py). Skips
    without PostgreSQL, nginx or redis-server (fails where they are required)."""
    from tests.stack.running import stack_of_its_own

    with stack_of_its_own(tmp_path_factory.mktemp("browser-stack"), FACILITATOR) as (
        stack,
        password,
    ):
        logs = [worker.log for worker in stack.workers]
        yield LiveServer(stack.url, FACILITATOR, password, logs[0], more_logs=tuple(logs[1:]))


@pytest.fixture
def site(request: pytest.FixtureRequest) -> LiveServer:
    """The server the page fixtures below open pages on: ``server``, unless a test module
    overrides this fixture with a server of its own, or a test names another server
    fixture: ``@pytest.mark.parametrize("site", ["server", "stack_site"], indirect=True)``."""
    return request.getfixturevalue(getattr(request, "param", "server"))


@pytest.fixture(autouse=True)
def _rooms_ended() -> Iterator[None]:
    """The rooms a test made (tests/browser/rooms.py) end with it: their bots stop."""
    from tests.browser import rooms

    yield
    rooms.end_rooms()


@pytest.fixture(autouse=True)
def _no_server_errors(site: LiveServer) -> Iterator[None]:
    """Whatever a test checks, the server must not have logged an exception meanwhile."""
    logs = (site.log, *site.more_logs)
    starts = [log.stat().st_size for log in logs]
    yield
    for log, start in zip(logs, starts, strict=True):
        logged = log.read_bytes()[start:].decode(errors="replace")
        assert "Traceback" not in logged, f"the server logged an error:\n{logged[-6000:]}"


# --- the browser -----------------------------------------------------------------------------

# Package scope, not session: while Playwright's sync API is alive it marks its event
# loop as the thread's running loop between calls, which would break every
# pytest-asyncio test that runs after this folder in the same (randomly ordered) session.


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=DEFAULT_TIMEOUT_MS)
    for stale in SCREENSHOTS.glob("FAILED-*.png"):  # a previous run's
        stale.unlink()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def wait_until(page: Page, expression: str, arg: Any = None, *, timeout_ms: int = 0) -> Any:
    """Like ``page.wait_for_function``, which the pages' Content-Security-Policy refuses:
    Playwright compiles its predicate in the page with ``new Function``, and the policy
    allows no eval. ``page.evaluate`` goes through the DevTools protocol, which the
    policy does not govern. Polls every 50 ms; returns the first truthy value."""
    deadline = time.monotonic() + (timeout_ms or DEFAULT_TIMEOUT_MS) / 1000
    while True:
        value = page.evaluate(expression, arg)
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(
                f"not true after {timeout_ms or DEFAULT_TIMEOUT_MS} ms: {expression}"
            )
        time.sleep(0.05)


SETTLED = """([selector, reads]) => {
  const panel = document.querySelector(selector);
  return Boolean(panel) && Number(panel.dataset.seq || 0) >= reads
    && !panel.hasAttribute("aria-busy") && !panel.hasAttribute("data-pending");
}"""


def settled(page: Page, selector: str, *, reads: int = 0, timeout_ms: int = 0) -> None:
    """Wait until a live fragment (static/game/socket.js' fragmentRefresher) has been read
    ``reads`` times and has no read due or under way: what a test does next in several
    steps (decode an image, then photograph it) finds the same elements, unless a new
    push comes meanwhile. A measurement in one ``evaluate`` needs no such wait."""
    wait_until(page, SETTLED, [selector, reads], timeout_ms=timeout_ms)


def screenshot(page: Page, name: str, *, full_page: bool = True) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


@contextlib.contextmanager
def _contexts(
    request: pytest.FixtureRequest, browser: Browser, server: LiveServer, kind: str, **options: Any
) -> Iterator[Callable[..., BrowserContext]]:
    """Yields a function that opens browser contexts; closes them all at the end, after
    a screenshot of every open page when the test failed."""
    opened: list[BrowserContext] = []

    def new_context(**extra: Any) -> BrowserContext:
        context = browser.new_context(**{"base_url": server.url, **options, **extra})
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        opened.append(context)
        return context

    try:
        yield new_context
    finally:
        failed = request.node.stash.get(FAILED, False)
        for n, context in enumerate(opened):
            for m, page in enumerate(context.pages):
                if failed:
                    with contextlib.suppress(Exception):
                        screenshot(page, f"FAILED-{request.node.name}-{kind}-{n}-{m}")
            with contextlib.suppress(Exception):
                context.close()


@pytest.fixture
def facilitator_page(request, browser, site) -> Iterator[Page]:
    """A laptop-sized page, logged in as the facilitator, on /host/."""
    with _contexts(request, browser, site, "facilitator", **DESKTOP) as new_context:
        page = new_context().new_page()
        page.goto("/login/")
        page.fill("#id_username", site.username)
        page.fill("#id_password", site.password)
        page.click("main button[type=submit]")
        page.wait_for_url("**/host/")
        yield page


@pytest.fixture
def phones(request, browser, site) -> Iterator[Callable[[], Page]]:
    """Opens a phone-sized page in a context of its own (its own player cookie), with
    the WebSocket recorder loaded."""
    with _contexts(request, browser, site, "phone", **PHONE) as new_context:

        def phone() -> Page:
            context = new_context(base_url=site.phone_url or site.url)
            context.add_init_script(SOCKET_RECORDER)
            return context.new_page()

        yield phone


@pytest.fixture
def projector(request, browser, site, facilitator_page) -> Iterator[Callable[[str], Page]]:
    """Opens a session's projector screen on a 1920x1080 screen, logged in as the
    facilitator of `facilitator_page` (its cookies). Reduced motion, so a screenshot
    never catches the spotlight half faded in."""
    with _contexts(request, browser, site, "projector", **BIG_SCREEN) as new_context:

        def open_projector(code: str) -> Page:
            context = new_context(storage_state=facilitator_page.context.storage_state())
            page = context.new_page()
            page.goto(f"/host/{code}/projector/")
            return page

        yield open_projector


@pytest.fixture
def handheld(request, browser, site, facilitator_page) -> Iterator[Callable[..., Page]]:
    """Opens a facilitator's page (logged in as the facilitator of `facilitator_page`)
    on a phone or a tablet: a touch screen of the given size with a mobile viewport,
    which zooms a page wider than the screen out (see tests/browser/measure.py)."""
    with _contexts(request, browser, site, "handheld", **PHONE) as new_context:

        def open_page(path: str, width: int, height: int, **options: Any) -> Page:
            context = new_context(
                storage_state=facilitator_page.context.storage_state(),
                viewport={"width": width, "height": height},
                **options,
            )
            page = context.new_page()
            page.goto(path)
            return page

        yield open_page
