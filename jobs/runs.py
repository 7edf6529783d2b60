"""Every task run is a `job_run` row with progress and an execution log (K1).

Tasks are written as `async def body(run: RunHandle, **arguments)` and wrapped with
`@job_run_task` under `@app.task(..., pass_context=True)`. The wrapper claims (or creates) the
run, hands the body a RunHandle, and records the outcome; a failure becomes an `error` entry
and status `failed`, then propagates so that procrastinate retries or fails the job.

Progress and log entries are written in their own short transactions, so they are visible
while the job runs and survive its failure. The body does its work in sessions it opens from
`run.sessions` and commits itself (jobs, unlike `domain/`, own their transactions).

`now` is the business time a task works with (an ISO string argument, a periodic task's
timestamp, else the clock); `started_at`/`finished_at` are always the real clock.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from procrastinate import JobContext
from procrastinate.jobs import Job
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.models.jobs import JobLogEntry, JobRun, JobStatus, LogLevel
from jobs.app import task_sessions
from jobs.claims import claim_run
from observability import JOB_RUNS

TaskBody = Callable[..., Awaitable[Any]]


def _clock() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


# Progress writes of a run are this far apart at most: a progress bar moves a few times a
# second, and a job reporting every row costs no more than that in writes and events.
PROGRESS_INTERVAL_SECONDS = 0.25


@dataclass
class ProgressThrottle:
    """The progress a run has reported and not yet written, and when it last wrote."""

    pending: dict[str, Any] = field(default_factory=dict)
    written_at: float = -math.inf
    total: int | None = None  # the last total reported

    def take(self) -> dict[str, Any]:
        """The pending values, now being written."""
        values, self.pending, self.written_at = self.pending, {}, time.monotonic()
        return values


@dataclass(frozen=True)
class RunHandle:
    """What a task body knows about its run, and how it reports progress and log entries."""

    id: int
    task_name: str
    attempt: int
    now: dt.datetime
    legal_entity_id: int | None
    sessions: async_sessionmaker[AsyncSession]
    throttle: ProgressThrottle = field(default_factory=ProgressThrottle)

    async def progress(self, done: int, total: int | None = None) -> None:
        """Record progress. Each write is an event to the run's subscribers (migration
        0011), so writes are PROGRESS_INTERVAL_SECONDS apart at most: one in between is kept
        back and written with the next, or with the run's outcome (`_finish`). The first and
        the last (done == total) are written at once."""
        values: dict[str, Any] = {"progress_done": done}
        if total is not None:
            values["progress_total"] = total
        throttle = self.throttle
        throttle.pending.update(values)
        throttle.total = total if total is not None else throttle.total
        finished = throttle.total is not None and done >= throttle.total
        if not finished and time.monotonic() - throttle.written_at < PROGRESS_INTERVAL_SECONDS:
            return
        async with self.sessions.begin() as session:
            await session.execute(
                update(JobRun).where(JobRun.id == self.id).values(throttle.take())
            )

    async def log(
        self,
        level: LogLevel,
        message: str,
        *,
        entity_type: str | None = None,
        entity_id: int | None = None,
    ) -> None:
        async with self.sessions.begin() as session:
            session.add(_entry(self.id, level, message, entity_type, entity_id))

    async def info(self, message: str, **entity: Any) -> None:
        await self.log(LogLevel.INFO, message, **entity)

    async def warning(self, message: str, **entity: Any) -> None:
        await self.log(LogLevel.WARNING, message, **entity)

    async def error(self, message: str, **entity: Any) -> None:
        await self.log(LogLevel.ERROR, message, **entity)


def _entry(
    run_id: int,
    level: LogLevel,
    message: str,
    entity_type: str | None = None,
    entity_id: int | None = None,
) -> JobLogEntry:
    return JobLogEntry(
        job_run_id=run_id,
        level=level,
        message=message,
        entity_type=entity_type,
        entity_id=entity_id,
    )


async def _finish(
    sessions: async_sessionmaker[AsyncSession], run: RunHandle, error: BaseException | None
) -> None:
    status = JobStatus.SUCCEEDED if error is None else JobStatus.FAILED
    message = None if error is None else f"{type(error).__name__}: {error}"
    async with sessions.begin() as session:
        if message is not None:
            session.add(_entry(run.id, LogLevel.ERROR, f"Failed: {message}"))
        await session.execute(
            update(JobRun)
            .where(JobRun.id == run.id)
            # With the progress kept back, if any: one event carries both.
            .values(status=status, finished_at=_clock(), error=message, **run.throttle.take())
        )
    JOB_RUNS.labels(run.task_name, status.value).inc()


@asynccontextmanager
async def tracked(
    job: Job,
    *,
    job_run_id: int | None = None,
    legal_entity_id: int | None = None,
    now: dt.datetime | None = None,
) -> AsyncIterator[RunHandle]:
    """The run of `job` from `running` to `succeeded` or `failed` (the error re-raised)."""
    sessions = task_sessions()
    async with sessions.begin() as session:
        row = await claim_run(session, job, job_run_id, legal_entity_id, _clock())
    run = RunHandle(
        id=row.id,
        task_name=row.task_name,
        attempt=row.attempt,
        now=now or _clock(),
        legal_entity_id=row.legal_entity_id,
        sessions=sessions,
    )
    try:
        yield run
    except BaseException as error:  # also a cancellation at worker shutdown: never left running
        await _finish(sessions, run, error)
        raise
    await _finish(sessions, run, None)


def business_now(now: str | None = None, timestamp: int | None = None) -> dt.datetime:
    """`now` from a task's arguments: an ISO string, a periodic timestamp, else the clock."""
    if now is not None:
        parsed = dt.datetime.fromisoformat(now)
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)
    if timestamp is not None:
        return dt.datetime.fromtimestamp(timestamp, dt.UTC)
    return _clock()


def job_run_task(body: TaskBody) -> Callable[..., Awaitable[Any]]:
    """Turns `body(run, **arguments)` into a procrastinate task function (pass_context=True).

    The bookkeeping arguments (`job_run_id`, `legal_entity_id`, `now`, and `timestamp` of a
    periodic task) are consumed here; every other argument goes to the body.
    """

    @functools.wraps(body)
    async def task(
        context: JobContext,
        *,
        job_run_id: int | None = None,
        legal_entity_id: int | None = None,
        now: str | None = None,
        timestamp: int | None = None,
        **arguments: Any,
    ) -> Any:
        async with tracked(
            context.job,
            job_run_id=job_run_id,
            legal_entity_id=legal_entity_id,
            now=business_now(now, timestamp),
        ) as run:
            return await body(run, **arguments)

    return task
