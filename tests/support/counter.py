"""Counts the SQL statements the application sends (savepoint bookkeeping excluded)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

_BOOKKEEPING = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT", "BEGIN", "COMMIT")


class StatementCounter:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.statements: list[str] = []

    def _record(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
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
