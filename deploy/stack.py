"""The production setup on this machine, on loopback: nginx in front of N daphne workers
over PostgreSQL and Redis, as docs/hosting.md runs it on a server.

    python deploy/stack.py [--workers 2] [--port 8080]        # what `make stack` runs

DATABASE_URL and REDIS_URL come from the environment (default: the database
``kwartet_stack`` on this machine's PostgreSQL, made when missing, and this machine's
Redis). It runs the release step (deploy/release.sh), starts the workers on unix sockets
(WORKER_ID w1, w2, ...), runs nginx on 127.0.0.1 in the foreground with a config rendered
into the stack's folder, waits until the site answers through nginx and prints where to
go. Ctrl-C or SIGTERM stops nginx, then the workers.

Tests use the class: ``Stack(workers=2, port=..., database_url=..., redis_url=...,
folder=...)``: ``start()``, ``stop()``, ``url``, ``worker(i)`` (the process),
``stop_worker(i)``, ``start_worker(i)``, ``restart_worker(i)``, ``worker_log(i)``.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import http.client
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: `python deploy/stack.py`
    sys.path.insert(0, str(ROOT))

from deploy.processes import (  # noqa: E402
    HOST,
    NGINX_MISSING,
    STOP_TIMEOUT,
    StackError,
    UnixHTTPConnection,
    Worker,
    answers,
    ensure_database,
    ensure_redis,
    find_nginx,
    spawn,
    tail,
    terminate,
    wait_for,
)
from deploy.render import Site, site_config, stack_main_config  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/kwartet_stack"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
START_TIMEOUT = 90.0  # the release step included
# As deploy/systemd/daphne@.service runs a worker; the access log (on stdout, into the
# worker's log) names each request and socket, which the tests read.
DAPHNE_ARGS = ["--access-log", "-", "innovation_track.asgi:application"]
WELCOME = """
from django.test.utils import override_settings
from game.management.commands.local_welcome import Command, local_facilitator_password
with override_settings(LOCAL_FACILITATOR_PASSWORD_FILE={password_file!r}):
    command = Command()
    command.ensure_admin()
    command.print_urls({host!r}, {port!r}, venue=False)
    command.print_login(local_facilitator_password())
