"""Subscribers of the subscription benchmark, run as a process of their own (`Clients`).

The spec comes as one JSON line on stdin. Mode "ws": one graphql-transport-ws connection per
subscriber to the API (`port`, subscriptions_socket.py), each with one subscription (`query`)
under the token of its turn; mode "listen", the baseline: one raw asyncpg connection per
subscriber to `url`, each LISTENing on `channel`. Every subscriber notes (row,
time.monotonic()) of each event it receives (the row's global id on WebSockets, its id on
LISTEN): CLOCK_MONOTONIC is one clock for every process of the machine, so the producer's
commit times compare with it. The process prints "ready" once every subscriber is connected,
then on the line "close" on stdin closes them all, writes its receipts as JSON to the file
`output`: {"receipts": [[[row, t], ...] per subscriber], "errors": [...]} and prints "done".
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from typing import Any

import asyncpg
from subscriptions_socket import connect

Receipts = list[tuple[str, float]]


async def _listener(spec: dict[str, Any], seen: Receipts) -> Any:
    connection = await asyncpg.connect(spec["url"])

    def notified(_conn: Any, _pid: int, _channel: str, payload: str) -> None:
        seen.append((str(json.loads(payload)["id"]), time.monotonic()))

    await connection.add_listener(spec["channel"], notified)
    return connection


async def _serve(spec: dict[str, Any]) -> dict[str, Any]:
    receipts: list[Receipts] = [[] for _ in spec["tokens"]]
    opened: list[Any] = []
    for batch in range(0, len(receipts), 50):  # not all at once: a burst of handshakes
        opened += await asyncio.gather(
            *(
                connect(spec, token, receipts[i])
                if spec["mode"] == "ws"
                else _listener(spec, receipts[i])
                for i, token in enumerate(spec["tokens"][batch : batch + 50], start=batch)
            )
        )
    print("ready", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    await asyncio.gather(*(connection.close() for connection in opened))
    errors = [error for connection in opened for error in getattr(connection, "errors", [])]
    return {"receipts": receipts, "errors": errors[:20]}


def main() -> None:
    import uvloop

    spec = json.loads(sys.stdin.readline())
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        result = runner.run(_serve(spec))
    # Through a file: a line of megabytes on the pipe came back cut at a 64 KiB boundary.
    with open(spec["output"], "w") as output:
        json.dump(result, output)
    print("done", flush=True)


if __name__ == "__main__":
    main()
