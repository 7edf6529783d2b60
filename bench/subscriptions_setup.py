"""The subscription benchmark's data, subscriber processes and server probes.

Data: legal entity BENCH (common.build_company), `users` accountants of it with a token each,
and `events` Draft journals whose status the producer changes, one committed UPDATE per event.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from common import build_company
from reads_servers import cpu_seconds, process_tree
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from config import Settings
from domain.sessions import open_session
from resolvers.auth import mint_token

CLIENTS = Path(__file__).resolve().parent / "subscriptions_clients.py"
OPEN_GAUGE = "projops_subscriptions_open"
_USERS = """
INSERT INTO app_user (email, name, roles)
SELECT 'subscriber' || g || '@bench.example.com', 'Subscriber ' || g, ARRAY['accountant']
FROM generate_series(1, :users) g RETURNING id
"""
_MEMBERS = """INSERT INTO user_legal_entity (user_id, legal_entity_id)
SELECT unnest(CAST(:ids AS bigint[])), :le"""
_JOURNALS = """
INSERT INTO journal (legal_entity_id, number, status, period_unit, line_count)
SELECT :le, 'BENCH-J' || g, 'draft', 'all', 0 FROM generate_series(1, :events) g RETURNING id
"""


@dataclass(frozen=True)
class Fixture:
    tokens: list[str]  # one per user
    journal_ids: list[int]  # one per event


async def build(session: AsyncSession, settings: Settings, users: int, events: int) -> Fixture:
    company = await build_company(session)
    entity = company.legal_entity_id
    ids = list((await session.scalars(text(_USERS), {"users": users})).all())
    await session.execute(text(_MEMBERS), {"ids": ids, "le": entity})
    journals = await session.scalars(text(_JOURNALS), {"le": entity, "events": events})
    journal_ids = list(journals.all())
    tokens = [await _token(session, settings, user_id) for user_id in ids]
    await session.commit()
    return Fixture(tokens, journal_ids)


async def _token(session: AsyncSession, settings: Settings, user_id: int) -> str:
    """The access token of a new session of a subscriber (an accountant of BENCH)."""
    now = dt.datetime.now(dt.UTC)
    lifetime = dt.timedelta(days=settings.session_days)
    opened = await open_session(session, user_id, lifetime=lifetime, now=now)
    return mint_token(
        settings,
        user_id=user_id,
        session_id=opened.id,
        roles=["accountant"],
        legal_entities=["BENCH"],
        now=now,
    )


class Clients:
    """Subscriber processes (subscriptions_clients.py), `subscribers` split over `processes`."""

    def __init__(self, spec: dict[str, Any], tokens: list[str], processes: int) -> None:
        shares = [tokens[i::processes] for i in range(processes)]
        self._children = [
            subprocess.Popen(
                [sys.executable, str(CLIENTS)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
            for share in shares
            if share
        ]
        self._directory = tempfile.TemporaryDirectory(prefix="bench-subscribers-")
        self._outputs = [f"{self._directory.name}/{n}.json" for n in range(len(self._children))]
        for child, share, output in zip(self._children, shares, self._outputs, strict=False):
            assert child.stdin is not None
            child.stdin.write(json.dumps({**spec, "tokens": share, "output": output}) + "\n")
            child.stdin.flush()
        for child in self._children:
            assert child.stdout is not None
            if child.stdout.readline().strip() != "ready":
                raise SystemExit("a subscriber process failed to connect its subscribers")

    def cpu_seconds(self) -> float:
        """User and system CPU of the subscriber processes so far."""
        return sum(cpu_seconds(child.pid) for child in self._children)

    def close(self) -> tuple[list[list[tuple[str, float]]], list[str]]:
        """Close every subscriber; their receipts (one list per subscriber) and errors."""
        receipts: list[list[tuple[str, float]]] = []
        errors: list[str] = []
        for child in self._children:
            assert child.stdin is not None and child.stdout is not None
            child.stdin.write("close\n")
            child.stdin.flush()
        for child, output in zip(self._children, self._outputs, strict=True):
            assert child.stdout is not None
            if child.stdout.readline().strip() != "done":
                raise SystemExit("a subscriber process failed")
            with open(output) as file:
                done = json.load(file)
            receipts += done["receipts"]
            errors += done["errors"]
            child.wait(timeout=60)
        self._directory.cleanup()
        return receipts, errors


def tree_cpu_seconds(root: int) -> float:
    """User and system CPU of a server's process tree so far."""
    return sum(cpu_seconds(pid) for pid in process_tree(root))


def rss_mb(root: int) -> float:
    """Resident memory (VmRSS) of the server's process tree, in MB."""
    total = 0
    for pid in process_tree(root):
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        total += next((int(ln.split()[1]) for ln in status.splitlines() if ln[:6] == "VmRSS:"), 0)
    return total / 1024


def sockets(root: int) -> dict[int, int]:
    """Open sockets per process of the server's tree (its WebSockets, among others)."""
    counts = {}
    for pid in process_tree(root):
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
            counts[pid] = sum(
                os.readlink(f"/proc/{pid}/fd/{fd}").startswith("socket:") for fd in fds
            )
        except OSError:
            continue
    return counts


def open_subscriptions(port: int) -> float | None:
    """The API's gauge of open subscriptions (all processes), None if it has none."""
    body = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=30).text
    values = [float(ln.split()[-1]) for ln in body.splitlines() if ln.startswith(OPEN_GAUGE)]
    return sum(values) if values else None


def wait_for_subscriptions(port: int, wanted: int, seconds: float = 120) -> bool:
    """Wait until the API holds `wanted` subscriptions; False when it has no such gauge."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        count = open_subscriptions(port)
        if count is None:
            time.sleep(5)  # an API without the gauge: give the subscribes time
            return False
        if count == wanted:
            return True
        time.sleep(0.2)
    raise SystemExit(f"the API holds {open_subscriptions(port)} subscriptions, not {wanted}")


def ordinary_query_ms(port: int, token: str) -> float:
    """The slowest of three ordinary queries while the subscribers are open."""
    slowest = 0.0
    with httpx.Client(timeout=60) as client:
        for _ in range(3):
            started = time.perf_counter()
            answer = client.post(
                f"http://127.0.0.1:{port}/graphql",
                json={"query": "{ legalEntities { nodes { code } } }"},
                headers={"Authorization": f"Bearer {token}"},
            )
            if answer.status_code != 200 or "errors" in answer.json():
                raise SystemExit(f"an ordinary query failed: {answer.text[:1000]}")
            slowest = max(slowest, time.perf_counter() - started)
    return slowest * 1000


def profile(root: int, seconds: float, directory: str | None, py_spy: str) -> list[Any]:
    """py-spy recording every process of the server's tree for `seconds` (with a directory)."""
    if not directory:
        return []
    return [
        subprocess.Popen(
            [
                *(py_spy, "record", "--pid", str(pid), "--duration", str(int(seconds) + 1)),
                *("--rate", "250", "--format", "speedscope", "--nonblocking"),
                *("-o", f"{directory}/api-{pid}.json"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for pid in process_tree(root)
    ]
