"""Starting and stopping the real server processes some tests run, and their ports.

A test picks a free port and the server binds it a moment later (or again, after a
restart on the same port). A port the kernel hands out (bind to port 0) comes from the
range it also uses for outgoing connections, and this machine makes many (to
PostgreSQL, Redis, the servers under test): one of them may take the port meanwhile.
So ``free_port`` picks below that range, where no outgoing connection lands, and never
the same port twice in one test process. When the tests run in several worker processes
(pytest-xdist), each picks in a slice of that range of its own, so two workers never
hand out the same port.
"""

import os
import random
import socket
import subprocess
from pathlib import Path

import psutil

LOWEST_PORT = 20000
_handed_out: set[int] = set()


def outgoing_ports_start() -> int:
    """Where the kernel's range for outgoing connections starts (Linux), else 32768."""
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


def _worker_slice(lowest: int, highest: int) -> tuple[int, int]:
    """This worker's slice of the ports from ``lowest`` to ``highest`` (all of them when
    the tests run in one process)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")  # gw0, gw1, ...
    count = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1") or 1)
    if not worker.startswith("gw") or count < 2:
        return lowest, highest
    number = int(worker[2:]) % count
    size = (highest - lowest + 1) // count
    return lowest + number * size, lowest + (number + 1) * size - 1


def free_port(host: str = "127.0.0.1") -> int:
    """A port free on ``host`` now, for a server to bind (and bind again after a
    restart), below the range of outgoing connections; unique in this process, and in
    this worker's slice when the tests run in several."""
    lowest, highest = _worker_slice(LOWEST_PORT, outgoing_ports_start() - 1)
    pick = random.SystemRandom()
    if highest - lowest >= 1000:
        for _ in range(200):
            port = pick.randint(lowest, highest)
            if port not in _handed_out and _bindable(host, port):
                _handed_out.add(port)
                return port
    # A machine whose outgoing range starts low: the kernel's choice, still unique here.
    for _ in range(200):
        with socket.socket() as sock:
            sock.bind((host, 0))
            port = sock.getsockname()[1]
        if port not in _handed_out:
            _handed_out.add(port)
            return port
    raise RuntimeError(f"no free port on {host}")


def _bindable(host: str, port: int) -> bool:
    """Nothing is bound to the port, not even a connection in TIME_WAIT (no SO_REUSEADDR)."""
    with socket.socket() as sock:
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def listens(proc: subprocess.Popen, host: str, port: int) -> bool:
    """The process itself holds a listening socket on ``host:port``: the port is its own,
    not another program's that happened to take it."""
    try:
        connections = psutil.Process(proc.pid).net_connections(kind="tcp")
    except (psutil.NoSuchProcess, psutil.ZombieProcess):
        return False
    return any(
        c.status == psutil.CONN_LISTEN and c.laddr and c.laddr.port == port and c.laddr.ip == host
        for c in connections
    )


def stop(proc: subprocess.Popen | None) -> None:
    """Terminate politely, then kill if it takes more than 10 s."""
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)
