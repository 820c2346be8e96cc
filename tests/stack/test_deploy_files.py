"""The files of deploy/ agree with the code: the env template lists every setting and
passes `check --deploy`, the nginx templates render and share their locations, and the
systemd units parse. None of these needs a service: they run on SQLite too."""

from __future__ import annotations

import dataclasses
import re
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from deploy.render import SITE_TEMPLATE, TLS_SITE_TEMPLATE, Site, render, site_config

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
ENV_TEMPLATE = DEPLOY / "kwartet.env.template"
SETTING = re.compile(
    r"""(?:os\.environ\.get|os\.getenv|envbool|envint|envlist)\(\s*["']([A-Z][A-Z0-9_]*)["']"""
    r"""|os\.environ\[\s*["']([A-Z][A-Z0-9_]*)["']\s*\]"""
)
LISTED = re.compile(r"^(?:#\s*)?([A-Z][A-Z0-9_]*)=", re.MULTILINE)
LOCATIONS = re.compile(r"    # --- kwartet locations.*?# --- end of kwartet locations ---", re.S)


def settings_read() -> set[str]:
    text = (ROOT / "innovation_track" / "settings.py").read_text()
    return {a or b for a, b in SETTING.findall(text)}


def template_values() -> dict[str, str]:
    """The template's active lines (commented-out ones left out)."""
    lines = ENV_TEMPLATE.read_text().splitlines()
    pairs = [line.split("=", 1) for line in lines if line and not line.startswith("#")]
    return {name: value for name, value in pairs}


def test_the_env_template_lists_every_setting():
    read = settings_read()
    assert {"SECRET_KEY", "DATABASE_URL", "BEHIND_TLS_PROXY", "PORT"} <= read  # the parse works
    listed = set(LISTED.findall(ENV_TEMPLATE.read_text()))
    assert read - listed == set(), "settings.py reads these, kwartet.env.template lacks them"
    assert listed - read == set(), "kwartet.env.template lists these, settings.py never reads"


def test_check_deploy_is_clean_with_the_env_template(tmp_path: Path):
    values = template_values()
    assert values["SECRET_KEY"] == ""  # a placeholder: every install makes its own
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        **values,
        "SECRET_KEY": secrets.token_urlsafe(50),
    }
    done = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout, done.stdout


def test_the_secret_key_is_required_with_the_env_template(tmp_path: Path):
    """Without a key, a server refuses to start instead of making one of its own."""
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), **template_values()}
    done = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert "SECRET_KEY must be set" in done.stderr


def test_both_nginx_templates_share_their_locations():
    plain = LOCATIONS.findall(SITE_TEMPLATE.read_text())
    tls = LOCATIONS.findall(TLS_SITE_TEMPLATE.read_text())
    assert len(plain) == len(tls) == 1
    assert plain == tls, "the locations of nginx.conf.template and nginx-tls.conf.template differ"


def test_rendering_fills_every_placeholder():
    site = Site(
        sockets=("/run/kwartet-1/daphne.sock", "/run/kwartet-2/daphne.sock"),
        server_name="kwartet.example.org",
        static_root="/srv/kwartet/staticfiles/",
        access_log="/var/log/nginx/kwartet.access.log",
    )
    tls = dataclasses.replace(site, certificate="c.pem", certificate_key="k.pem")
    for config in (site_config(site), site_config(tls)):
        assert "${" not in config
        assert "alias /srv/kwartet/staticfiles/;" in config
        assert not re.search(r"^\s*ip_hash", config, re.MULTILINE)
        upstream = re.findall(r"^    server unix:(\S+) max_fails=0;", config, re.MULTILINE)
        assert upstream == list(site.sockets)
    assert "ssl_certificate c.pem;" in site_config(tls)
    with pytest.raises(KeyError, match="SERVER_NAME"):
        render("server_name ${SERVER_NAME}; $host", {})
    # nginx's own variables are left alone; a value of several lines keeps the indent.
    assert render("  ${A} $host\n", {"A": "x;\ny;"}) == "  x;\n  y; $host\n"


def test_the_systemd_units_parse(tmp_path: Path):
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed")
    # Paths of this checkout for the server's, so the checks of ExecStart= paths pass.
    paths = {
        "/srv/kwartet/.venv/bin/python": sys.executable,
        "/srv/kwartet/.venv/bin/daphne": str(Path(sys.executable).with_name("daphne")),
        "/etc/kwartet/kwartet.env": str(ENV_TEMPLATE),
        "/srv/kwartet": str(ROOT),
    }
    units = []
    for unit in sorted((DEPLOY / "systemd").iterdir()):
        text = unit.read_text()
        for server, here in paths.items():
            text = text.replace(server, here)
        name = unit.name.replace("@.", "@1.")  # a template is checked as an instance
        (tmp_path / name).write_text(text)
        units.append(str(tmp_path / name))
    done = subprocess.run(
        [analyze, "verify", "--man=no", *units], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0 and not done.stderr.strip(), done.stderr
