"""The per-request context every resolver receives (`Info[Context, None]`)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.extensions import SchemaExtension
from strawberry.types import Info as StrawberryInfo
from strawberry.types.graphql import OperationType

from config import Settings
from db.events import EventListener
from domain.actors import Actor
from observability import log
from resolvers.api_error import ApiError
from resolvers.auth import AccessToken
from resolvers.caller import AccessCheck, Caller

__all__ = ["AccessCheck", "ApiError"]  # where schema/ and resolvers/ import them from

if TYPE_CHECKING:
    from starlette.websockets import WebSocket

    from resolvers.loaders import Loaders


T = TypeVar("T")


async def to_completion(statement: Awaitable[T]) -> T:
    """Await a statement; when cancelled, let it finish first, then be cancelled.

    strawberry cancels a batch's task when every load of the batch was cancelled (graphql-core
    cancels the sibling root fields of a failing non-null one). Interrupting the statement
    then costs its connection: asyncpg opens a connection only to send PostgreSQL a
    CancelRequest, SQLAlchemy discards the interrupted one and the pool opens another (two
    backend forks per such request, which any caller can send in a loop); on a session joined
    to an outer transaction (the tests') that transaction is lost. A batch is one short
    statement: letting it finish returns the connection clean, and the statement lock stays
    held until it has (close_session waits for it)."""
    task = asyncio.ensure_future(statement)
    try:
        return await asyncio.shield(task)
    except asyncio.CancelledError:
        while not task.done():
            try:
                await asyncio.wait([task])
            except asyncio.CancelledError:
                continue  # cancelled again: still wait; the first cancellation is raised below
        if not task.cancelled():
            task.exception()  # retrieved: its outcome no longer matters to anyone
        raise


@dataclass
class Context(Caller):
    settings: Settings
    # The request's session; a mutation runs in one transaction on it (resolvers/mutations).
    session: AsyncSession
    request_id: str
    # Who calls, once check_access has asked the database (or its cache) what the token's
    # session grants now; a context built with an actor (tests) keeps it.
    actor_or_none: Actor | None
    # Why there is no actor: (message, code): UNAUTHENTICATED, or SERVICE_UNAVAILABLE while
    # the database cannot say.
    auth_failure: tuple[str, str] | None = None
    # The caller's access token, its signature and expiry checked (present).
    token: str | None = None
    credentials: AccessToken | None = None
    # A session on an AUTOCOMMIT connection that a query operation reads through instead of
    # `session` (see QueriesWithoutTransaction); None keeps queries on `session` (WebSockets,
    # and tests, whose sessions live in the test's transaction).
    reads: AsyncSession | None = None
    loaders: Loaders = field(init=False)
    extras: dict[str, Any] = field(default_factory=dict)
    # The instance's status-event listener (K3); None where the app's lifespan did not run.
    events: EventListener | None = None
    # Set by strawberry from a WebSocket's connection_init payload (graphql-transport-ws).
    connection_params: dict[str, Any] | None = None
    # The WebSocket of a graphql-transport-ws connection: closed with 4403 when its token
    # expires or its access is revoked (resolvers/access_watch.py).
    connection: WebSocket | None = None

    def __post_init__(self) -> None:
        from resolvers.loaders import Loaders

        self.loaders = Loaders(self)

    @asynccontextmanager
    async def db(self) -> AsyncIterator[AsyncSession]:
        """The session, for one statement at a time: resolvers run concurrently, and one
        AsyncSession must never run two statements at once (see statement_lock)."""
        session = self.session
        async with statement_lock(session):
            if session.info.get(_CLOSED):
                # A resolver graphql-core settles in the background after the answer went
                # out: a statement now would check out a connection that no one closes.
                raise RuntimeError("the request is over and its session closed")
            yield session

    def _own_session(self) -> AsyncSession:
        """A new session like `session`: on the engine (in the tests, their connection)."""
        return AsyncSession(
            bind=self.session.bind,
            join_transaction_mode=self.session.sync_session.join_transaction_mode,
            expire_on_commit=False,
            autoflush=False,
        )

    @asynccontextmanager
    async def brief_session(self) -> AsyncIterator[AsyncSession]:
        """A session of its own for one short piece of work of a long-lived operation (a
        subscription's access check), closed on exit: its connection is back in the pool
        before the operation goes on waiting. A subscription's session lives as long as the
        subscription, and a statement on it would keep its connection checked out, idle in
        transaction, until it ends: twenty idle subscribers would hold the whole pool."""
        session = self._own_session()
        try:
            yield session
        finally:
            await close_session(session)

    @asynccontextmanager
    async def for_operation(self) -> AsyncIterator[Context]:
        """The context of one operation of a WebSocket (whose own context lives as long as
        the socket): a session and DataLoaders of its own, closed when the operation ends.
        On the socket's session a query or mutation would keep its connection idle in
        transaction until the socket closed, and its loaders would answer later operations
        from what they cached; operations running at once would share both."""
        context = replace(self, session=self._own_session(), extras={})
        try:
            yield context
        finally:
            await close_session(context.session)

    @asynccontextmanager
    async def access_session(self) -> AsyncIterator[AsyncSession]:
        """Where check_access reads: an HTTP request's autocommit session when it has one
        (one round trip, no BEGIN or ROLLBACK, on the connection a query then reads on), else
        a brief session of its own (a WebSocket's session lives as long as the socket)."""
        if self.reads is None:
            async with self.brief_session() as session:
                yield session
            return
        async with statement_lock(self.reads):
            yield self.reads

    async def read(self, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
        """One read of a query resolver on the session, run to completion even when the
        resolver is cancelled (a failing sibling root field): see to_completion."""
        async with self.db() as session:
            return await to_completion(work(session))


_LOCK = "projops.statement_lock"
_CLOSED = "projops.closed"


def statement_lock(session: AsyncSession) -> asyncio.Lock:
    """Held by whoever runs a statement on `session` (Context.db) and by close_session.

    It lives on the session rather than the Context so that SessionScope, which opened the
    session and knows no Context, can wait for it before closing."""
    lock: asyncio.Lock | None = session.info.get(_LOCK)
    if lock is None:
        lock = session.info[_LOCK] = asyncio.Lock()
    return lock


async def close_session(session: AsyncSession) -> None:
    """Close a request's session once no statement of the request is running on it; never
    raises (SessionScope calls it in its `finally`).

    graphql-core cancels the other root fields when a non-null one fails, and strawberry then
    cancels a DataLoader batch whose loads were all cancelled: a task of its own that no one
    awaits, which may still hold a statement (its connection checkout, the statement, or
    SQLAlchemy discarding the connection after the cancellation) when the request is over.
    Closing (or invalidating) the session under it raises IllegalStateChangeError
    ("_connection_for_bind() is already in progress"), or closes it between the two and
    leaves a connection checked out. Waiting for the lock lets that statement finish first."""
    try:
        async with statement_lock(session):
            session.info[_CLOSED] = True
            await session.close()
    except Exception:
        # A connection that fails even its ROLLBACK (its backend was terminated, say):
        # discard it, and keep the error out of SessionScope and the ASGI server.
        log.exception("session_close_failed")
        try:
            await session.invalidate()
        except Exception:
            log.exception("session_invalidate_failed")


class QueriesWithoutTransaction(SchemaExtension):
    """Runs a query operation's statements on `Context.reads`: each is one round trip, with
    no BEGIN before and no ROLLBACK after. Nothing is lost by it: under READ COMMITTED every
    statement takes its own snapshot, in a transaction or not. Mutations and subscriptions
    keep `session` and its transaction. on_execute runs after parsing and validation (the
    operation type is known) and before any resolver (no statement has run yet)."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context.context
        if (
            isinstance(context, Context)
            and context.reads is not None
            and self.execution_context.operation_type is OperationType.QUERY
        ):
            context.session = context.reads
        yield


Info = StrawberryInfo[Context, None]
