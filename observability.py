"""Structured logs (structlog, JSON outside development), Prometheus metrics, and the
garbage collector's settings for a server process."""

from __future__ import annotations

import gc
import logging
import re
import sys
import time
import uuid
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import structlog
from prometheus_client import Counter, Gauge, Histogram
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

import logs

if TYPE_CHECKING:
    from config import Settings

REQUESTS = Counter(
    "graphql_requests_total", "GraphQL operations executed", ["operation", "operation_type"]
)
LATENCY = Histogram(
    "graphql_request_duration_seconds", "GraphQL operation latency", ["operation", "operation_type"]
)
ERRORS = Counter("graphql_errors_total", "Errors returned to clients", ["code"])
DB_POOL_CHECKED_OUT = Gauge("db_pool_checked_out", "Database connections in use")
DB_POOL_SIZE = Gauge("db_pool_size", "Database connection pool size")
JOB_RUNS = Counter("job_runs_total", "Job runs finished", ["task", "status"])
# Exported for every read path: strawberry's statements are counted by count_statements,
# a path that executes on its own connections increments it itself.
SQL_STATEMENTS = Counter(
    "projops_sql_statements",
    "SQL statements the API executed (transaction control that the driver sends is not one)",
)
READ_FALLBACKS = Counter(
    "projops_read_fallbacks",
    "POSTs strawberry answered instead of the compiled read path: unplanned (not a planned"
    " query, or no valid token), refused (its statement failed on purpose, for strawberry's"
    " error), failed (its statement failed unexpectedly: logged as compiled_read_failed)",
    ["reason"],
)
GC_PAUSE = Histogram(
    "projops_gc_pause_seconds",
    "Pauses of Python's cyclic garbage collector",
    ["generation"],
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0),
)


def _count_statement(*args: Any) -> None:
    SQL_STATEMENTS.inc()


def count_statements(engine: AsyncEngine) -> None:
    """Count every statement the engine executes. Listening twice with the same function is
    one listener, so an engine handed to several apps (the tests') is counted once."""
    event.listen(engine.sync_engine, "before_cursor_execute", _count_statement)


def configure_logging(development: bool) -> None:
    """structlog's own lines; the standard library's (uvicorn, procrastinate) are rendered
    the same way where logs.stdlib_config is applied (`cli.py run` and `worker`).

    Configured again (another app in the process), the processors change in their list: a
    logger cached on first use keeps that list, and renders as configured now."""
    processors: list[structlog.typing.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        *logs.rendering(development),
    ]
    if structlog.is_configured():
        configured: list[Any] = structlog.get_config()["processors"]
        configured[:] = processors
        return
    structlog.configure(
        processors=processors,
        wrapper_class=structlog.make_filtering_bound_logger(logging.INFO),
        logger_factory=structlog.PrintLoggerFactory(sys.stderr),
        cache_logger_on_first_use=True,
    )


log = structlog.get_logger("projops")

# Operation names of persisted queries (persisted_queries.py), kept as /metrics labels; past
# this many, further names are `other` like any other name a client chooses.
MAX_LEARNED_OPERATIONS = 500
ANONYMOUS = "anonymous"  # the name of an operation without one, in logs and labels
_learned_operations: set[str] = set()


def learn_operations(names: Iterable[str]) -> None:
    for name in names:
        if len(_learned_operations) >= MAX_LEARNED_OPERATIONS:
            return
        _learned_operations.add(name)


@lru_cache(maxsize=8)
def _fixed_operations(listed: str) -> frozenset[str]:
    return frozenset(name.strip() for name in listed.split(",") if name.strip())


def operation_label(name: str | None, listed: str = "") -> str:
    """The /metrics label of an operation: its name when it is one of a bounded set (a
    persisted query's, or METRICS_OPERATIONS), else `other`; any client chose the others,
    and each label value is a time series kept for as long as the process lives."""
    if name is None or name == ANONYMOUS:
        return ANONYMOUS
    if name in _learned_operations or name in _fixed_operations(listed):
        return name
    return "other"


