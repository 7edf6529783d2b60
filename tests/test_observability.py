"""What an operator reads: one log line per operation on either read path, X-Request-Id on
every response, each unexpected error logged once, JSON logs in production (uvicorn's and
tracebacks too), bounded /metrics labels, OpenTelemetry spans, SQL statements per request,
and the garbage collector of a server process (tuned once, its pauses timed)."""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, MutableMapping
from typing import Any

import httpx
import pytest
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from starlette.testclient import TestClient
from starlette.types import Receive, Scope, Send
from structlog.contextvars import merge_contextvars
from structlog.testing import capture_logs

import resolvers.master_data
from app import create_app
from config import PROJECT_ROOT, Settings
from db.models.master_data import AppUser
from db.session import make_engine, make_session_factory
from observability import GC_THRESHOLDS
from request_ids import RequestIds
from resolvers.sessions import sign_in
from tests.conftest import _session_on
from tests.support.client import GraphQLClient
from tests.support.counter import WireLog
from tests.support.read_paths import reference
from tests.support.world import World
from tests.test_app import metric

__all__ = ["reference"]  # a fixture
PLANNED = "query Entities { legalEntities { nodes { code } } }"
NEW_ID = re.compile(r"[0-9a-f]{32}")


@pytest.fixture
async def app_engine(database_url: str, settings: Settings) -> AsyncIterator[AsyncEngine]:
    engine = make_engine(settings, database_url)
    yield engine
    await engine.dispose()


@pytest.fixture
async def token(engine: AsyncEngine, settings: Settings) -> AsyncIterator[str]:
    """An access token of a committed user's session (on another engine than the app's)."""
    sessions = make_session_factory(engine)
    async with sessions.begin() as session:
        user = AppUser(email="observed@example.com", name="Observed", roles=["admin"])
        session.add(user)
        await session.flush()
        issued = await sign_in(session, settings, user.id)
    yield issued.access_token
    async with sessions.begin() as session:
        await session.execute(delete(AppUser).where(AppUser.id == user.id))


async def test_every_statement_the_app_executes_is_counted(
    app_engine: AsyncEngine, settings: Settings, token: str
) -> None:
    query = {"query": "{ currencies { code } legalEntities(first: 5) { nodes { code } } }"}
    auth = {"Authorization": f"Bearer {token}"}
    wire = WireLog(app_engine)
    with wire.installed():
        async with GraphQLClient.for_app(create_app(settings, engine=app_engine)) as client:
            before = await metric(client, "projops_sql_statements_total")
            response = await client.http.get("/graphql", params=query, headers=auth)
            assert not response.json().get("errors")
            # A second app on the same engine must not count its statements twice.
            create_app(settings, engine=app_engine)
            await client.http.get("/graphql", params=query, headers=auth)
            after = await metric(client, "projops_sql_statements_total")
    # Two statements a request, and the token's session checked once (resolvers/access.py).
    assert len(wire.data) == 5
    assert after - before == len(wire.data)


def test_tune_gc_freezes_start_up_and_times_every_pause() -> None:
    """In a process of its own: freezing is for good, and the thresholds are process-wide."""
    probe = """
import gc, json
from prometheus_client import REGISTRY
import observability
observability.tune_gc()
tracked_after_freeze = len(gc.get_objects())
gc.collect()
pauses = REGISTRY.get_sample_value("projops_gc_pause_seconds_count", {"generation": "2"})
print(json.dumps([gc.get_threshold(), gc.get_freeze_count(), tracked_after_freeze, pauses]))
"""
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    threshold, frozen, tracked, pauses = json.loads(result.stdout)
    assert tuple(threshold) == GC_THRESHOLDS
    # The imports' objects are out of the collector's sight; next to nothing is left in it.
    assert frozen > 20_000
    assert tracked < 100
    assert pauses == 1.0


def _operations(entries: list[MutableMapping[str, Any]]) -> list[tuple[object, ...]]:
    keys = ("request_id", "operation", "operation_type", "error_codes", "user_id", "compiled")
    lines = [entry for entry in entries if entry["event"] == "graphql_operation"]
    assert all(isinstance(line["duration_ms"], float) for line in lines)
    return [tuple(line[key] for key in keys) for line in lines]


async def test_each_operation_is_one_log_line_on_either_read_path(
    client: GraphQLClient, reference: GraphQLClient, world: World
) -> None:
    auth = {"Authorization": f"Bearer {world.tokens['manager']}"}
    user_id = world.users["manager"].id
    refused = {"query": "{ legalEntities(first: 0) { nodes { code } } }"}
    with capture_logs(processors=[merge_contextvars]) as entries:
        compiled = await client.http.post(
            "/graphql", json={"query": PLANNED}, headers={**auth, "X-Request-Id": "op-1"}
        )
        referenced = await reference.http.post(
            "/graphql", json={"query": PLANNED}, headers={**auth, "X-Request-Id": "op-2"}
        )
        await client.http.post("/graphql", json=refused, headers={**auth, "X-Request-Id": "op-3"})
        await client.http.post(
            "/graphql", json={"query": PLANNED}, headers={"X-Request-Id": "op-4"}
        )
    assert compiled.headers["x-read-path"] == "compiled"
    assert "x-read-path" not in referenced.headers
    assert _operations(entries) == [
        ("op-1", "Entities", "query", [], user_id, True),
        ("op-2", "Entities", "query", [], user_id, False),
        ("op-3", "anonymous", "query", ["BAD_USER_INPUT"], user_id, False),
        ("op-4", "Entities", "query", ["UNAUTHENTICATED"], None, False),
    ]


