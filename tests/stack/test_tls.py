"""deploy/nginx-tls.conf.template run for real, on loopback ports instead of 80 and 443,
with a throw-away certificate: static files over HTTPS, plain HTTP redirected to it.
No worker is needed (and none runs), so this needs no database either."""

from __future__ import annotations

import http.client
import shutil
import ssl
import subprocess
import time
from pathlib import Path

from deploy.processes import NGINX_MISSING, find_nginx, spawn, terminate
from deploy.render import Site, site_config, stack_main_config
from tests.processes import free_port
from tests.stack.running import require

HOST = "127.0.0.1"


def certificate(folder: Path) -> tuple[Path, Path]:
    openssl = shutil.which("openssl")
    if openssl is None:
        require("openssl is not installed: sudo apt-get install openssl")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", f"/CN={HOST}", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    return cert, key


def https_get(port: int, path: str) -> tuple[int, bytes, str]:
    context = ssl.create_default_context()
    context.check_hostname, context.verify_mode = False, ssl.CERT_NONE  # self-signed
    conn = http.client.HTTPSConnection(HOST, port, timeout=5, context=context)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read(), conn.sock.version()
    finally:
        conn.close()


def test_the_tls_template_serves_https_and_redirects_http(tmp_path: Path):
    require(NGINX_MISSING if find_nginx() is None else None)
    cert, key = certificate(tmp_path)
    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "hello.txt").write_text("hello over TLS")
    (tmp_path / "tmp").mkdir()
    http_port, https_port = free_port(), free_port()
    site = Site(
        sockets=(str(tmp_path / "no-worker.sock"),),
        server_name=HOST,
        static_root=str(tmp_path / "static"),
        access_log=str(tmp_path / "access.log"),
        listen=f"{HOST}:{http_port}",
        listen_tls=f"{HOST}:{https_port}",
        certificate=str(cert),
        certificate_key=str(key),
    )
    (tmp_path / "kwartet.conf").write_text(site_config(site))
    conf = tmp_path / "nginx.conf"
    conf.write_text(stack_main_config(tmp_path, tmp_path, tmp_path / "kwartet.conf"))
    command = [find_nginx(), "-p", str(tmp_path), "-c", str(conf), "-g", "daemon off;"]
    nginx = spawn(command, env={"PATH": "/usr/bin:/bin"}, log=tmp_path / "nginx.out")
    try:
        deadline = time.monotonic() + 10
        while True:
            assert nginx.poll() is None, (tmp_path / "nginx-error.log").read_text()
            try:
                status, body, version = https_get(https_port, "/static/hello.txt")
                break
            except OSError:
                assert time.monotonic() < deadline, "nginx did not answer over TLS"
                time.sleep(0.1)
        assert (status, body) == (200, b"hello over TLS")
        assert version in ("TLSv1.2", "TLSv1.3")

        plain = http.client.HTTPConnection(HOST, http_port, timeout=5)
        plain.request("GET", "/join/?code=ABC")
        response = plain.getresponse()
        assert response.status == 301
        assert response.getheader("Location") == f"https://{HOST}/join/?code=ABC"
        plain.close()
    finally:
        terminate([nginx], timeout=10)
