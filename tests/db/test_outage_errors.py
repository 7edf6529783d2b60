"""Which exceptions mean the database is out of reach (db/outage.py): those are answered as
SERVICE_UNAVAILABLE and retried; any other failure stays a fault."""

from __future__ import annotations

import asyncpg
import psycopg
import pytest
import sqlalchemy.exc
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from db.outage import http_status, is_outage

UNREACHABLE = "postgresql://postgres@127.0.0.1:1/nowhere"  # nothing listens on port 1


async def test_refused_connections_of_every_driver_are_outages() -> None:
    with pytest.raises(OSError) as refused:
        await asyncpg.connect(UNREACHABLE)
    assert is_outage(refused.value)
    with pytest.raises(psycopg.OperationalError) as failed:
        await psycopg.AsyncConnection.connect(UNREACHABLE, connect_timeout=2)
    assert is_outage(failed.value)
    engine = create_async_engine(UNREACHABLE.replace("postgresql://", "postgresql+asyncpg://"))
    try:
        with pytest.raises(Exception) as wrapped:
            async with engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        assert is_outage(wrapped.value)
    finally:
        await engine.dispose()


def test_server_going_away_is_an_outage_and_a_cancelled_statement_is_not() -> None:
    assert is_outage(asyncpg.exceptions.AdminShutdownError("terminating connection"))
    assert is_outage(asyncpg.exceptions.CannotConnectNowError("the database is starting up"))
    assert is_outage(asyncpg.exceptions.TooManyConnectionsError("too many clients"))
    assert is_outage(sqlalchemy.exc.TimeoutError("QueuePool limit of size 10 reached"))
    assert not is_outage(asyncpg.exceptions.QueryCanceledError("statement timeout"))
    assert not is_outage(asyncpg.exceptions.UniqueViolationError("duplicate key"))


def test_faults_of_the_code_are_not_outages() -> None:
    with pytest.raises(FileNotFoundError) as missing:
        open("/nonexistent/projops")  # noqa: SIM115
    assert not is_outage(missing.value)
    assert not is_outage(ValueError("bad"))
    try:
        raise KeyError("x") from ConnectionRefusedError("not from a driver")
    except KeyError as error:
        assert not is_outage(error)


def test_503_only_where_graphql_over_http_allows_it() -> None:
    assert http_status("application/graphql-response+json, application/json") == 503
    assert http_status("application/json") == 200
    assert http_status("") == 200
