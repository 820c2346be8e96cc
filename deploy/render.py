"""Renders the nginx templates of deploy/ (docs/hosting.md).

The templates hold nginx's own variables ($host, $remote_addr) beside placeholders of
ours, which are upper case in braces: ${STATIC_ROOT}. Only those are filled in, and a
placeholder without a value is an error rather than an empty line in a config.

    python deploy/render.py --workers 3 --server-name kwartet.example.org \\
        --static-root /srv/kwartet/staticfiles --tls > /etc/nginx/sites-available/kwartet
"""

from __future__ import annotations

import argparse
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
SITE_TEMPLATE = HERE / "nginx.conf.template"
TLS_SITE_TEMPLATE = HERE / "nginx-tls.conf.template"
STACK_MAIN_TEMPLATE = HERE / "stack-nginx.conf.template"
MIME_TYPES = Path("/etc/nginx/mime.types")  # Debian's nginx-common
PLACEHOLDER = re.compile(r"\$\{([A-Z][A-Z0-9_]*)\}")


def render(template: str, values: Mapping[str, str]) -> str:
    """Fill in every ${NAME}. A value of several lines keeps the placeholder's indent."""
    missing = sorted(set(PLACEHOLDER.findall(template)) - set(values))
    if missing:
        raise KeyError(f"no value for {', '.join(missing)}")
    lines = []
    for line in template.splitlines(keepends=True):
        newline = "\n" + line[: len(line) - len(line.lstrip(" "))]
        lines.append(PLACEHOLDER.sub(lambda m, nl=newline: values[m[1]].replace("\n", nl), line))
    return "".join(lines)


def production_socket(number: int) -> str:
    """Where deploy/systemd/daphne@.service makes worker ``number`` listen."""
    return f"/run/kwartet-{number}/daphne.sock"


def upstream_servers(sockets: Iterable[str | Path]) -> str:
    """The upstream's `server` lines, one a worker socket."""
    return "\n".join(f"server unix:{path} max_fails=0;" for path in sockets)


@dataclass(frozen=True)
class Site:
    """What a site config needs to know."""

    sockets: tuple[str, ...]
    server_name: str
    static_root: str
    access_log: str
    listen: str = "80"
    listen_tls: str = "443"
    certificate: str = ""  # with both: the TLS template
    certificate_key: str = ""

    @property
    def tls(self) -> bool:
        return bool(self.certificate and self.certificate_key)


def site_config(site: Site) -> str:
    """nginx.conf.template, or nginx-tls.conf.template when the site has a certificate."""
    values = {
        "LISTEN": site.listen,
        "SERVER_NAME": site.server_name,
        "STATIC_ROOT": str(site.static_root).rstrip("/"),
        "UPSTREAM_SERVERS": upstream_servers(site.sockets),
        "ACCESS_LOG": site.access_log,
    }
    if not site.tls:
        return render(SITE_TEMPLATE.read_text(), values)
    values |= {
        "LISTEN_TLS": site.listen_tls,
        "TLS_CERTIFICATE": site.certificate,
        "TLS_CERTIFICATE_KEY": site.certificate_key,
    }
    return render(TLS_SITE_TEMPLATE.read_text(), values)


def stack_main_config(run_dir: Path, log_dir: Path, site_file: Path) -> str:
    """The top-level nginx.conf of a loopback stack (stack-nginx.conf.template)."""
    # nginx started by root hands its worker processes to `user` (by default nobody),
    # who may not enter the stack's folders (a test's temporary folder is root's only).
    # The launcher runs as root then anyway: its nginx workers stay root too. Not root,
    # nginx cannot switch users and the directive would only earn a warning.
    values = {
        "USER_LINE": "user root root;" if os.geteuid() == 0 else "",
        "RUN_DIR": str(run_dir),
        "LOG_DIR": str(log_dir),
        "TYPES": f"include {MIME_TYPES};" if MIME_TYPES.exists() else "",
        "SITE": str(site_file),
    }
    return render(STACK_MAIN_TEMPLATE.read_text(), values)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Print the nginx site config for kwartet.")
    parser.add_argument("--workers", type=int, default=2, help="daphne@1 .. daphne@N")
    parser.add_argument("--server-name", default="kwartet.example.org")
    parser.add_argument("--static-root", default="/srv/kwartet/staticfiles")
    parser.add_argument("--access-log", default="/var/log/nginx/kwartet.access.log")
    parser.add_argument("--tls", action="store_true", help="HTTPS on 443, HTTP redirects")
    parser.add_argument("--certificate", help="default: Let's Encrypt's path for the name")
    parser.add_argument("--certificate-key", help="default: Let's Encrypt's path")
    args = parser.parse_args(argv)
    live = f"/etc/letsencrypt/live/{args.server_name}"
    site = Site(
        sockets=tuple(production_socket(n) for n in range(1, args.workers + 1)),
        server_name=args.server_name,
        static_root=args.static_root,
        access_log=args.access_log,
        certificate=(args.certificate or f"{live}/fullchain.pem") if args.tls else "",
        certificate_key=(args.certificate_key or f"{live}/privkey.pem") if args.tls else "",
    )
    print(site_config(site), end="")


if __name__ == "__main__":
    main()