def log_operation(
    settings: Settings,
    *,
    name: str | None,
    kind: str,
    started: float,
    codes: list[str],
    user_id: int | None,
    compiled: bool,
) -> None:
    """One line and the metrics of an operation, whichever read path answered it (its
    request id comes from the request's context variables)."""
    seconds = time.perf_counter() - started
    label = operation_label(name, settings.metrics_operations)
    REQUESTS.labels(operation=label, operation_type=kind).inc()
    LATENCY.labels(operation=label, operation_type=kind).observe(seconds)
    log.info(
        "graphql_operation",
        operation=name if name is not None else ANONYMOUS,
        operation_type=kind,
        duration_ms=round(seconds * 1000, 3),
        error_codes=codes,
        user_id=user_id,
        compiled=compiled,
    )
    if compiled and settings.otel_exporter_otlp_endpoint:
        from tracing import compiled_span  # strawberry's extension traces the others

        compiled_span(name, seconds, {"graphql.operation.type": kind, "projops.compiled": True})


# A client's X-Request-Id is kept when it is this safe in a log line and a header (a UUID,
# a ULID, a trace id); anything else (not ASCII, control characters, 10 KB) is replaced.
SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:/+=-]{1,128}")


def request_id_from(headers: Iterable[tuple[bytes, bytes]]) -> str:
    """The request's id: the client's X-Request-Id when it is safe, else a new one."""
    sent = next((value for name, value in headers if name == b"x-request-id"), b"")
    text = sent.decode("latin-1")  # any bytes decode; the pattern then keeps ASCII only
    return text if SAFE_REQUEST_ID.fullmatch(text) else uuid.uuid4().hex


# The collector's thresholds in a server process, from measurement: one process on the 2-core
# development machine, 800 POSTs of a 50-report list with lines (strawberry's path), 16 at a
# time. A collection costs about 1 us per object it walks there.
#   defaults (700, 10, 10): 74 s, GC 47 s of 75 s CPU (63%); 193 full collections of 219 ms
#     (max 306 ms), walking the ~171,000 objects of start-up every time; RSS 162 MB
#   gc.freeze() alone: 59 s, GC 27 s of 57 s (48%); 194 full ones of 118 ms (max 222); 163 MB
#   freeze + (50_000, 10, 10): 35 s, GC 8 s of 36 s (21%); young collections 28 ms (max 72),
#     16 middle ones of 130 ms (max 177), 1 full one of 588 ms; RSS 221 MB
#   freeze + (100_000, 10, 10): as fast, with young pauses of 98 ms and middle ones of 546 ms
#   freeze + (50_000, 10, 100): no full collection in 1,500 requests, and RSS climbing past
#     364 MB: each request leaves ~1,900 objects in reference cycles (the context and its
#     DataLoaders, graphql-core's execution context) that only a full collection frees.
GC_THRESHOLDS = (50_000, 10, 10)
_gc_started = 0.0


def _time_gc(phase: str, info: dict[str, int]) -> None:
    global _gc_started
    if phase == "start":
        _gc_started = time.perf_counter()
    else:
        GC_PAUSE.labels(generation=str(info["generation"])).observe(
            time.perf_counter() - _gc_started
        )


def tune_gc() -> None:
    """Set a server process's garbage collector up, once start-up is over (imports done, app
    built). gc.freeze() moves every object alive now (the ~170,000 of the imports, the schema,
    the models) out of the collector's sight: a full collection no longer walks them, and
    they live as long as the process anyway. Then fewer, larger young collections: a request
    makes some 20,000 objects the collector tracks, most of them dead when it ends; at 700 a
    young collection came every few dozen of them and found them still alive, promoting them
    to be walked again by the older generations' collections. Those keep their thresholds, so
    a full collection still comes regularly and frees the requests' reference cycles."""
    gc.collect()  # what the start-up left behind goes now, not into the frozen generation
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
    if _time_gc not in gc.callbacks:
        gc.callbacks.append(_time_gc)
