"""The fuzz suite's harness: raw ASGI requests (any bytes, as a server passes them on, which
httpx would refuse to send), the verdict on an answer, a digest of every table (nothing
written), and hypothesis driving it all from a thread."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession
from starlette.types import ASGIApp, Message

from config import Settings
from tests.conftest import _session_on

Case = TypeVar("Case")
SECONDS_PER_REQUEST = 10  # far beyond any refusal's: a request that takes longer is a finding


@pytest.fixture
async def app(connection: AsyncConnection, engine: AsyncEngine, settings: Settings) -> ASGIApp:
    """The app as the `client` fixture's, for raw requests (send_raw)."""
    from app import create_app

    return create_app(settings, engine=engine, sessions=lambda: _session_on(connection))


@dataclass
class Answer:
    status: int
    body: bytes
    headers: dict[bytes, bytes] = field(default_factory=dict)

    def json(self) -> Any:
        return json.loads(self.body)


async def send_raw(
    app: ASGIApp,
    method: str,
    query_string: bytes = b"",
    headers: Sequence[tuple[bytes, bytes]] = (),
    body: bytes = b"",
) -> Answer:
    """One HTTP request to /graphql as an ASGI server hands it to the app."""
    scope: dict[str, Any] = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": "/graphql",
        "raw_path": b"/graphql",
        "query_string": query_string,
        "root_path": "",
        "headers": [(name.lower(), value) for name, value in headers],
        "client": ("127.0.0.1", 50000),
        "server": ("test", 80),
    }
    pending = [{"type": "http.request", "body": body, "more_body": False}]
    sent: list[Message] = []

    async def receive() -> Message:
        return pending.pop() if pending else {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        sent.append(message)

    await app(scope, receive, send)
    start = next(message for message in sent if message["type"] == "http.response.start")
    content = b"".join(message.get("body", b"") for message in sent[1:])
    return Answer(start["status"], content, dict(start.get("headers", [])))


def problems(answer: Answer, method: str = "POST") -> list[str]:
    """What is wrong with an answer: a 5xx, a body that is not JSON, an error status without
    errors, an error without a code, or INTERNAL_SERVER_ERROR."""
    found = [f"status {answer.status}"] if answer.status >= 500 else []
    if method == "HEAD":
        return found  # a HEAD answer has no body
    try:
        payload = answer.json()
    except ValueError:
        return [*found, f"not JSON: {answer.body[:100]!r}"]
    errors = payload.get("errors") if isinstance(payload, dict) else None
    if answer.status >= 400 and not errors:
        found.append(f"status {answer.status} without errors")
    for error in errors or []:
        code = (error.get("extensions") or {}).get("code")
        if not isinstance(code, str):
            found.append(f"an error without a code: {error}")
        elif code == "INTERNAL_SERVER_ERROR":
            found.append(f"INTERNAL_SERVER_ERROR: {error.get('message')}")
    return found


async def table_digest(session: AsyncSession) -> dict[str, str]:
    """Every table's rows, hashed: equal digests, nothing inserted, updated or deleted."""
    tables = (
        await session.scalars(
            text("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
        )
    ).all()
    digests = " UNION ALL ".join(
        f"SELECT '{table}', md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), ''))"
        f' FROM "{table}" t'
        for table in tables
    )
    rows = (await session.execute(text(digests))).all()
    return {name: digest for name, digest in rows}


INTERNAL = ("status 5", "raised ", "INTERNAL_SERVER_ERROR")  # what a server's fault is


@dataclass
class Tally:
    cases: int = 0
    wrong: int = 0  # requests answered wrongly
    internal: int = 0  # of which with an internal error: a 5xx, an exception, INTERNAL_...
    found: list[str] = field(default_factory=list)

    def add(self, case: object, problems: list[str]) -> None:
        self.cases += 1
        self.wrong += bool(problems)
        self.internal += any(problem.startswith(INTERNAL) for problem in problems)
        self.found.extend(f"{problem} <- {case!r:.300}" for problem in problems)

    def report(self) -> str:
        shown = "".join(f"\n{problem}" for problem in self.found[:10])
        return (
            f"{self.wrong} of {self.cases} requests answered wrongly, {self.internal} with an"
            f" internal error{shown}"
        )


async def fuzz(
    strategy: st.SearchStrategy[Case],
    ask: Callable[[Case], Awaitable[list[str]]],
    examples: int,
) -> Tally:
    """Every case hypothesis draws, asked, its problems tallied (all of them rather than the
    first: the suite reports how many requests fail, not only that one does)."""
    loop, tally = asyncio.get_running_loop(), Tally()

    async def one(case: Case) -> None:
        try:
            found = await ask(case)
        except Exception as error:  # the app raised: an ASGI server answers 500
            found = [f"raised {type(error).__name__}: {error}"]
        tally.add(case, found)

    @hypothesis_settings(max_examples=examples, derandomize=True, database=None, deadline=None,
                         suppress_health_check=list(HealthCheck))  # fmt: skip
    @given(strategy)
    def check(case: Case) -> None:
        asyncio.run_coroutine_threadsafe(one(case), loop).result(SECONDS_PER_REQUEST)

    await asyncio.to_thread(check)  # hypothesis drives from a thread, the app runs here
    return tally
