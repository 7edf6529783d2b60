"""How log lines are rendered: for a person in development, one JSON object a line anywhere
else, tracebacks included (as structured frames, not a text block).

structlog renders its own lines (observability.configure_logging); the standard library's
records (uvicorn's access and error loggers, procrastinate's, strawberry's) go through
structlog's ProcessorFormatter with the same processors, once stdlib_config is applied: `cli.py
run` hands it to uvicorn as its log_config, `cli.py worker` applies it itself.
"""

from __future__ import annotations

import logging
from typing import Any

import structlog
from structlog.typing import EventDict, Processor

# uvicorn's access record: `%s - "%s %s HTTP/%s" %d` with these arguments.
ACCESS_FIELDS = ("client", "method", "path", "http_version", "status")


def rendering(development: bool) -> list[Processor]:
    """The last processors of every line: its exception, then the line itself."""
    if development:
        return [structlog.processors.format_exc_info, structlog.dev.ConsoleRenderer()]
    return [structlog.processors.dict_tracebacks, structlog.processors.JSONRenderer()]


def _access_fields(logger: Any, method: str, event: EventDict) -> EventDict:
    """uvicorn's access line as fields of its own, rather than one string to parse."""
    args = event.pop("positional_args", None)  # the record's, kept by pass_foreign_args
    record = event.get("_record")
    access = isinstance(record, logging.LogRecord) and record.name == "uvicorn.access"
    if access and isinstance(args, tuple) and len(args) == len(ACCESS_FIELDS):
        event.update(zip(ACCESS_FIELDS, args, strict=True), event="http_request")
    return event


def stdlib_config(development: bool) -> dict[str, Any]:
    """A logging.config.dictConfig configuration: every standard library record through
    structlog's formatter, uvicorn's loggers as uvicorn's own configuration sets them up."""
    pre_chain: list[Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        _access_fields,
    ]
    formatter = {
        "()": structlog.stdlib.ProcessorFormatter,
        "processors": [
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            *rendering(development),
        ],
        "foreign_pre_chain": pre_chain,
        "pass_foreign_args": True,
    }
    handler = {
        "class": "logging.StreamHandler",
        "formatter": "structured",
        "stream": "ext://sys.stderr",
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"structured": formatter},
        "handlers": {"stderr": handler},
        "loggers": {
            "uvicorn": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
            "uvicorn.error": {"level": "INFO"},
            "uvicorn.access": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
        },
        # As before any configuration (Python's last-resort handler): other libraries'
        # warnings and errors, not their INFO lines (procrastinate's two per job, say).
        "root": {"handlers": ["stderr"], "level": "WARNING"},
    }
