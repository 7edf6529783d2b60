"""Counts the SQL statements the application sends: its own statements (savepoint bookkeeping
excluded), or everything on the wire."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.session_access import ACCESS_CHECK_MARK

_BOOKKEEPING = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT", "BEGIN", "COMMIT")


class StatementCounter:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.statements: list[str] = []

    def _record(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        # The check of the caller's session runs on a token's first request, then once per
        # AUTH_CACHE_SECONDS: not a cost of what the request asks for.
        if ACCESS_CHECK_MARK in statement:
            return
        if not statement.lstrip().upper().startswith(_BOOKKEEPING):
            self.statements.append(statement)

    @contextmanager
    def installed(self) -> Iterator[StatementCounter]:
        event.listen(self.engine.sync_engine, "before_cursor_execute", self._record)
        try:
            yield self
        finally:
            event.remove(self.engine.sync_engine, "before_cursor_execute", self._record)

    def reset(self) -> None:
        self.statements.clear()

    @property
    def count(self) -> int:
        return len(self.statements)


class WireLog:
    """What the connections of an engine send to PostgreSQL: the statements SQLAlchemy
    executes, and the commands asyncpg sends on its own (BEGIN, COMMIT, ROLLBACK, the
    pre-ping's ';'), which never pass SQLAlchemy's cursor events. SQLAlchemy's "begin" and
    "rollback" events are no measure: they fire on AUTOCOMMIT connections too, where the
    driver sends nothing. Install it on an engine before its first connection."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.data: list[str] = []
        self.control: list[str] = []

    def _connected(self, dbapi_connection: Any, record: Any) -> None:
        dbapi_connection.driver_connection.add_query_logger(self._logged)

    def _logged(self, record: Any) -> None:
        self.control.append(record.query.strip().rstrip(";").upper() or ";")

    def _executed(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        self.data.append(statement)

    @contextmanager
    def installed(self) -> Iterator[WireLog]:
        sync_engine = self.engine.sync_engine
        event.listen(sync_engine, "connect", self._connected)
        event.listen(sync_engine, "before_cursor_execute", self._executed)
        try:
            yield self
        finally:
            event.remove(sync_engine, "before_cursor_execute", self._executed)
            event.remove(sync_engine, "connect", self._connected)

    async def settled(self) -> WireLog:
        """asyncpg reports to its query loggers with call_soon: let those calls run."""
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        return self

    def reset(self) -> None:
        self.data.clear()
        self.control.clear()

    @property
    def round_trips(self) -> int:
        return len(self.data) + len(self.control)
