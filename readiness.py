"""/readyz: whether this process can serve now, part by part.

Every part reports its state, and the answer is 503 while any of them is not in order:
- `database`: a connection of the API's pool answers `SELECT 1` (within a few seconds);
- `migrations`: the database's revision is the code's head;
- `listener`: the event listener (db/events.py) listens, else it is reconnecting;
- `worker`, only where this process runs the job worker (RUN_WORKER): running, else
  restarting after it stopped by itself (jobs/supervision.py).
The listener and the worker come back by themselves after an outage; until they have, a load
balancer sends this instance no traffic.
"""

from __future__ import annotations

import asyncio

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from db.migrate import current_revision, head_revision

DATABASE_TIMEOUT_SECONDS = 5.0
Check = dict[str, object]


async def database_checks(engine: AsyncEngine) -> tuple[Check, Check]:
    """(database, migrations)."""
    head = head_revision()
    try:
        async with asyncio.timeout(DATABASE_TIMEOUT_SECONDS), engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
            revision = await connection.run_sync(current_revision)
    except Exception as error:  # any failure to reach the database means not ready
        return {"state": "down", "error": str(error) or repr(error)}, {"state": "unknown"}
    state = "current" if revision == head else "pending"
    return {"state": "up"}, {"state": state, "revision": revision, "head": head}


def is_ready(checks: dict[str, Check]) -> bool:
    wanted = {
        "database": "up",
        "migrations": "current",
        "listener": "listening",
        "worker": "running",
    }
    return all(check["state"] == wanted[name] for name, check in checks.items())


async def readyz(request: Request) -> Response:
    state = request.app.state
    database, migrations = await database_checks(state.engine)
    listener = getattr(state, "events", None)
    checks: dict[str, Check] = {
        "database": database,
        "migrations": migrations,
        "listener": listener.state() if listener is not None else {"state": "not started"},
    }
    worker = getattr(state, "worker", None)
    if worker is not None:
        checks["worker"] = worker.status()
    ready = is_ready(checks)
    body = {"status": "ready" if ready else "unavailable", "checks": checks}
    return JSONResponse(body, status_code=200 if ready else 503)
