"""The load harness: our server against the floor, the same workload, one run.

    make loadtest                      # the scenarios of docs/performance.md, about 6 minutes
    .venv/bin/python tests/perf/loadtest.py [--servers embedded postgres stack floor]
        [--rates 30 120 300] [--missing-rates 300] [--seconds 10] [--tables 60] [--seats 5]
        [--dashboards 2] [--storm 1000] [--profile DIR] [--budget 900]

For each server (started fresh; see tests/perf/servers.py) and each rate (and each of
--missing-rates again with every ask a miss where one can be: the "missing" workload), a
fresh session: the phones join over HTTP from one address and are seated, every phone opens
its socket and the dashboards theirs, then asks go out at the rate for --seconds (see
tests/perf/driver.py) and the harness waits for the last deliveries. Printed per run:
moves/s asked and achieved, latency p50/p95/p99/max at the phones and at the dashboards,
deliveries lost, gaps and repeats, errors, server CPU ms per move and RSS; for our
servers also the bytes of each table's stored state against the events it holds; and
the ratio of our p99 to the floor's at the same rate.

With --storm N (one worker, embedded and postgres): N phones hold sockets open (RSS per
socket), lose them all at once, miss a pause and a resume of every table, and reconnect
at the same moment with `since=`: the time until all are caught up, and what was lost or
repeated.

The server runs on core 0 and this generator on core 1. Only loopback; every loop is
bounded in count and time, and --budget stops everything if the run overruns.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.benchmarks.bench_room import RUNNING, Browser, ms, own_cpu, spread
from tests.perf import servers
from tests.perf.driver import ASK_TIMEOUT, Driver, Tally
from tests.processes import stop

LOAD_CORE = 1
DRAIN_SECONDS = 5.0  # default: deliveries still missing this long after the last ask are lost
STORM_DEADLINE = 30.0  # a storm that has not caught up by then is reported as failed


# What the asks are like: a hit keeps the turn (2 events to the table), a miss passes it
# (3 events, and another phone on turn). "mixed" is the room the main tables of
# docs/performance.md measure; "missing" is a room where every ask misses that can, the
# heaviest per move.
WORKLOADS = {"mixed": 0.2, "missing": 0.0}


@dataclass
class Run:
    """One server at one rate and workload: what the report prints."""

    server: str
    rate: float
    workload: str = "mixed"
    seconds: float = 0.0
    tally: Tally = field(default_factory=Tally)
    cpu: float = 0.0
    rss: float = 0.0
    sockets: int = 0
    refused: int = 0
    states: list[tuple[int, int]] = field(default_factory=list)
    failure: str = ""

    @property
    def achieved(self) -> float:
        return self.tally.applied / self.seconds if self.seconds else 0.0

    @property
    def problems(self) -> int:
        t = self.tally
        return t.lost + t.gaps + t.repeats + t.timeouts + sum(t.errors.values()) + t.closed

    def p99(self, which: str) -> float | None:
        values = sorted(getattr(self.tally, which))
        return values[max(0, int(0.99 * len(values) + 0.999999) - 1)] if values else None


def new_driver(target: servers.Target, args, hit_share: float | None = None) -> Driver:
    return Driver(
        servers.HOST,
        target.port,
        seed=args.seed,
        hit_share=args.hit_share if hit_share is None else hit_share,
        ask_timeout=args.ask_timeout,
    )


async def measure(target: servers.Target, rate: float, args, workload: str = "mixed") -> Run:
    run = Run(target.name, rate, workload)
    room = target.room(args.tables, args.seats, args.dashboards)
    run.refused = room.refused
    # "mixed" takes --hit-share (its default); the others their own share
    driver = new_driver(target, args, None if workload == "mixed" else WORKLOADS[workload])
    try:
        await driver.connect(room.phones, room.dashboards)
        run.sockets = len(room.phones) + len(room.dashboards)
        label = f"{rate:g}" + ("" if workload == "mixed" else f"-{workload}")
        profiler = start_profile(target, args, label, args.seconds)
        cpu0 = target.cpu_seconds()
        run.seconds = await driver.drive(rate, args.seconds)
        run.cpu = target.cpu_seconds() - cpu0
        run.rss = target.rss_mb()
        finish_profile(profiler)
        await driver.drain(args.drain)
    finally:
        await driver.close()
    run.tally = driver.tally
    if target.name != "floor":
        run.states = servers.stored_state_sizes(target, room.code)
    return run


# --- the reconnect storm -----------------------------------------------------------------------


@dataclass
class Storm:
    server: str
    phones: int = 0
    rss_before: float = 0.0
    rss_open: float = 0.0
    caught_up: int = 0
    seconds: float = 0.0
    lost: int = 0
    repeats: int = 0
    gaps: int = 0
    server_cpu: float = 0.0  # CPU seconds while the phones reconnected
    own_cpu: float = 0.0  # this generator's
    failure: str = ""


async def storm(target: servers.Target, count: int, args) -> Storm:
    """``count`` phones open, all cut off, a pause and resume missed, all back at once."""
    result = Storm(target.name)
    seats = args.seats
    room = target.room(-(-count // seats), seats, 1)
    result.phones = len(room.phones)
    driver = new_driver(target, args)
    try:
        result.rss_before = target.rss_mb()
        await driver.connect(room.phones, room.dashboards)
        result.rss_open = target.rss_mb()
        await driver.drive(min(100.0, count / 10), 3.0)  # some moves, so since= is > 0
        await driver.drain(args.drain)
        await cut_off(driver)
        pause_and_resume(target, room.code)
        await reconnect_all(target, driver, result, args)
    finally:
        await driver.close()
    return result


async def cut_off(driver: Driver) -> None:
    """Every phone's connection drops at once, as when the room's Wi-Fi goes."""
    driver.closing = True
    for phone in driver.phones:
        phone.ws.transport.abort()
    await asyncio.gather(*(p.task for p in driver.phones), return_exceptions=True)
    driver.closing = False


def pause_and_resume(target: servers.Target, code: str) -> None:
    """The facilitator pauses and resumes the whole room: two events per table that the
    phones miss while they are away."""
    from tests.benchmarks.bench_room import FACILITATOR, expect

    host = Browser(target.port)
    token, _ = host.form_token("/login/")
    fields = {"csrfmiddlewaretoken": token, "username": FACILITATOR, "password": target.password}
    host.request("POST", "/login/", fields)
    token, _ = host.form_token(f"/host/{code}/")
    for action in ("pause_all", "resume_all"):
        fields = {"csrfmiddlewaretoken": token, "action": action}
        status, _, text = host.request("POST", f"/host/{code}/do/", fields, "application/json")
        expect(status == 200, f"{action} answered {status}: {text[:200]}")


async def reconnect_all(target: servers.Target, driver: Driver, result: Storm, args) -> None:
    """All phones reconnect at the same moment with ``since=``; each must end at its
    table's last seq, as the dashboard saw it, with nothing repeated or skipped."""
    dashboard = driver.dashboards[0]
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not _dashboard_has_resumes(driver, dashboard):
        await asyncio.sleep(0.05)
    tally = driver.tally
    gaps0, repeats0 = tally.gaps, tally.repeats
    for phone in driver.phones:
        phone.path = f"/ws/play/?table={phone.table.id}&since={phone.seq}"
    profiler = start_profile(target, args, "storm", 5)
    cpu0, mine0 = target.cpu_seconds(), own_cpu()
    start = time.perf_counter()
    await asyncio.gather(*(phone.connect() for phone in driver.phones), return_exceptions=True)
    while time.perf_counter() - start < STORM_DEADLINE:
        if all(p.seq >= dashboard.seqs.get(p.table.id, 0) for p in driver.phones):
            break
        await asyncio.sleep(0.01)
    result.seconds = time.perf_counter() - start
    result.server_cpu, result.own_cpu = target.cpu_seconds() - cpu0, own_cpu() - mine0
    behind = [p for p in driver.phones if p.seq < dashboard.seqs.get(p.table.id, 0)]
    result.caught_up = len(driver.phones) - len(behind)
    result.lost = len(behind)
    result.gaps, result.repeats = tally.gaps - gaps0, tally.repeats - repeats0
    if tally.views:
        result.failure = f"{tally.views} phones got a fresh view instead of their missed events"
    finish_profile(profiler)


