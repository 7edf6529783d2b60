"""Structured logs (structlog, JSON outside development) and Prometheus metrics."""

from __future__ import annotations

import logging
import sys

import structlog
from prometheus_client import Counter, Gauge, Histogram

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


def configure_logging(development: bool) -> None:
    renderer: structlog.typing.Processor = (
        structlog.dev.ConsoleRenderer() if development else structlog.processors.JSONRenderer()
    )
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.INFO),
        logger_factory=structlog.PrintLoggerFactory(sys.stderr),
        cache_logger_on_first_use=True,
    )


log = structlog.get_logger("projops")
