"""Load generator of the read benchmark, and its check that the servers agree.

`run_load(spec)` runs this file as a process of its own (so the client's CPU is not the
server's): it reads the spec as JSON on stdin and prints the result as JSON. Inside, `clients`
asyncio tasks each keep one HTTP/1.1 keep-alive connection to 127.0.0.1 and POST work items
(a work item is one request, or a chain such as submit-then-approve sent in order) until
`max_requests` answers or `max_seconds`. An answer that is not HTTP 200, or whose body has a
"message" (a GraphQL or a payload error: the benchmark's documents select no other "message"),
is counted as an error.
"""

from __future__ import annotations

import asyncio
import difflib
import json
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import httpx

# (token name, JSON body) of one request; a work item is one or more of them, sent in order.
Request = tuple[str, str]


@dataclass(frozen=True)
class Spec:
    port: int
    tokens: dict[str, str]
    items: list[list[Request]]
    clients: int = 20
    max_requests: int = 5000
    max_seconds: float = 8.0
    cycle: bool = True  # start over at the first item when all were sent


@dataclass(frozen=True)
class Result:
    requests: int
    errors: int
    seconds: float
    p50_ms: float
    p99_ms: float
    error_sample: str

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def run_load(spec: Spec) -> Result:
    """The spec's load from another process; its answer counts and latencies."""
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve())],
        input=json.dumps(asdict(spec)).encode(),
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"the load generator failed:\n{done.stderr.decode()[-3000:]}")
    return Result(**json.loads(done.stdout))


def _http(port: int, token: str, body: str) -> bytes:
    data = body.encode()
    return (
        f"POST /graphql HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: Bearer {token}\r\n"
        f"Content-Type: application/json\r\nAccept: application/json\r\n"
        f"Content-Length: {len(data)}\r\n\r\n"
    ).encode() + data


async def _exchange(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes
) -> tuple[int, bytes]:
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    start = head.lower().find(b"\r\ncontent-length:")
    if start < 0:
        raise RuntimeError(f"an answer without Content-Length: {head!r}")
    length = int(head[start + 17 : head.index(b"\r\n", start + 2)])
    return int(head[9:12]), await reader.readexactly(length)


def _percentile(ordered: list[float], share: float) -> float:
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000 if ordered else 0.0


async def _generate(spec: Spec) -> Result:
    items = [
        [_http(spec.port, spec.tokens[who], body) for who, body in item] for item in spec.items
    ]
    latencies: list[float] = []
    errors: list[bytes] = []
    next_item = iter(range(sys.maxsize))
    connections = [
        await asyncio.open_connection("127.0.0.1", spec.port) for _ in range(spec.clients)
    ]
    started = time.perf_counter()
    deadline = started + spec.max_seconds

    async def client(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while len(latencies) < spec.max_requests and time.perf_counter() < deadline:
            index = next(next_item)
            if index >= len(items) and not spec.cycle:
                return
            for request in items[index % len(items)]:
                sent = time.perf_counter()
                status, body = await _exchange(reader, writer, request)
                latencies.append(time.perf_counter() - sent)
                if status != 200 or b'"message"' in body:
                    errors.append(body)

    await asyncio.gather(*(client(reader, writer) for reader, writer in connections))
    seconds = time.perf_counter() - started
    for _, writer in connections:
        writer.close()
    latencies.sort()
    return Result(
        requests=len(latencies),
        errors=len(errors),
        seconds=seconds,
        p50_ms=_percentile(latencies, 0.50),
        p99_ms=_percentile(latencies, 0.99),
        error_sample=errors[0][:1000].decode(errors="replace") if errors else "",
    )


def _data(client: httpx.Client, port: int, token: str, payload: str, get: bool) -> tuple[Any, str]:
    """The `data` of one answer and the read path that gave it (the header x-read-path)."""
    url, headers = f"http://127.0.0.1:{port}/graphql", {"Authorization": f"Bearer {token}"}
    if get:  # strawberry answers every GET: the reference read path
        params = {
            k: v if isinstance(v, str) else json.dumps(v) for k, v in json.loads(payload).items()
        }
        response = client.get(url, params=params, headers=headers)
    else:
        headers["Content-Type"] = "application/json"
        response = client.post(url, content=payload, headers=headers)
    answer = response.json()
    if response.status_code != 200 or answer.get("errors") or not answer.get("data"):
        raise SystemExit(f"port {port} answered {response.status_code}: {response.text[:2000]}")
    return answer["data"], response.headers.get("x-read-path", "reference")


def _differ(what: str, ours: Any, theirs: Any) -> None:
    lines = [json.dumps(data, indent=1, sort_keys=True).splitlines() for data in (ours, theirs)]
    if lines[0] != lines[1]:
        diff = difflib.unified_diff(lines[0], lines[1], "api", what, lineterm="")
        raise SystemExit(f"The API and {what} differ:\n" + "\n".join(list(diff)[:120]))


def check_equal(
    api: int, baseline: int, tokens: dict[str, str], probes: dict[str, list[Request]]
) -> dict[str, str]:
    """The `data` of the API (as measured, POST) must equal the baseline's and the API's
    reference path's (GET), else stop with a diff. Returns the API's read path per scenario."""
    paths = {}
    with httpx.Client(timeout=120) as client:
        for scenario, requests in probes.items():
            for who, payload in requests:
                ours, paths[scenario] = _data(client, api, tokens[who], payload, False)
                _differ(
                    "the baseline",
                    ours,
                    _data(client, baseline, tokens[who], payload, False)[0],
                )
                _differ(
                    "its reference path (GET)",
                    ours,
                    _data(client, api, tokens[who], payload, True)[0],
                )
    return paths


def main() -> None:
    import uvloop

    raw = json.loads(sys.stdin.buffer.read())
    raw["items"] = [[(who, body) for who, body in item] for item in raw["items"]]
    spec = Spec(**raw)
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        result = runner.run(_generate(spec))
    print(json.dumps(asdict(result)))


if __name__ == "__main__":
    main()
