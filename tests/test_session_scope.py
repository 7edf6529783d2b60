"""A request whose resolvers are cancelled while a statement of theirs is on the wire.

graphql-core cancels the other root fields when a non-null root field fails, and strawberry
then cancels a DataLoader batch whose loads were all cancelled: a task no one awaits, in the
middle of its statement on the request's session. The request must still be answered, its
sessions closed, its connection returned clean, and the app must keep serving: no single
request may take the server down (SessionScope, close_session, loaders.to_completion)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, create_async_engine

from app import create_app
from config import Settings
from db.session import make_engine, make_session_factory
from db.urls import asyncpg_url, libpq_url
from resolvers.context import Context, close_session
from tests.conftest import _session_on
from tests.support.client import GraphQLClient
from tests.support.projects import gid
from tests.support.scratch_db import scratch_database
from tests.support.world import World, build_world

CREATE = """mutation { createExpenseReport(input: {legalEntity: "USPM", currencyCode: "USD"}) {
  expenseReport { id } errors { code } } }"""
# Two node loads (two DataLoaders: two batch tasks, one on the wire, one waiting for the
# statement lock) beside a non-null root field that fails at once.
FAILING = """query Failing($a: ID!, $b: ID!) {
  a: node(id: $a) { id } b: node(id: $b) { id } journals(first: 0) { __typename } }"""
NODES = "query Nodes($a: ID!, $b: ID!) { a: node(id: $a) { id } b: node(id: $b) { id } }"
BAD_FIRST = {
    "message": "'first' must be between 1 and 100.",
    "locations": [{"line": 2, "column": 49}],
    "path": ["journals"],
    "extensions": {"code": "BAD_USER_INPUT", "reason": "OUT_OF_RANGE", "field": ["first"]},
}
# The loader's SELECT of expense_report, waiting for the table lock another connection holds.
WAITING = text(
    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
    " AND query LIKE '%FROM expense_report%' AND pid <> pg_backend_pid()"
)


class SlowToConnect:
    """A TCP proxy in front of the test server whose new connections wait `delay` seconds
    before they reach it, as over a real network. Interrupting a statement makes asyncpg open
    a connection to send PostgreSQL a CancelRequest, and SQLAlchemy waits for it while
    discarding the interrupted connection: here that outlasts the answer to the request, as
    it does in production, instead of racing it on a local socket."""

    def __init__(self, url: str) -> None:
        self._upstream = make_url(url)
        self._server: asyncio.Server | None = None
        self._pipes: set[asyncio.Task[Any]] = set()
        self.delay = 0.0

    def url(self, database: str) -> str:
        assert self._server is not None
        port = self._server.sockets[0].getsockname()[1]
        query = {k: v for k, v in self._upstream.query.items() if k != "host"}
        proxied = self._upstream.set(host="127.0.0.1", port=port, database=database, query=query)
        return proxied.render_as_string(hide_password=False)

    async def __aenter__(self) -> SlowToConnect:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()
        for pipe in list(self._pipes):
            pipe.cancel()
        await asyncio.gather(*self._pipes, return_exceptions=True)

    async def _open_upstream(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        socket_dir = self._upstream.query.get("host")
        port = self._upstream.port or 5432
        if isinstance(socket_dir, str) and socket_dir.startswith("/"):
            return await asyncio.open_unix_connection(f"{socket_dir}/.s.PGSQL.{port}")
        return await asyncio.open_connection(self._upstream.host or "localhost", port)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._pipes.add(task)
        try:
            await asyncio.sleep(self.delay)
            up_reader, up_writer = await self._open_upstream()
            await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer))
        finally:
            self._pipes.discard(task)
            writer.close()


async def _pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
    try:
        while data := await source.read(65536):
            sink.write(data)
            await sink.drain()
    except ConnectionError:
        pass
    finally:
        sink.close()


async def _failing(client: GraphQLClient, ids: dict[str, str], token: str) -> None:
    """The failing request is answered: HTTP 200, `data: null`, the one error of `first`."""
    response = await client.http.post(
        "/graphql",
        json={"query": FAILING, "variables": ids},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200
    assert response.json() == {"data": None, "errors": [BAD_FIRST]}


async def _failing_while_blocked(
    client: GraphQLClient, ids: dict[str, str], token: str, engine: AsyncEngine
) -> None:
    """The failing request with the expense report's SELECT held on the server (another
    connection locks the table): the statement is certainly on the wire when the loads are
    cancelled, whatever the timing of the machine."""
    async with engine.connect() as blocker:
        await blocker.execute(text("LOCK TABLE expense_report IN ACCESS EXCLUSIVE MODE"))
        request = asyncio.create_task(_failing(client, ids, token))
        async with asyncio.timeout(10):
            while not request.done():
                # pg_stat_activity is read once per transaction unless its snapshot is cleared.
                await blocker.execute(text("SELECT pg_stat_clear_snapshot()"))
                if await blocker.scalar(WAITING):
                    break
                await asyncio.sleep(0.01)
        await asyncio.sleep(0.2)  # the cancellation, the answer, SessionScope's finally
        await blocker.rollback()  # releases the table
    async with asyncio.timeout(10):
        await request


async def _exercise(client: GraphQLClient, world: World, blocker: AsyncEngine | None) -> None:
    """The failing request, answered properly, then the same app (engine, pool) serving ten
    queries and a mutation."""
    created = await client.mutate(CREATE, token=world.tokens["employee"])
    report = created["expenseReport"]["id"]
    entity = gid("LegalEntity", world.companies["USPM"].entity)
    ids = {"a": report, "b": entity}
    token = world.tokens["accountant"]
    if blocker is not None:
        await _failing_while_blocked(client, ids, token, blocker)
    for _ in range(3):  # at the machine's own pace, on fresh and on pooled connections
        await _failing(client, ids, token)
    for _ in range(10):
        assert await client.data(NODES, ids, token=token) == {
            "a": {"id": report},
            "b": {"id": entity},
        }
    again = await client.mutate(CREATE, token=world.tokens["employee"])
    assert again["errors"] == [], again


async def _every_pooled_connection_works(engine: AsyncEngine) -> None:
    """Check out every connection the pool holds, all at once: none may be broken."""
    pool: Any = engine.pool
    connections: list[AsyncConnection] = []
    try:
        for _ in range(pool.checkedin()):
            connections.append(await engine.connect())
        for connection in connections:
            assert await connection.scalar(text("SELECT 1")) == 1
    finally:
        for connection in connections:
            await connection.close()


async def test_cancelled_loads_on_the_tests_sessions(
    connection: AsyncConnection, engine: AsyncEngine, settings: Settings, world: World
) -> None:
    """Every session of the app joins the test's transaction: an interrupted statement
    would lose that transaction (and its connection) for every later request."""
    app = create_app(
        settings, engine=engine, sessions=lambda: _session_on(connection), compiled_reads=False
    )
    async with GraphQLClient.for_app(app) as client:
        await _exercise(client, world, blocker=None)
    assert await connection.scalar(text("SELECT 1")) == 1


@asynccontextmanager
async def _served(settings: Settings, compiled_reads: bool) -> AsyncIterator[tuple[Any, ...]]:
    """The app as `make run` builds it (its own engine, no `sessions`: queries read through
    the autocommit session of QueriesWithoutTransaction), with its lifespan, on a database
    of its own, reached through SlowToConnect."""
    server = libpq_url(settings)
    with scratch_database(server) as url:
        direct = create_async_engine(asyncpg_url(url))
        try:
            async with AsyncSession(direct, expire_on_commit=False) as session:
                world = await build_world(session, settings)
        finally:
            await direct.dispose()
        async with SlowToConnect(server) as proxy:
            engine = make_engine(settings, proxy.url(make_url(url).database or ""))
            try:
                app = create_app(settings, engine=engine, compiled_reads=compiled_reads)
                async with app.router.lifespan_context(app), GraphQLClient.for_app(app) as client:
                    proxy.delay = 0.5  # from now on: the app's pool is open, the world built
                    yield client, world, engine
            finally:
                await engine.dispose()


async def test_cancelled_loads_on_the_apps_own_engine(settings: Settings) -> None:
    # Compiled reads on or off: a query with a bad `first` is strawberry's either way.
    for compiled_reads in (False, True):
        async with _served(settings, compiled_reads) as (client, world, engine):
            invalidated: list[object] = []
            with _listening(engine, "invalidate", invalidated.append):
                await _exercise(client, world, blocker=engine)
            pool: Any = engine.pool
            assert pool.checkedout() == 0, "a finished request still holds a connection"
            await _every_pooled_connection_works(engine)
            # The cancelled statement was let finish: no connection was discarded for it (each
            # would have cost a CancelRequest connection and a new backend).
            assert invalidated == []


@contextlib.contextmanager
def _listening(engine: AsyncEngine, name: str, listener: Any) -> Any:
    def record(dbapi_connection: Any, record: Any, error: Any) -> None:
        listener(error)

    event.listen(engine.sync_engine.pool, name, record)
    try:
        yield
    finally:
        event.remove(engine.sync_engine.pool, name, record)


async def test_a_session_closes_after_its_running_statement_and_runs_no_more(
    session: AsyncSession, settings: Settings
) -> None:
    context = Context(settings=settings, session=session, request_id="t", actor_or_none=None)

    async def statement() -> None:
        async with context.db() as db:
            await db.execute(text("SELECT pg_sleep(0.2)"))

    running = asyncio.create_task(statement())
    await asyncio.sleep(0)  # it holds the statement lock, its statement on the wire
    await close_session(session)  # waits for it, instead of closing under it
    assert running.done() and running.exception() is None
    # A resolver still running after the answer (graphql-core settles some in the
    # background) gets no connection that no one would close.
    with pytest.raises(RuntimeError, match="request is over"):
        async with context.db():
            pass


async def test_a_session_whose_connection_died_closes_without_raising(
    engine: AsyncEngine,
) -> None:
    pool: Any = engine.pool
    before = pool.checkedout()
    session = make_session_factory(engine)()
    pid = await session.scalar(text("SELECT pg_backend_pid()"))
    async with engine.connect() as other:
        await other.execute(text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": pid})
    # session.close() raises here (its ROLLBACK has no connection); SessionScope's must not.
    await close_session(session)
    assert pool.checkedout() == before


SIBLINGS = """query Siblings {
  accounts(legalEntity: "NOPE") { nodes { number } }
  journals { nodes { number } } legalEntities { nodes { code } } currencies { code }
  parameters(legalEntity: "USPM") { batchThreshold } numberSequences { code }
}"""


async def test_root_reads_cancelled_by_a_failing_sibling_finish_cleanly(
    connection: AsyncConnection, engine: AsyncEngine, settings: Settings, world: World
) -> None:
    """A root field refused (a legal entity not the caller's) cancels its running siblings'
    statements (pages, lookups): each finishes first, so the answer is the refusal alone,
    never an internal error, and the next requests on the same transaction succeed."""
    app = create_app(
        settings, engine=engine, sessions=lambda: _session_on(connection), compiled_reads=False
    )
    token = {"Authorization": f"Bearer {world.tokens['accountant']}"}
    async with GraphQLClient.for_app(app) as client:
        for _ in range(5):
            response = await client.http.post("/graphql", json={"query": SIBLINGS}, headers=token)
            body = response.json()
            assert body["data"] is None, body
            codes = {error["extensions"]["code"] for error in body["errors"]}
            assert codes == {"BAD_USER_INPUT"}, body
        data = await client.data(
            "{ legalEntities { nodes { code } } }", token=world.tokens["admin"]
        )
    assert data["legalEntities"]["nodes"]
    assert await connection.scalar(text("SELECT 1")) == 1
