"""The ASGI application: /graphql (HTTP and graphql-transport-ws), health, readiness, metrics."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import structlog
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http import GraphQLHTTPResponse
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types import ExecutionResult
from strawberry.types.unset import UnsetType

from compiler.asgi import CompiledReads, pool_fetch, session_fetch
from compiler.plan import Planner
from compiler.pool import ReadPool
from config import Settings, get_settings
from cors import Cors, allows
from db import outage
from db.events import EventListener
from db.session import make_autocommit_session_factory, make_engine, make_session_factory
from db.statement_budget import limit_statements
from db.urls import engine_url
from graphiql import page as graphiql
from http_protocol import GraphQLHttp
from jobs.app import open_jobs
from jobs.supervision import WorkerSupervisor
from jobs.worker import in_process_worker
from observability import (
    DB_POOL_CHECKED_OUT,
    DB_POOL_SIZE,
    configure_logging,
    count_statements,
    log,
    request_id_from,
)
from readiness import readyz
from request_checks import routing_refusal
from request_ids import STATE_KEY, RequestIds
from resolvers.access import forget_change
from resolvers.context import ApiError, Context, close_session
from schema import schema
from strict_view import StrictGraphQL

SessionFactory = Callable[[], AsyncSession]
SUB_RESPONSE = "sub_response"  # strawberry's response of the request, in the scope's state


class GraphQLApp(StrictGraphQL):
    """Strawberry's ASGI view (strict: strict_view) with our context: a session, the caller
    and a request id."""

    def __init__(self, settings: Settings) -> None:
        super().__init__(
            schema,
            graphql_ide="graphiql" if settings.graphiql_enabled else None,
            subscription_protocols=[GRAPHQL_TRANSPORT_WS_PROTOCOL],
            keep_alive=True,
            keep_alive_interval=15,
        )
        self.settings = settings

    async def render_graphql_ide(self, request: Request) -> Response:
        """Our GraphiQL page (graphiql/): strawberry's loads its scripts from a CDN."""
        return graphiql.page(request)

    def is_websocket_origin_allowed(self, request: WebSocket, origin: str) -> bool:
        """A page of a CORS_ORIGINS origin may subscribe as it may POST; strawberry alone lets in
        only the API's own origin (and clients that send none) and refuses the rest with 403."""
        return allows(self.settings.cors_origins, origin)

    async def get_context(self, request: Request | WebSocket, response: Any) -> Context:
        session: AsyncSession = request.scope["state"]["session"]
        request_id: str = request.scope["state"]["request_id"]
        context = Context(
            settings=self.settings,
            session=session,
            reads=request.scope["state"].get("autocommit_session"),
            request_id=request_id,
            actor_or_none=None,
            events=getattr(request.app.state, "events", None),
        )
        if isinstance(request, Request):
            # process_result may set its status. A request's only: a WebSocket's response is
            # the WebSocket itself, and in its own scope it made a reference cycle that kept
            # each closed socket (its compressor too, ~100 KB) until a full collection.
            request.scope["state"][SUB_RESPONSE] = response
            # Verified now; what its session grants is asked when the operation executes.
            context.present(request.headers.get("authorization"))
        else:
            context.connection = request  # closed with 4403 when its access ends
        return context

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        """A database outage that left no data answers 503 where the protocol allows it."""
        processed = await super().process_result(request, result)
        codes = {(error.extensions or {}).get("code") for error in result.errors or []}
        status = outage.http_status(request.headers.get("accept", ""))
        if result.data is None and codes == {outage.CODE} and status == 503:
            response = request.scope["state"][SUB_RESPONSE]
            response.status_code = status
            response.headers["retry-after"] = str(outage.RETRY_AFTER_SECONDS)
        return processed

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        """graphql-transport-ws: a connection without a valid token is closed with 4403."""
        try:
            await context.authenticate_connection()  # connection_init's payload
        except ApiError as error:
            raise ConnectionRejectionError({"message": error.message}) from error
        return await super().on_ws_connect(context)


_CLOSING: set[asyncio.Future[None]] = set()