def _dashboard_has_resumes(driver: Driver, dashboard) -> bool:
    return all(dashboard.seqs.get(t, 0) >= table.seq + 2 for t, table in driver.tables.items())


# --- profiling -----------------------------------------------------------------------------------


def start_profile(target: servers.Target, args, label: str, seconds: float):
    """py-spy on the (first) server process for ``seconds``, when --profile is given: the
    stacks that hold the GIL, as py-spy's raw (collapsed) format."""
    if not args.profile or target.name == "floor":
        return None
    spy = Path(sys.executable).with_name("py-spy")
    out = Path(args.profile) / f"{target.name}-{label}.txt"
    out.parent.mkdir(parents=True, exist_ok=True)
    command = [str(spy), "record", "-p", str(target.procs[0].pid), "-f", "raw", "-o", str(out)]
    command += ["-d", str(max(1, int(seconds))), "-r", "200", "--nonblocking", "--gil"]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def finish_profile(profiler: subprocess.Popen | None) -> None:
    if profiler is not None:
        try:
            profiler.wait(timeout=30)
        except subprocess.TimeoutExpired:
            stop(profiler)


# --- the report ---------------------------------------------------------------------------------


def report_runs(runs: list[Run]) -> None:
    floor = {(run.rate, run.workload): run for run in runs if run.server == "floor"}
    print()
    print(
        "| server | workload | asked/s | achieved/s | phones p50/p95/p99/max ms "
        "| dashboards p50/p95/p99/max ms | lost | gaps/repeats | errors | CPU ms/move | RSS MB "
        "| p99 vs floor |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for run in runs:
        if run.failure:
            print(f"| {run.server} | {run.workload} | {run.rate:g} | failed: {run.failure} |")
            continue
        t = run.tally
        errors = ", ".join(f"{code} x{n}" for code, n in t.errors.items()) or "0"
        if t.timeouts or t.closed:
            errors += f"; {t.timeouts} asks unanswered, {t.closed} sockets closed"
        cpu = ms(run.cpu / t.applied) if t.applied else "-"
        ratio = "-"
        base = floor.get((run.rate, run.workload))
        if run.server != "floor" and base and base.p99("phones") and run.p99("phones"):
            ratio = f"{run.p99('phones') / base.p99('phones'):.1f}x"
        print(
            f"| {run.server} | {run.workload} | {run.rate:g} | {run.achieved:.1f} "
            f"| {spread(t.phones)} "
            f"| {spread(t.dashboards)} | {t.lost} | {t.gaps}/{t.repeats} | {errors} "
            f"| {cpu} | {run.rss:.0f} | {ratio} |"
        )
    for run in runs:
        if run.states:
            print(
                f"stored state, {run.server} at {run.rate:g}/s ({run.workload}):"
                f" {describe_states(run.states)}"
            )


def describe_states(states: list[tuple[int, int]]) -> str:
    """Whether the stored state grows with the game: bytes at the shortest and longest."""
    ordered = sorted(states)
    quarter = max(1, len(ordered) // 4)
    short, long = ordered[:quarter], ordered[-quarter:]

    def mean(rows, index):
        return sum(row[index] for row in rows) / len(rows)

    return (
        f"{mean(short, 1):.0f} bytes at {mean(short, 0):.0f} events (shortest quarter of the"
        f" tables), {mean(long, 1):.0f} bytes at {mean(long, 0):.0f} events (longest quarter)"
    )


def report_storms(storms: list[Storm]) -> None:
    for s in storms:
        per_socket = (s.rss_open - s.rss_before) * 1024 / max(1, s.phones)
        print(
            f"storm, {s.server}: {s.phones} sockets open, RSS {s.rss_before:.0f} -> "
            f"{s.rss_open:.0f} MB ({per_socket:.0f} KB per socket); all reconnect with since=: "
            f"{s.caught_up}/{s.phones} caught up in {s.seconds:.2f} s, {s.lost} behind, "
            f"{s.gaps} gaps, {s.repeats} repeats; CPU s: server {s.server_cpu:.2f}, this"
            f" generator {s.own_cpu:.2f}{'; ' + s.failure if s.failure else ''}"
        )


# --- the run ------------------------------------------------------------------------------------


async def run_server(name: str, args, runs: list[Run], storms: list[Storm]) -> None:
    target = servers.start(name)
    try:
        plan = [(rate, "mixed") for rate in args.rates]
        plan += [(rate, "missing") for rate in args.missing_rates]
        for rate, workload in plan:
            try:
                runs.append(await measure(target, rate, args, workload))
            except Exception as error:  # one failed run is reported; the others still run
                failure = f"{type(error).__name__}: {error}\n{target.log_tail()}"
                runs.append(Run(name, rate, workload, failure=failure))
            print(f"  {name} at {rate:g}/s {workload} done", flush=True)
        if args.storm and name in ("embedded", "postgres"):
            try:
                storms.append(await storm(target, args.storm, args))
            except Exception as error:  # reported, with the server's last words
                failure = f"{type(error).__name__}: {error}"
                storms.append(Storm(name, failure=failure + "\n" + target.log_tail()))
            print(f"  {name} storm done", flush=True)
    finally:
        target.stop()


async def run_all(args) -> tuple[list[Run], list[Storm]]:
    runs: list[Run] = []
    storms: list[Storm] = []
    for name in args.servers:
        if name in ("postgres", "stack") and (reason := servers.services_available()):
            print(f"skipping {name}: PostgreSQL or Redis not reachable ({reason})")
            continue
        await run_server(name, args, runs, storms)
    return runs, storms


def arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--servers",
        nargs="+",
        default=["embedded", "postgres", "stack", "floor"],
        choices=["embedded", "postgres", "stack", "floor"],
    )
    parser.add_argument("--rates", nargs="+", type=float, default=[30, 120, 300])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--tables", type=int, default=60)
    parser.add_argument("--seats", type=int, default=5)
    parser.add_argument("--dashboards", type=int, default=2)
    parser.add_argument("--storm", type=int, default=0, help="phones for the reconnect storm")
    parser.add_argument(
        "--hit-share", type=float, default=WORKLOADS["mixed"], help="hits among the asks"
    )
    parser.add_argument(
        "--missing-rates",
        nargs="*",
        type=float,
        default=[300],
        help="rates of the 'missing' workload too (every ask misses that can); none: skip",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--profile", help="a folder for py-spy profiles of the server")
    parser.add_argument("--budget", type=float, default=900.0, help="seconds for the whole run")
    parser.add_argument(
        "--ask-timeout",
        type=float,
        default=ASK_TIMEOUT,
        help="seconds an ask may go unanswered before it counts as a timeout",
    )
    parser.add_argument(
        "--drain",
        type=float,
        default=DRAIN_SECONDS,
        help="seconds after the last ask for every delivery to arrive (what is missing is lost)",
    )
    parser.add_argument("--json", help="also write what went wrong, as counts, to this file")
    return parser.parse_args(argv)


def out_of_time(signum, frame) -> None:
    for proc in RUNNING:
        stop(proc)
    print("loadtest: out of time (--budget); servers stopped", file=sys.stderr)
    os._exit(2)


def main(argv: list[str] | None = None) -> int:
    args = arguments(argv)
    signal.signal(signal.SIGALRM, out_of_time)
    signal.alarm(int(args.budget))
    servers.pin(0, LOAD_CORE)
    print(
        f"load: {args.tables} tables x {args.seats} phones + {args.dashboards} dashboards, "
        f"{args.seconds:g} s per rate; server on core {servers.SERVER_CORE}, "
        f"this generator on core {LOAD_CORE}",
        flush=True,
    )
    runs, storms = asyncio.run(run_all(args))
    signal.alarm(0)
    report_runs(runs)
    report_storms(storms)
    if args.json:
        Path(args.json).write_text(json.dumps(summary(runs, storms), indent=1))
    broken = [run for run in runs if run.failure or run.problems]
    broken += [s for s in storms if s.failure or s.lost or s.gaps or s.repeats]
    return 1 if broken else 0


def summary(runs: list[Run], storms: list[Storm]) -> dict:
    """What the short CI run checks: counts of what went wrong, never timings."""
    return {
        "runs": [
            {
                "server": run.server,
                "rate": run.rate,
                "workload": run.workload,
                "failure": run.failure,
                "applied": run.tally.applied,
                "lost": run.tally.lost,
                "gaps": run.tally.gaps,
                "repeats": run.tally.repeats,
                "views": run.tally.views,
                "timeouts": run.tally.timeouts,
                "closed": run.tally.closed,
                "errors": dict(run.tally.errors),
                "refused": run.refused,
                "states": run.states,
            }
            for run in runs
        ],
        "storms": [
            {
                "server": s.server,
                "phones": s.phones,
                "caught_up": s.caught_up,
                "lost": s.lost,
                "gaps": s.gaps,
                "repeats": s.repeats,
                "failure": s.failure,
            }
            for s in storms
        ],
    }


if __name__ == "__main__":
    sys.exit(main())