async def test_x_request_id_is_echoed_on_every_response(
    client: GraphQLClient, world: World
) -> None:
    sent = {"X-Request-Id": "client-id.42"}
    auth = {**sent, "Authorization": f"Bearer {world.tokens['admin']}"}
    bad_json = {**sent, "Content-Type": "application/json"}
    unknown = {"query": "query A { __typename }", "operationName": "B"}
    responses = {
        "compiled": await client.http.post("/graphql", json={"query": PLANNED}, headers=auth),
        "strawberry": await client.http.post("/graphql", json={"query": PLANNED}, headers=sent),
        "405": await client.http.put("/graphql", headers=sent),
        "415": await client.http.post("/graphql", content="{}", headers=sent),
        "400 not JSON": await client.http.post("/graphql", content="{no", headers=bad_json),
        "400 unknown operation": await client.http.post("/graphql", json=unknown, headers=auth),
        "healthz": await client.http.get("/healthz", headers=sent),
        "metrics": await client.http.get("/metrics", headers=sent),
    }
    assert responses["compiled"].headers["x-read-path"] == "compiled"
    for what, response in responses.items():
        assert response.headers.get_list("x-request-id") == ["client-id.42"], what
    # An id unfit for a log line or a header is replaced, as is a missing one.
    for headers in ({"X-Request-Id": "x" * 129}, {"X-Request-Id": "a b"}, {}):
        response = await client.http.get("/healthz", headers=headers)
        assert NEW_ID.fullmatch(response.headers["x-request-id"])


