"""The procrastinate App and the database its tasks work on.

procrastinate binds each task to the App it was declared on, so there is one module-level App
(tasks are declared with `@app.task` in the modules of TASK_MODULES) and `open_jobs(settings)`
points it at the configured database: it swaps in a PsycopgConnector for that database, opens
its pool and creates the engine the tasks' own sessions come from. A process opens it once:
the worker for its lifetime, the API in its lifespan, a test session on its scratch database.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import procrastinate
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from config import Settings
from db.session import make_engine, make_session_factory
from db.urls import libpq_url, psycopg_conninfo

# Every module that declares tasks: the worker imports them all before it fetches a job.
TASK_MODULES = [
    "jobs.demo_tasks",
    "jobs.recovery",
    "jobs.approval",
    "jobs.journals",
    "jobs.idempotency",
    "jobs.sessions",
]

# Until `open_jobs` runs, the connector has no conninfo: using the App then fails loudly
# (procrastinate's AppNotOpen) instead of reaching a database chosen by libpq's defaults.
app = procrastinate.App(
    connector=procrastinate.PsycopgConnector(),
    import_paths=TASK_MODULES,
    # A starting worker would delete the rows of workers whose heartbeat is late, alive or
    # not, and their running jobs would then look abandoned: recovery prunes instead, only
    # workers that are gone (jobs/recovery.py, jobs/liveness.py).
    worker_defaults={"stalled_worker_timeout": 365 * 24 * 3600.0},
)

_sessions: async_sessionmaker[AsyncSession] | None = None
JOBS_POOL_NAME = "projops-jobs"


class JobsNotOpen(RuntimeError):
    """A task or a deferral ran in a process that never called `open_jobs`."""


def task_sessions() -> async_sessionmaker[AsyncSession]:
    """The session factory tasks open their own sessions from (one engine per process)."""
    if _sessions is None:
        raise JobsNotOpen("The job runner is not open: wrap the process in open_jobs(settings).")
    return _sessions


def make_connector(settings: Settings, url: str | None = None) -> procrastinate.PsycopgConnector:
    """Sized from settings: the jobs running at once and the worker's own requests (fetch,
    heartbeat, periodic deferrals, abort polling) each get a connection without waiting."""
    conninfo = psycopg_conninfo(url or libpq_url(settings))
    return procrastinate.PsycopgConnector(
        conninfo=conninfo,
        min_size=1,
        max_size=settings.jobs_pool_connections,
        timeout=settings.jobs_pool_timeout_seconds,
        name=JOBS_POOL_NAME,
    )


@asynccontextmanager
async def open_jobs(
    settings: Settings, *, url: str | None = None
) -> AsyncIterator[procrastinate.App]:
    """The App bound to `url` (default: the configured database), with the tasks' engine.

    Not reentrant: one process works on one database.
    """
    global _sessions
    if _sessions is not None:
        raise RuntimeError("open_jobs is already open in this process.")
    engine = make_engine(settings, url)
    with app.replace_connector(make_connector(settings, url)):
        async with app.open_async():
            _sessions = make_session_factory(engine)
            try:
                yield app
            finally:
                _sessions = None
                await engine.dispose()