"""


# --- the stack -------------------------------------------------------------------------------


class Stack:
    """nginx on ``HOST:port`` in front of ``workers`` daphne processes on unix sockets.
    ``port`` and ``origin`` make it usable wherever tests take a single ``Server``."""

    def __init__(
        self,
        workers: int = 2,
        *,
        port: int = 8080,
        database_url: str = DEFAULT_DATABASE_URL,
        redis_url: str = DEFAULT_REDIS_URL,
        folder: Path = ROOT / "var" / "stack",
        env: dict[str, str] | None = None,
        import_deck: bool = True,
    ) -> None:
        self.port, self.database_url, self.redis_url = port, database_url, redis_url
        self.folder = Path(folder).resolve()
        self.static_root = self.folder / "static"
        self.run_dir, self.log_dir = self.folder / "run", self.folder / "logs"
        self.extra_env, self.import_deck = dict(env or {}), import_deck
        sockets = self.run_dir
        if len(str(sockets)) > 90:  # a unix socket's path has at most 107 bytes
            digest = hashlib.sha1(str(self.folder).encode()).hexdigest()[:12]
            sockets = Path(tempfile.gettempdir()) / f"kwartet-{digest}"
        self.sockets_dir = sockets
        self.workers = [
            Worker(n, sockets / f"w{n}.sock", self.log_dir / f"w{n}.log")
            for n in range(1, workers + 1)
        ]
        self.nginx: subprocess.Popen | None = None
        self.nginx_access_log = self.log_dir / "nginx-access.log"
        self.nginx_error_log = self.log_dir / "nginx-error.log"
        self.nginx_output = self.log_dir / "nginx.out"

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    origin = url

    def worker(self, number: int) -> subprocess.Popen | None:
        """Worker ``number``'s process (1-based, as in WORKER_ID w1)."""
        return self.workers[number - 1].process

    def worker_log(self, number: int) -> Path:
        return self.workers[number - 1].log

    def env(self, worker: Worker | None = None) -> dict[str, str]:
        """The environment of the release step and the workers."""
        env = {k: v for k, v in os.environ.items() if k not in ("SQLITE_PATH", "PUBLIC_URL")}
        env |= {
            "DJANGO_SETTINGS_MODULE": "innovation_track.settings",
            "DATABASE_URL": self.database_url,
            "REDIS_URL": self.redis_url,
            "STATIC_ROOT": str(self.static_root),
            "ALLOWED_HOSTS": f"{HOST},localhost",
            "DEBUG": "false",
            # Plain HTTP on loopback: no TLS anywhere, so no TLS proxy for Django to
            # believe; and no HTTPS redirect or HTTPS-only cookies (as `make run`).
            "BEHIND_TLS_PROXY": "false",
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_COOKIES": "false",
            "SECURE_HSTS_SECONDS": "0",
            "GAME_TICKER": "true",
            "PYTHONUNBUFFERED": "1",
            "PYTHON": sys.executable,  # for deploy/release.sh
            "IMPORT_DECK": "true" if self.import_deck else "false",
        }
        env |= self.extra_env
        if worker is not None:
            env["WORKER_ID"] = worker.id
        return env

    # the release step and management commands ---------------------------------------------

    def run(self, command: list[str], what: str, timeout: float = 300.0) -> str:
        try:
            done = subprocess.run(
                command,
                cwd=ROOT,
                env=self.env(),
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                timeout=timeout,
            )
        except subprocess.TimeoutExpired:
            raise StackError(f"{what} took over {timeout:.0f} s") from None
        with (self.log_dir / "commands.log").open("a") as log:
            log.write(f"$ {' '.join(command)}\n{done.stdout}{done.stderr}")
        if done.returncode != 0:
            raise StackError(f"{what} failed ({done.returncode}):\n{done.stdout}{done.stderr}")
        return done.stdout

    def release(self) -> None:
        """deploy/release.sh: migrate, collectstatic, import_deck --skip-existing."""
        self.run(["bash", str(ROOT / "deploy" / "release.sh")], "the release step")

    def manage(self, *args: str) -> str:
        return self.run([sys.executable, "manage.py", *args], f"manage.py {' '.join(args)}")

    def create_facilitator(self, username: str) -> str:
        """A facilitator account with a new random password; returns the password."""
        printed = self.manage("create_facilitator", username)
        return printed.rsplit("Password: ", 1)[1].split()[0]

    def welcome(self) -> str:
        """`manage.py local_welcome`'s URLs and facilitator login, for this stack (its
        password kept in the stack's folder, apart from `make run`'s)."""
        password_file = str(self.folder / "facilitator-password")
        code = WELCOME.format(password_file=password_file, host=HOST, port=str(self.port))
        printed = self.manage("shell", "--no-imports", "-c", code)
        # Its hint for a lost password must reach the stack's database, not `make run`'s.
        return printed.replace(
            " .venv/bin/python", f" DATABASE_URL={self.database_url} .venv/bin/python"
        )

    # starting and stopping -------------------------------------------------------------------

    def start(self, timeout: float = START_TIMEOUT) -> Stack:
        nginx = find_nginx()
        if nginx is None:
            raise StackError(NGINX_MISSING)
        deadline = time.monotonic() + timeout
        for folder in (self.static_root, self.run_dir / "tmp", self.log_dir, self.sockets_dir):
            folder.mkdir(parents=True, exist_ok=True)
        try:
            self.release()
            for worker in self.workers:
                self._spawn_worker(worker)
            for worker in self.workers:
                self._wait_worker(worker, deadline)
            self._start_nginx(nginx, deadline)
        except BaseException:
            self.stop()
            raise
        return self

    def _spawn_worker(self, worker: Worker) -> None:
        worker.remove_leftovers()
        command = [sys.executable, "-m", "daphne", "-u", str(worker.socket), *DAPHNE_ARGS]
        worker.process = spawn(command, env=self.env(worker), log=worker.log)

    def _wait_worker(self, worker: Worker, deadline: float) -> None:
        """Until the worker answers on its socket. That first request also starts the
        worker's game clock (daphne has no start-up hook)."""
        check = lambda: self.healthy(worker.number)  # noqa: E731
        wait_for(check, f"worker {worker.id}", worker.process, worker.log, deadline)

    def _nginx_config(self) -> Path:
        site = Site(
            sockets=tuple(str(worker.socket) for worker in self.workers),
            server_name=HOST,
            static_root=str(self.static_root),
            access_log=str(self.nginx_access_log),
            listen=f"{HOST}:{self.port}",
        )
        (self.run_dir / "kwartet.conf").write_text(site_config(site))
        main = stack_main_config(self.run_dir, self.log_dir, self.run_dir / "kwartet.conf")
        conf = self.run_dir / "nginx.conf"
        conf.write_text(main)
        return conf

    def _start_nginx(self, nginx: str, deadline: float) -> None:
        command = [nginx, "-p", str(self.run_dir), "-c", str(self._nginx_config())]
        self.run([*command, "-t", "-q"], "nginx's test of its config", timeout=30)
        self.nginx = spawn(
            [*command, "-g", "daemon off;"], env=dict(os.environ), log=self.nginx_output
        )
        wait_for(self.healthy, "nginx", self.nginx, self.nginx_error_log, deadline)

    def healthy(self, worker: int | None = None) -> bool:
        """/healthz answers 200 through nginx, or (``worker``) on that worker's socket."""
        if worker is not None:
            return answers(lambda: UnixHTTPConnection(self.workers[worker - 1].socket))
        return answers(lambda: http.client.HTTPConnection(HOST, self.port, timeout=5))

    def wait_healthy(self, timeout: float = 30.0, worker: int | None = None) -> None:
        """Until ``healthy(worker)``, e.g. after Redis or a worker came back."""
        check = lambda: self.healthy(worker)  # noqa: E731
        process = self.worker(worker) if worker else self.nginx
        log = self.worker_log(worker) if worker else self.nginx_error_log
        wait_for(check, "the site", process, log, time.monotonic() + timeout)

    def stop_worker(self, number: int, timeout: float = STOP_TIMEOUT) -> None:
        """SIGTERM (the graceful shutdown), SIGKILL after ``timeout``."""
        worker = self.workers[number - 1]
        terminate([worker.process] if worker.process else [], timeout)

    def start_worker(self, number: int, timeout: float = 30.0) -> subprocess.Popen:
        """Start worker ``number`` again (after it was stopped or killed); returns once
        it answers on its socket."""
        worker = self.workers[number - 1]
        if worker.process is not None and worker.process.poll() is None:
            raise StackError(f"worker {worker.id} is running")
        self._spawn_worker(worker)
        self._wait_worker(worker, time.monotonic() + timeout)
        return worker.process

    def restart_worker(self, number: int) -> subprocess.Popen:
        self.stop_worker(number)
        return self.start_worker(number)

    def stop(self) -> None:
        """nginx first (no new connections), then every worker at once."""
        nginx, self.nginx = self.nginx, None
        terminate([nginx] if nginx else [], timeout=10)
        terminate([w.process for w in self.workers if w.process is not None])
        for worker in self.workers:
            with contextlib.suppress(StackError):
                worker.remove_leftovers()

    def __enter__(self) -> Stack:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def watch(self, restarts: int = 3) -> None:
        """Until interrupted: a worker that exits is started again, as systemd's
        Restart=always would (``restarts`` times in all); if nginx exits, so does this."""
        while True:
            time.sleep(1)
            if self.nginx is None or self.nginx.poll() is not None:
                raise StackError(f"nginx exited:\n{tail(self.nginx_error_log)}")
            for worker in self.workers:
                if worker.process is not None and worker.process.poll() is not None:
                    if restarts == 0:
                        raise StackError(f"worker {worker.id} exited:\n{tail(worker.log)}")
                    restarts -= 1
                    print(f"Worker {worker.id} exited ({worker.process.returncode}): restarting")
                    self.start_worker(worker.number)


# --- the command line ------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8080, help=f"nginx listens on {HOST}:PORT")
    args = parser.parse_args(argv)
    if find_nginx() is None:
        print(NGINX_MISSING, file=sys.stderr)
        return 1
    database_url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    redis_url = os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL
    stack = Stack(args.workers, port=args.port, database_url=database_url, redis_url=redis_url)
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # SIGTERM stops as Ctrl-C does
    try:
        ensure_database(database_url)
        ensure_redis(redis_url)
        print(f"Starting nginx and {args.workers} daphne workers (logs in {stack.log_dir}) ...")
        stack.start()
        print(stack.welcome(), end="")
        ids = ", ".join(worker.id for worker in stack.workers)
        print(
            f"  Served by nginx on {stack.url}, workers {ids} on unix sockets.\nStop with Ctrl+C."
        )
        sys.stdout.flush()
        stack.watch()
    except KeyboardInterrupt:
        print("\nStopping nginx and the workers ...")
    except StackError as exc:
        print(f"The stack stopped: {exc}", file=sys.stderr)
        return 1
    finally:
        stack.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
