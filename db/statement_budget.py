"""The database's half of a request's time budget (REQUEST_TIMEOUT_SECONDS): statement_timeout
on every connection of the API's engine and of its read pool.

Set as a startup parameter of the connection (asyncpg's server_settings), so it costs no
statement and no round trip, holds on autocommit connections (where SET LOCAL would end with
its statement) and cannot be lost to a rolled-back SET. The job workers' engines keep none:
posting a large journal may take longer than a request may.
"""

from __future__ import annotations

from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import event
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncEngine

from db.guards import sqlstate

QUERY_CANCELED = "57014"  # statement_timeout, or a cancel request
_BUDGETS: WeakKeyDictionary[Dialect, dict[str, str]] = WeakKeyDictionary()


def server_settings(seconds: float) -> dict[str, str]:
    return {"statement_timeout": str(max(1, round(seconds * 1000)))}  # milliseconds


def limit_statements(engine: AsyncEngine, seconds: float) -> None:
    """Connections the engine opens from now on stop any statement after `seconds`."""
    sync = engine.sync_engine
    _BUDGETS[sync.dialect] = server_settings(seconds)
    if not event.contains(sync, "do_connect", _with_budget):
        event.listen(sync, "do_connect", _with_budget)


def _with_budget(dialect: Dialect, record: Any, cargs: Any, cparams: dict[str, Any]) -> None:
    budget = _BUDGETS.get(dialect)
    if budget is not None:
        cparams["server_settings"] = {**cparams.get("server_settings", {}), **budget}


def is_statement_timeout(error: BaseException) -> bool:
    """A statement the database stopped: its time budget ran out."""
    for candidate in (error, error.__cause__):
        if candidate is not None and sqlstate(candidate) == QUERY_CANCELED:
            return True
    return False