async def test_an_unexpected_error_is_logged_once_with_traceback_and_request_id(
    reference: GraphQLClient,
    world: World,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def explode(context: object) -> list[object]:
        raise RuntimeError("a fault in a resolver")

    monkeypatch.setattr(resolvers.master_data, "currencies", explode)
    headers = {"Authorization": f"Bearer {world.tokens['admin']}", "X-Request-Id": "fault-1"}
    with caplog.at_level(logging.DEBUG), capture_logs(processors=[merge_contextvars]) as entries:
        response = await reference.http.post(
            "/graphql", json={"query": "{ currencies { code } }"}, headers=headers
        )
    error_id = response.json()["errors"][0]["extensions"]["errorId"]
    (fault,) = [entry for entry in entries if entry["log_level"] in ("error", "critical")]
    assert (fault["event"], fault["error_id"], fault["request_id"]) == (
        "unexpected_error",
        error_id,
        "fault-1",
    )
    assert isinstance(fault["exc_info"], RuntimeError)  # rendered as its traceback
    # strawberry's own logger (strawberry.execution) no longer logs it a second time.
    assert [record for record in caplog.records if record.levelno >= logging.ERROR] == []
    (line,) = _operations(entries)
    assert line[3] == ["INTERNAL_SERVER_ERROR"]


async def test_operation_labels_are_bounded(
    connection: AsyncConnection, engine: AsyncEngine, settings: Settings, world: World
) -> None:
    """A name any client chooses is counted as `other`: each label value is a time series
    for the process's life. Listed names (METRICS_OPERATIONS) and persisted queries' keep
    theirs (tests/test_app.py), on either read path."""
    chosen, listed = f"Chosen{uuid.uuid4().hex}", f"Listed{uuid.uuid4().hex}"
    configured = settings.model_copy(update={"metrics_operations": f"{listed}, Another"})
    app = create_app(configured, engine=engine, sessions=lambda: _session_on(connection))
    token = world.tokens["admin"]
    other = {"operation": "other", "operation_type": "query"}
    async with GraphQLClient.for_app(app) as client:
        before = await metric(client, "graphql_requests_total", **other)
        for name in (chosen, listed):
            await client.data(
                f"query {name} {{ legalEntities {{ nodes {{ code }} }} }}", token=token
            )
            await client.execute(f"query {name} {{ legalEntities(first: 0) {{ totalCount }} }}")
        scraped = (await client.http.get("/metrics")).text
        assert await metric(client, "graphql_requests_total", **other) == before + 2
        kept = {"operation": listed, "operation_type": "query"}
        assert await metric(client, "graphql_requests_total", **kept) == 2
    assert chosen not in scraped


def _run(code: str, **env: str) -> tuple[str, str]:
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT_ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return result.stdout, result.stderr


def test_production_logs_every_line_as_json(database_url: str) -> None:
    """As `cli.py run` starts uvicorn (its log_config) in an API process: uvicorn's error and
    access loggers, another library's, and structlog's own lines, tracebacks included."""
    probe = """
import logging, uvicorn, cli, structlog
from config import Settings
from observability import configure_logging, log
settings = Settings(env="production", jwt_secret="p" * 40)
# Access lines are off in production (the API logs each operation): on here, to see them.
uvicorn.Config(**{**cli.uvicorn_options(settings), "access_log": True}).configure_logging()
configure_logging(settings.is_development)
structlog.contextvars.bind_contextvars(request_id="r-1")
logging.getLogger("uvicorn.error").info("Started server process [%d]", 1)
access = ("1.2.3.4:5", "GET", "/healthz", "1.1", 200)
logging.getLogger("uvicorn.access").info('%s - "%s %s HTTP/%s" %d', *access)
logging.getLogger("procrastinate.worker").warning("a library's line")
try:
    1 / 0
except ZeroDivisionError:
    logging.getLogger("uvicorn.error").exception("Exception in ASGI application")
    log.error("unexpected_error", exc_info=True)
"""
    _, printed = _run(probe, DATABASE_URL=database_url)
    lines = [json.loads(line) for line in printed.splitlines() if line.strip()]
    assert [line["event"] for line in lines] == [
        "Started server process [1]",
        "http_request",
        "a library's line",
        "Exception in ASGI application",
        "unexpected_error",
    ]
    access = lines[1]
    assert (access["method"], access["path"], access["status"]) == ("GET", "/healthz", 200)
    assert all(line["request_id"] == "r-1" and line["timestamp"] for line in lines)
    for fault in lines[3:]:
        (exception,) = fault["exception"]  # structured: type, value and frames
        assert exception["exc_type"] == "ZeroDivisionError" and exception["frames"]


def test_otlp_endpoint_adds_spans_for_every_operation(database_url: str) -> None:
    """With OTEL_EXPORTER_OTLP_ENDPOINT set (no collector needed: the spans go to an
    in-memory exporter), each operation is a span, strawberry's (its extension) and the
    compiled path's (observability.log_operation); without it, no extension and no span."""
    probe = """
import json
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from starlette.testclient import TestClient
from config import get_settings
from tracing import configure_tracing
exporter = InMemorySpanExporter()
configure_tracing(get_settings(), SimpleSpanProcessor(exporter))
from app import create_app
from schema import schema
import time
from observability import log_operation
names = [type(extension()).__name__ for extension in schema.extensions]
client = TestClient(create_app(get_settings().model_copy(update={"run_worker": False})))
client.post("/graphql", json={"query": "query Probe { __typename }"})
client.post("/graphql", json={"query": "{ legalEntities { nodes { code } } }"})
# What the compiled read path calls once it answered (it needs a user's session to answer).
log_operation(get_settings(), name="Compiled", kind="query", started=time.perf_counter(),
              codes=[], user_id=1, compiled=True)
spans = [s.name for s in exporter.get_finished_spans() if s.name.startswith("GraphQL Query")]
print(json.dumps({"spans": spans, "traced": "OpenTelemetryExtension" in names}))
"""
    env = {"DATABASE_URL": database_url, "ENV": "test"}
    traced, _ = _run(probe, OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:9", **env)
    assert json.loads(traced.splitlines()[-1]) == {
        "spans": ["GraphQL Query: Probe", "GraphQL Query", "GraphQL Query: Compiled"],
        "traced": True,
    }
    untraced, _ = _run(probe, OTEL_EXPORTER_OTLP_ENDPOINT="", **env)
    assert json.loads(untraced.splitlines()[-1]) == {"spans": [], "traced": False}


def test_a_websocket_handshake_echoes_x_request_id(database_url: str, settings: Settings) -> None:
    api = create_app(settings.model_copy(update={"database_url": database_url}))
    protocols = ["graphql-transport-ws"]
    with (
        TestClient(api) as client,
        client.websocket_connect(
            "/graphql", subprotocols=protocols, headers={"X-Request-Id": "ws-1"}
        ) as socket,
    ):
        assert (b"x-request-id", b"ws-1") in (socket.extra_headers or [])


async def test_a_fault_past_every_layer_is_logged_once_and_answered_as_json(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def failing(scope: Scope, receive: Receive, send: Send) -> None:
        raise RuntimeError("escaped every layer")

    transport = httpx.ASGITransport(app=RequestIds(failing))
    with caplog.at_level(logging.DEBUG), capture_logs(processors=[merge_contextvars]) as entries:
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            response = await http.get("/anything", headers={"X-Request-Id": "escaped-1"})
    assert (response.status_code, response.headers["x-request-id"]) == (500, "escaped-1")
    (error,) = response.json()["errors"]
    assert error["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    (fault,) = [entry for entry in entries if entry["log_level"] == "error"]
    assert (fault["event"], fault["error_id"], fault["request_id"]) == (
        "unexpected_error",
        error["extensions"]["errorId"],
        "escaped-1",
    )
    assert fault["exc_info"] is True  # the exception being handled: its traceback
    assert [record for record in caplog.records if record.levelno >= logging.ERROR] == []
