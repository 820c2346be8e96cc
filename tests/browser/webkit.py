"""A phone in a real WebKit: Debian's WebKitGTK (the engine of every browser on an
iPhone is WebKit) driven by Selenium through WebKitWebDriver, its MiniBrowser in
automation mode on an X display of its own (Xvfb, started here on a free display).

Missing pieces (Debian's webkit2gtk-driver and xvfb, the selenium package) make the
tests that use ``webkit_phone`` skip with the reason, or fail with REQUIRE_SERVICES=1
(as `.ci/run` sets, after installing them), as tests/browser/conftest.py does for
Chromium.
"""

from __future__ import annotations

import contextlib
import glob
import importlib.util
import os
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests import services
from tests.browser.conftest import SCREENSHOTS
from tests.processes import stop

DRIVER = Path(os.environ.get("WEBKIT_DRIVER", "/usr/bin/WebKitWebDriver"))  # webkit2gtk-driver
# libwebkit2gtk-4.1-0's MiniBrowser (4.0's on older Debian).
MINIBROWSER_GLOB = "/usr/lib/*/webkit2gtk-4.*/MiniBrowser"
XVFB = shutil.which("Xvfb") or "/usr/bin/Xvfb"
START_S = 20.0
WAIT_S = 10.0  # a page's state after a tap or a message
SIZE = (390, 844)  # an iPhone 12-15; MiniBrowser's toolbar keeps its window at least 447 wide


def minibrowser() -> str | None:
    found = sorted(glob.glob(MINIBROWSER_GLOB))
    return found[-1] if found else None


def missing() -> str | None:
    if not DRIVER.exists():
        return f"WebKitWebDriver is not installed at {DRIVER} (apt-get install webkit2gtk-driver)"
    if minibrowser() is None:
        return f"WebKitGTK's MiniBrowser is not at {MINIBROWSER_GLOB} (apt-get install webkit2gtk-driver)"
    if not Path(XVFB).exists():
        return "Xvfb is not installed (apt-get install xvfb)"
    if importlib.util.find_spec("selenium") is None:
        return 'the selenium package is not installed (pip install -e ".[dev]")'
    return None


def need_webkit() -> None:
    """Skip (or fail, where the services are required) when WebKit is not here."""
    reason = missing()
    if reason and services.required():
        pytest.fail(f"the WebKit tests are required here, but {reason}", pytrace=False)
    if reason:
        pytest.skip(f"WebKit tests: {reason}")


@contextlib.contextmanager
def x_display() -> Iterator[str]:
    """Xvfb on a display it picks itself (-displayfd), as ":N"; stopped on exit."""
    read, write = os.pipe()
    proc = subprocess.Popen(
        [XVFB, "-displayfd", str(write), "-screen", "0", "1280x1024x24", "-nolisten", "tcp"],
        pass_fds=(write,),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    try:
        number = b""
        deadline = time.monotonic() + START_S
        with os.fdopen(read, "rb") as pipe:  # Xvfb writes the number once it listens
            while not number.endswith(b"\n"):
                chunk = pipe.read(1)
                if not chunk or time.monotonic() > deadline:
                    pytest.fail(f"Xvfb gave no display ({proc.poll()})")
                number += chunk
        yield f":{int(number)}"
    finally:
        stop(proc)


@contextlib.contextmanager
def webkit_driver(display: str, log: Path) -> Iterator[Any]:
    from selenium import webdriver
    from selenium.webdriver.webkitgtk.options import Options
    from selenium.webdriver.webkitgtk.service import Service

    options = Options()
    options.binary_location = minibrowser()
    options.add_argument("--automation")  # MiniBrowser has no headless mode: Xvfb it is
    env = {**os.environ, "DISPLAY": display}
    env.pop("WAYLAND_DISPLAY", None)
    service = Service(executable_path=str(DRIVER), env=env, log_output=str(log))
    driver = webdriver.WebKitGTK(options=options, service=service)
    try:
        driver.set_page_load_timeout(30)
        driver.set_window_size(*SIZE)
        yield driver
    finally:
        with contextlib.suppress(Exception):
            driver.quit()


@pytest.fixture
def webkit_phone(request, site, tmp_path) -> Iterator[Callable[[], Any]]:
    """Opens a WebKit browser of its own (its own cookies) on ``site``: a phone. Every
    page it has open is screenshot when the test fails."""
    need_webkit()
    with contextlib.ExitStack() as stack:
        display = stack.enter_context(x_display())
        opened: list[Any] = []

        def phone() -> Any:
            log = tmp_path / f"webkit-{len(opened)}.log"
            driver = stack.enter_context(webkit_driver(display, log))
            driver.base_url = site.phone_url or site.url
            opened.append(driver)
            return driver

        yield phone
        from tests.browser.conftest import FAILED

        if request.node.stash.get(FAILED, False):
            for n, driver in enumerate(opened):
                with contextlib.suppress(Exception):
                    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                    driver.save_screenshot(
                        str(SCREENSHOTS / f"FAILED-{request.node.name}-webkit-{n}.png")
                    )


def screenshot(driver: Any, name: str) -> Path:
    """The page as painted: after two animation frames (WebKit's screenshot may
    otherwise show the frame before the last change, a dialog just closed)."""
    driver.execute_async_script(
        "const done = arguments[0];"
        " requestAnimationFrame(() => requestAnimationFrame(() => done(true)));"
    )
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    driver.save_screenshot(str(path))
    return path
