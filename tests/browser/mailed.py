"""For the browser tests whose mails go to a real SMTP server: a module's server that
sends to an aiosmtpd server on loopback (tests/followups/smtp.py). A test module takes
both fixtures with ``from tests.browser.mailed import site, smtp_server``; its ``site``
overrides the conftest's, which writes mails to files; the links in mails point at it."""

from __future__ import annotations

import pytest

from tests.browser.conftest import run_server


@pytest.fixture(scope="module")
def smtp_server():
    from tests.followups.smtp import SmtpServer

    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, smtp_server):
    env = {"EMAIL_URL": f"smtp://127.0.0.1:{smtp_server.port}", "PORT": "{port}"}
    with run_server(tmp_path_factory.mktemp("mailed-server"), env=env) as live:
        yield live
