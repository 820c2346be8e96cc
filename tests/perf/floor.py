"""The floor: a bare `websockets` broadcast server that speaks our messages, with no
database, no Django and no game rules. The load harness runs the same workload against
it and against our server; the ratio is what our server costs above the floor.

    .venv/bin/python tests/perf/floor.py --port 8765 [--host 127.0.0.1]

A phone connects to /ws/play/?table=T&seat=S and gets a `view` like ours (a deck of
five themes of four cards, a hand, the counts, whose turn); a dashboard connects to
/ws/host/<anything>/ and gets `hello`. An `ask` is acknowledged and answered as our
server answers a miss: `asked`, `miss` and `turn_passed` events with the next seq, sent
once encoded to every phone of the table (with the table's state) and to every
dashboard (as `update`). The turn passes to the seat asked, as after a miss.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
from urllib.parse import parse_qs, urlsplit

from websockets.asyncio.server import ServerConnection, broadcast, serve

THEMES = ("netwerk", "energie", "zorg", "werk", "wonen")
SEATS = 5
CARDS = [f"{theme}-{n}" for theme in THEMES for n in range(1, 5)]


def dumps(message: dict) -> str:
    return json.dumps(message, separators=(",", ":"))


class Floor:
    def __init__(self) -> None:
        self.tables: dict[int, set[ServerConnection]] = {}
        self.dashboards: set[ServerConnection] = set()
        self.seq: dict[int, int] = {}
        self.turn: dict[int, int] = {}

    def state(self, table: int, seat: int) -> dict:
        hand = CARDS[seat::SEATS][:4]  # four themes, so there is always a card to ask
        return {
            "status": "playing",
            "paused": False,
            "pause_until": None,
            "hand": hand,
            "counts": [4] * SEATS,
            "laid": [[] for _ in range(SEATS)],
            "turn": self.turn.get(table, 0),
            "winners": [],
        }

    def view(self, table: int, seat: int) -> dict:
        return {
            "type": "view",
            "seq": self.seq.get(table, 0),
            "table": {"id": table, "number": table, "status": "playing"},
            "you": {"seat": seat},
            "deck": {
                "themes": [
                    {"key": theme, "cards": [{"key": f"{theme}-{n}"} for n in range(1, 5)]}
                    for theme in THEMES
                ]
            },
            "state": self.state(table, seat),
        }

    async def handler(self, ws: ServerConnection) -> None:
        url = urlsplit(ws.request.path)
        if url.path.startswith("/ws/host/"):
            await self.dashboard(ws)
            return
        query = {key: int(values[0]) for key, values in parse_qs(url.query).items()}
        table, seat = query["table"], query["seat"]
        self.tables.setdefault(table, set()).add(ws)
        try:
            await ws.send(dumps(self.view(table, seat)))
            async for raw in ws:
                message = json.loads(raw)
                if message.get("type") == "ask":
                    self.ask(ws, table, seat, message)
                elif message.get("type") == "ping":
                    await ws.send(dumps({"type": "pong"}))
        finally:
            self.tables[table].discard(ws)

    async def dashboard(self, ws: ServerConnection) -> None:
        self.dashboards.add(ws)
        try:
            await ws.send(dumps({"type": "hello", "tables": self.seq}))
            await ws.wait_closed()
        finally:
            self.dashboards.discard(ws)

    def ask(self, ws: ServerConnection, table: int, seat: int, message: dict) -> None:
        first = self.seq.get(table, 0) + 1
        target = message["target"]
        events = [
            {
                "seq": first,
                "type": "asked",
                "seat": seat,
                "target": target,
                "card": message["card"],
            },
            {
                "seq": first + 1,
                "type": "miss",
                "seat": seat,
                "target": target,
                "card": message["card"],
            },
            {"seq": first + 2, "type": "turn_passed", "seat": target},
        ]
        self.seq[table], self.turn[table] = first + 2, target
        # One encoding for the whole table, as a broadcast server does it; the hand in
        # the state is the asking seat's, which is what the size should be like.
        state = self.state(table, seat)
        phones = {"type": "events", "seq": first + 2, "events": events, "state": state}
        broadcast(self.tables[table], dumps(phones))
        batch = {"table": table, "number": table, "seq": first + 2, "events": events}
        broadcast(self.dashboards, dumps({"type": "update", "tables": [batch]}))
        broadcast([ws], dumps({"type": "ack", "id": message["id"], "seq": first + 2}))


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    stop = asyncio.get_running_loop().create_future()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set_result, None)
    floor = Floor()
    async with serve(floor.handler, args.host, args.port, compression=None, max_queue=None):
        print(f"floor listening on {args.host}:{args.port}", flush=True)
        await stop


if __name__ == "__main__":
    asyncio.run(main())
