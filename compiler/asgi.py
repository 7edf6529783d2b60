"""The ASGI layer of the compiled read path, in front of strawberry's view.

A POST whose operation plans is answered with the database's JSON text as the body (never
parsed into Python objects); every other request, and any planned request whose statement
fails, is handed to strawberry untouched.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable

import asyncpg
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.types import ASGIApp, Receive, Scope, Send

from compiler.plan import Planner, Request
from compiler.pool import ACQUIRE_TIMEOUT_SECONDS
from compiler.sql import FALLBACK_MARK
from config import Settings
from db import outage
from db.statement_budget import is_statement_timeout
from domain.actors import Actor
from http_protocol import PARSED_REQUEST
from observability import ERRORS, READ_FALLBACKS, SQL_STATEMENTS, log, log_operation
from resolvers.access import OpenSession, authenticate
from resolvers.auth import AuthenticationError, bearer_token, verify_token
from resolvers.time_budget import TIMED_OUT, TIMEOUT

GRACE_SECONDS = 1.0  # past the budget, before this layer gives up waiting itself
# Reads the JSON text of a planned request's statement, from a pool or the request's session.
Fetch = Callable[[Scope, Request], Awaitable[bytes]]


def pool_fetch(pool: Callable[[], asyncpg.Pool]) -> Fetch:
    """Production: one round trip on an autocommit connection (no BEGIN, no ROLLBACK);
    asyncpg prepares the statement once per connection and reuses it."""

    async def fetch(scope: Scope, request: Request) -> bytes:
        async with pool().acquire(timeout=ACQUIRE_TIMEOUT_SECONDS) as connection:
            data: bytes = await connection.fetchval(request.plan.sql, *request.parameters)
        SQL_STATEMENTS.inc()
        return data

    return fetch


def session_fetch(sessions: Callable[[], AsyncSession]) -> Fetch:
    """Tests: on a session of the app's factory (the tests' joins their transaction), in a
    savepoint so that a failing statement leaves the transaction usable."""

    async def fetch(scope: Scope, request: Request) -> bytes:
        async with sessions() as session:
            connection = await session.connection()
            async with connection.begin_nested():
                parameters = tuple(request.parameters)
                result = await connection.exec_driver_sql(request.plan.sql, parameters)
                data: bytes = result.scalar_one()
        return data

    return fetch


class CompiledReads:
    def __init__(
        self, app: ASGIApp, planner: Planner, settings: Settings, fetch: Fetch, access: OpenSession
    ) -> None:
        self.app = app
        self.planner = planner
        self.settings = settings
        self.fetch = fetch
        self.access = access  # where the caller's session is checked (resolvers/access.py)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        if not await self._answered(scope, send):
            await self.app(scope, receive, send)

    async def _answered(self, scope: Scope, send: Send) -> bool:
        """Whether the compiled path answered; if not, the reason is counted (and a fault
        logged) and strawberry answers."""
        started = time.perf_counter()
        try:
            planned = await self._planned(scope)
        except Exception as error:  # a fault of this path: strawberry still answers the request
            if outage.is_outage(error):  # checking the caller's session: the client retries
                await _respond_unavailable(scope, send, error)
                return True
            READ_FALLBACKS.labels(reason="failed").inc()
            log.warning("compiled_read_failed", exc_info=True, stage="planning")
            return False
        if planned is None:
            READ_FALLBACKS.labels(reason="unplanned").inc()
            return False
        request, user_id = planned

        def logged(*codes: str) -> bool:
            log_operation(
                self.settings,
                name=request.operation_name,
                kind="query",
                started=started,
                codes=list(codes),
                user_id=user_id,
                compiled=True,
            )
            return True

        try:
            # The database stops the statement at the budget (statement_timeout); this only
            # ends a wait the database does not (a connection, a network that went silent).
            async with asyncio.timeout(self.settings.request_timeout_seconds + GRACE_SECONDS):
                data = await self.fetch(scope, request)
        except Exception as error:  # the reference path answers, and reports what it finds
            if outage.is_outage(error):  # it would fail the same way: the client retries
                await _respond_unavailable(scope, send, error)
                return logged(outage.CODE)
            if isinstance(error, TimeoutError) or is_statement_timeout(error):
                await _respond_timeout(send, request)  # it would run out of time again
                return logged(TIMEOUT)
            if FALLBACK_MARK in str(error):  # failed on purpose: strawberry refuses it
                READ_FALLBACKS.labels(reason="refused").inc()
            else:
                READ_FALLBACKS.labels(reason="failed").inc()
                log.warning("compiled_read_failed", exc_info=True, operation=request.operation_name)
            return False
        await _respond(send, b'{"data":' + data + b"}")
        return logged()

    async def _planned(self, scope: Scope) -> tuple[Request, int] | None:
        """The planned request and its caller's user id, or None: strawberry answers."""
        # GraphQLHttp, in front of this layer, parsed the body once (None: not a JSON object).
        payload = scope.get("state", {}).get(PARSED_REQUEST)
        if not isinstance(payload, dict):
            return None
        query, name = payload.get("query"), payload.get("operationName")
        variables = payload.get("variables") or {}
        if not isinstance(query, str) or not isinstance(name, str | None):
            return None
        if not isinstance(variables, dict):
            return None
        # The first one, as strawberry's view reads it (Starlette's Headers.get).
        authorization = next(
            (value for name, value in scope.get("headers") or [] if name == b"authorization"),
            None,
        )
        if authorization is None:
            return None
        try:
            token = bearer_token(authorization.decode("latin-1"))
            claims = verify_token(self.settings, token) if token is not None else None
        except AuthenticationError:
            return None
        if token is None or claims is None:
            return None
        # Planned first with the token's hints: a document that does not plan (an invalid
        # one, say) costs no access check. The database's actor decides; when it differs from
        # the hints (rights changed since the token was minted), the plan is made again.
        hinted = Actor(claims.user_id, claims.roles, claims.legal_entities)
        request = self.planner.plan(query, name, variables, hinted)
        if request is None:
            return None
        try:
            actor = await authenticate(self.settings, token, claims, self.access)
        except AuthenticationError:
            return None  # the reference path answers UNAUTHENTICATED
        if actor != hinted:
            request = self.planner.plan(query, name, variables, actor)
        return (request, actor.user_id) if request is not None else None


async def _respond_timeout(send: Send, request: Request) -> None:
    log.warning("statement_timeout", path="compiled", operation=request.operation_name)
    ERRORS.labels(code=TIMEOUT).inc()
    body = {"data": None, "errors": [{"message": TIMED_OUT, "extensions": {"code": TIMEOUT}}]}
    await _respond(send, json.dumps(body).encode())


async def _respond_unavailable(scope: Scope, send: Send, error: Exception) -> None:
    """The database is out of reach: the typed, retryable error the reference path gives."""
    log.warning("database_unavailable", error=repr(error), path="compiled")
    ERRORS.labels(code=outage.CODE).inc()
    extensions = {"code": outage.CODE, "retryable": True}
    body = {"data": None, "errors": [{"message": outage.MESSAGE, "extensions": extensions}]}
    accept = dict(scope.get("headers") or []).get(b"accept", b"").decode("latin-1")
    status = outage.http_status(accept)
    retry = [(b"retry-after", str(outage.RETRY_AFTER_SECONDS).encode())] if status == 503 else []
    await _respond(send, json.dumps(body).encode(), status=status, headers=retry)


async def _respond(
    send: Send, body: bytes, status: int = 200, headers: list[tuple[bytes, bytes]] | None = None
) -> None:
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"x-read-path", b"compiled"),
        *(headers or []),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