class SessionScope:
    """Opens one AsyncSession per HTTP request or WebSocket connection and always closes it;
    with `autocommit`, an HTTP request also gets a session a query operation reads through."""

    def __init__(
        self, app: ASGIApp, sessions: SessionFactory, autocommit: SessionFactory | None = None
    ) -> None:
        self.app = app
        self.sessions = sessions
        self.autocommit = autocommit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        # RequestIds, in front of every route, chose it; an app without it (a test's) here.
        request_id = scope.get("state", {}).get(STATE_KEY) or request_id_from(
            scope.get("headers") or []
        )
        structlog.contextvars.bind_contextvars(request_id=request_id)
        session = self.sessions()
        # Neither session connects before its first statement: the unused one costs nothing.
        reads = self.autocommit() if self.autocommit and scope["type"] == "http" else None
        state = scope.setdefault("state", {})
        state.update(session=session, autocommit_session=reads, request_id=request_id)
        try:
            await self.app(scope, receive, send)
        finally:
            # Shielded: a request cancelled now (a shutdown) still closes its sessions rather
            # than leaving a connection checked out mid-close. The loop holds tasks weakly.
            closing = asyncio.ensure_future(self._close(session, reads))
            _CLOSING.add(closing)
            closing.add_done_callback(_CLOSING.discard)
            try:
                await asyncio.shield(closing)
            finally:
                structlog.contextvars.clear_contextvars()

    @staticmethod
    async def _close(session: AsyncSession, reads: AsyncSession | None) -> None:
        # close_session waits for a statement still running on the session (a cancelled
        # resolver's) and never raises: an exception out of here reaches the ASGI server.
        await close_session(session)
        if reads is not None:
            await close_session(reads)


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def metrics(request: Request) -> Response:
    """This process's metrics, or with PROMETHEUS_MULTIPROC_DIR (set by `cli.py run` for its
    API processes) the sum over every process, whichever one answers the scrape."""
    pool = request.app.state.engine.pool
    DB_POOL_SIZE.set(pool.size())
    DB_POOL_CHECKED_OUT.set(pool.checkedout())
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
    registry = CollectorRegistry()
    MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)


def job_runner(settings: Settings, engine: AsyncEngine) -> AbstractAsyncContextManager[Any]:
    """Mutations defer jobs, so the job runner opens with the API (on the API's database);
    with `settings.run_worker` it also works the queues in this process."""
    url = engine.url.render_as_string(hide_password=False)
    if settings.run_worker:
        return in_process_worker(settings, url=url)
    return open_jobs(settings, url=url)


def create_app(
    settings: Settings | None = None,
    engine: AsyncEngine | None = None,
    sessions: SessionFactory | None = None,
    compiled_reads: bool | None = None,
) -> Starlette:
    """Build the app; tests hand in their own engine and session factory (and then the
    compiled reads run on the request's session, inside the test's transaction)."""
    settings = settings or get_settings()
    configure_logging(settings.is_development)
    engine = engine or make_engine(settings)
    count_statements(engine)
    limit_statements(engine, settings.request_timeout_seconds)  # a request's time budget
    session_factory = sessions or make_session_factory(engine)
    # Handed-in sessions (the tests') are where every statement must go: no autocommit reads.
    autocommit = None if sessions else make_autocommit_session_factory(engine)
    reads = ReadPool(engine, settings)
    view: ASGIApp = SessionScope(GraphQLApp(settings), session_factory, autocommit)
    if compiled_reads is None:
        compiled_reads = settings.compiled_reads
    if compiled_reads:
        # In front of the sessions: a planned read needs none of them, only its statement.
        fetch = session_fetch(sessions) if sessions is not None else pool_fetch(reads.pool)
        # The access check (a cache miss) reads where the request would: one round trip on
        # an autocommit connection, or in the tests' transaction.
        access = autocommit or session_factory
        view = CompiledReads(view, Planner(schema._schema, settings), settings, fetch, access)
    graphql = GraphQLHttp(view, settings)
    ide = settings.graphiql_enabled

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        listener = EventListener(engine_url(engine))
        listener.on_access_change(forget_change)  # a revocation ends cached access at once
        async with asyncio.timeout(30):
            await listener.start()
        app.state.events = listener
        try:
            async with reads, job_runner(settings, engine) as runner:
                # /readyz reports the worker this process runs (readiness.py).
                app.state.worker = runner if isinstance(runner, WorkerSupervisor) else None
                log.info("api_started")
                yield
        finally:
            await listener.stop()
            await engine.dispose()

    app = Starlette(
        routes=[
            Route("/graphql", graphql),  # any method: GraphQLHttp answers 405 with JSON
            WebSocketRoute("/graphql", graphql),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/metrics", metrics),
            # The GraphiQL page's scripts and styles (cached for good: their URLs are versioned).
            *([Route(graphiql.STATIC_URL + "/{name}", graphiql.asset)] if ide else []),
        ],
        # Outermost: a preflight is answered before any route (/graphql refuses OPTIONS).
        middleware=[
            Middleware(RequestIds),  # first: X-Request-Id on every response, preflights' too
            Middleware(Cors, origins=settings.cors_origins),
        ],
        lifespan=lifespan,
        # A path or method no route serves: JSON too (Starlette's are plain text).
        exception_handlers={HTTPException: routing_refusal},
    )
    app.state.engine = engine
    app.state.settings = settings
    return app
