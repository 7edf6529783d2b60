"""Whether an exception means the database cannot be reached (an outage), not a fault.

An outage is temporary and the same request succeeds once the database is back, so callers
report it as a typed, retryable error (`SERVICE_UNAVAILABLE`, HTTP 503 where the protocol
allows it) and the job worker and the event listener wait and reconnect, instead of masking
it as an internal error or stopping for good.

The drivers report an outage in many shapes: asyncpg raises the socket's own OSError when it
cannot connect and SQLSTATE classes 08/57P0x once connected; SQLAlchemy wraps a broken
connection in a DBAPIError it marks `connection_invalidated`, and a checkout that waited too
long in sqlalchemy.exc.TimeoutError; psycopg (procrastinate's driver) raises OperationalError
without a SQLSTATE when the connection fails, and psycopg_pool a PoolTimeout.
"""

from __future__ import annotations

from collections.abc import Iterator
from types import TracebackType

import asyncpg
import psycopg
import sqlalchemy.exc

CODE = "SERVICE_UNAVAILABLE"
MESSAGE = "The database is unavailable for a moment; retry the request."
# Seconds a client is asked to wait before retrying (the Retry-After header of a 503).
RETRY_AFTER_SECONDS = 2

# Connection exceptions, the server shutting down or starting up, too many connections.
# Not the rest of class 57 (57014 is a cancelled statement: a timeout, not an outage).
_OUTAGE_SQLSTATES = ("08", "57P01", "57P02", "57P03", "53300")
_DRIVERS = ("asyncpg", "psycopg", "psycopg_pool", "sqlalchemy")


def is_outage(error: BaseException) -> bool:
    """Whether `error`, or an exception it was raised from, says the database is out of reach."""
    return any(_is_outage_itself(link) for link in causes(error))


def causes(error: BaseException) -> Iterator[BaseException]:
    """`error` and the exceptions it was raised from (or wraps), nearest first."""
    seen: set[int] = set()
    waiting: list[BaseException] = [error]
    while waiting and len(seen) < 32:
        current = waiting.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        original = getattr(current, "orig", None)  # SQLAlchemy's wrapped DBAPI error
        if isinstance(original, BaseException):
            waiting.append(original)
        if current.__cause__ is not None:
            waiting.append(current.__cause__)
        elif current.__context__ is not None and not current.__suppress_context__:
            waiting.append(current.__context__)


def _is_outage_itself(error: BaseException) -> bool:
    if isinstance(error, sqlalchemy.exc.TimeoutError):  # no pooled connection came free
        return True
    if isinstance(error, sqlalchemy.exc.DBAPIError) and error.connection_invalidated:
        return True
    if isinstance(error, asyncpg.PostgresError | psycopg.Error):
        state = getattr(error, "sqlstate", None)
        if state is None:  # psycopg: a client-side failure of the connection itself
            return isinstance(error, psycopg.OperationalError)
        return str(state).startswith(_OUTAGE_SQLSTATES)
    if isinstance(error, asyncpg.InterfaceError):
        return "closed" in str(error) or "closing" in str(error)
    if isinstance(error, OSError):  # refused, reset, timed out, no such socket, no such host
        return _raised_by_driver(error.__traceback__)
    return False


def _raised_by_driver(trace: TracebackType | None) -> bool:
    """An OSError of the database drivers' sockets, not of some file the code opened."""
    while trace is not None:
        module = str(trace.tb_frame.f_globals.get("__name__", ""))
        if module.split(".", 1)[0] in _DRIVERS:
            return True
        trace = trace.tb_next
    return False


GRAPHQL_RESPONSE = "application/graphql-response+json"


def http_status(accept: str) -> int:
    """The status of an answer without data that reports an outage. GraphQL over HTTP lets an
    `application/graphql-response+json` answer without data carry a 5xx; an
    `application/json` one stays 200 (the spec's SHOULD for well-formed requests)."""
    return 503 if GRAPHQL_RESPONSE in accept else 200
