"""Fixtures and helpers for tests of the job runner: committed data on the scratch database,
the procrastinate App opened on it, workers in this process and in child processes.

Jobs run in other transactions (and processes), so these tests cannot use the rolled-back
`connection` fixture: they commit, and `committed` truncates the job tables afterwards.
Import the fixtures into a test module (`from tests.support.jobs import committed, ...`).
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import IO, Any

import procrastinate
import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from config import PROJECT_ROOT, Settings
from db.models.jobs import JobLogEntry, JobRun
from db.session import make_session_factory
from jobs.app import open_jobs

Sessions = async_sessionmaker[AsyncSession]

JOB_TABLES = (
    "job_log_entry, job_run, procrastinate_events, procrastinate_periodic_defers, "
    "procrastinate_jobs, procrastinate_workers"
)


@pytest.fixture
async def committed(engine: AsyncEngine) -> AsyncIterator[Sessions]:
    """Sessions whose commits are real; the job tables are emptied after the test."""
    yield make_session_factory(engine)
    async with engine.begin() as conn:
        await conn.execute(text(f"TRUNCATE {JOB_TABLES} CASCADE"))


@pytest.fixture
async def jobs_app(settings: Settings, database_url: str) -> AsyncIterator[procrastinate.App]:
    """The App opened on the scratch database (per test: `open_jobs` is one per process)."""
    async with open_jobs(settings, url=database_url) as app:
        # A test's worker runs what the test queued, not the periodic processes whose last
        # tick it finds missed (they would import, post or approve behind the test's back).
        previous, app.periodic_defaults = app.periodic_defaults, {"max_delay": 0}
        try:
            yield app
        finally:
            app.periodic_defaults = previous


async def drain(app: procrastinate.App, *, concurrency: int = 1) -> None:
    """Run every queued job in this process, also those queued by the jobs it runs (a worker
    that does not wait stops as soon as it once finds the queue empty), then return."""
    while True:
        await app.run_worker_async(
            wait=False, install_signal_handlers=False, concurrency=concurrency
        )
        if not list(await app.job_manager.list_jobs_async(status="todo")):
            return


async def run_row(sessions: Sessions, run_id: int) -> JobRun:
    async with sessions() as session:
        row = await session.get(JobRun, run_id)
    assert row is not None
    return row


async def runs_of(sessions: Sessions, task_name: str) -> list[JobRun]:
    async with sessions() as session:
        statement = select(JobRun).where(JobRun.task_name == task_name).order_by(JobRun.id)
        return list(await session.scalars(statement))


async def log_of(sessions: Sessions, run_id: int) -> list[tuple[str, str]]:
    """(level, message) of a run's log entries, oldest first."""
    async with sessions() as session:
        statement = (
            select(JobLogEntry.level, JobLogEntry.message)
            .where(JobLogEntry.job_run_id == run_id)
            .order_by(JobLogEntry.id)
        )
        return [(level, message) for level, message in await session.execute(statement)]


async def job_state(sessions: Sessions, job_id: int) -> tuple[str, int]:
    """(status, attempts) of a procrastinate job."""
    async with sessions() as session:
        row = (
            await session.execute(
                text("SELECT status::text, attempts FROM procrastinate_jobs WHERE id = :id"),
                {"id": job_id},
            )
        ).one()
    return str(row[0]), int(row[1])


async def eventually(check: Callable[[], Awaitable[Any]], *, within: float = 20.0) -> Any:
    """Poll `check` until it returns a truthy value (that value), or fail after `within` s."""
    deadline = asyncio.get_running_loop().time() + within
    while True:
        value = await check()
        if value:
            return value
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"condition not met within {within} s")
        await asyncio.sleep(0.1)


def start_worker_process(
    database_url: str, *, heartbeat: float = 0.5, stderr: IO[bytes] | None = None
) -> subprocess.Popen[bytes]:
    """`python -m jobs.worker` on the scratch database, as a real separate process."""
    env = {**os.environ, "DATABASE_URL": database_url, "ENV": "test"}
    return subprocess.Popen(
        [sys.executable, "-m", "jobs.worker", "--heartbeat-interval", str(heartbeat)],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=stderr if stderr is not None else subprocess.DEVNULL,
    )
