"""Recovery of work whose worker is gone (K2), a periodic task every minute.

A worker killed mid-job leaves its job in `doing`. Recovery puts each such job back in the
queue, up to MAX_ATTEMPTS attempts, after which the job is failed; the lost attempt's job run
is marked failed with a log entry, and the retry reports to a new run. Tasks are idempotent
and commit their work in transactions, so retrying is safe.

A worker is gone when its row is, or when its heartbeat is older than
`jobs_stalled_after_seconds` (a generous multiple of the heartbeat interval) AND its liveness
lock is free (jobs/liveness.py). A worker that is merely slow keeps its lock, so its job is
never run twice at once. procrastinate's own rule (`get_stalled_jobs`: heartbeat only) and its
pruning of workers at start-up (heartbeat only) are not used for that reason: recovery also
prunes the rows of gone workers. A supervisor whose worker stopped by itself re-queues that
worker's jobs at once (`recover_jobs_of_worker`): it knows they no longer run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import LiteralString

import procrastinate
from procrastinate.exceptions import ConnectorException
from procrastinate.jobs import Job, Status
from procrastinate.manager import JobManager
from sqlalchemy import func, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from config import get_settings
from db.models.jobs import JobLogEntry, JobRun, JobStatus, LogLevel
from jobs.app import app
from jobs.liveness import LOCK_HELD
from jobs.runs import RunHandle, job_run_task
from observability import log

TASK_NAME = "jobs.recover_stalled"
# Attempts of one job in all (the first run and its retries) before recovery gives up.
MAX_ATTEMPTS = 3

_JOB_COLUMNS = """job.id, job.status, job.task_name, job.priority, job.lock, job.queueing_lock,
       job.args, job.scheduled_at, job.queue_name, job.attempts, job.worker_id"""
_GONE = f"""w.last_heartbeat < NOW() - make_interval(secs => %(seconds)s) AND NOT {LOCK_HELD}"""
STALLED_JOBS = f"""SELECT {_JOB_COLUMNS}
  FROM procrastinate_jobs job LEFT JOIN procrastinate_workers w ON w.id = job.worker_id
 WHERE job.status = 'doing' AND (w.id IS NULL OR ({_GONE}))"""
JOBS_OF_WORKER = f"""SELECT {_JOB_COLUMNS}
  FROM procrastinate_jobs job WHERE job.status = 'doing' AND job.worker_id = %(worker_id)s"""
PRUNE_GONE_WORKERS = f"""DELETE FROM procrastinate_workers w WHERE {_GONE} RETURNING w.id"""


@dataclass
class Recovery:
    retried: list[int] = field(default_factory=list)  # procrastinate job ids
    failed: list[int] = field(default_factory=list)
    runs_failed: list[int] = field(default_factory=list)  # job_run ids


async def fail_lost_runs(
    sessions: async_sessionmaker[AsyncSession], job_id: int, reason: str
) -> list[int]:
    """Runs of `job_id` still queued or running: failed, each with an error log entry."""
    async with sessions.begin() as session:
        run_ids = list(
            await session.scalars(
                update(JobRun)
                .where(
                    JobRun.procrastinate_job_id == job_id,
                    JobRun.status.in_([JobStatus.QUEUED, JobStatus.RUNNING]),
                )
                .values(status=JobStatus.FAILED, error=reason, finished_at=func.now())
                .returning(JobRun.id)
            )
        )
        session.add_all(
            JobLogEntry(job_run_id=run_id, level=LogLevel.ERROR, message=reason)
            for run_id in run_ids
        )
    return run_ids


async def _recover_one(manager: JobManager, job: Job, max_attempts: int) -> tuple[bool, str]:
    """Retry or fail one stalled job; (retried?, the reason recorded on its lost run)."""
    assert job.id is not None
    attempt = job.attempts + 1
    if attempt < max_attempts:
        await manager.retry_job(job)
        return True, f"Worker lost during attempt {attempt}; the job is retried."
    await manager.finish_job_by_id_async(job.id, Status.FAILED, delete_job=False)
    return False, f"Worker lost during attempt {attempt} of {max_attempts}; the job failed."


async def _still_doing(manager: JobManager, job_id: int) -> bool:
    return await manager.get_job_status_async(job_id) == Status.DOING


async def _recover(
    sessions: async_sessionmaker[AsyncSession],
    stalled: list[Job],
    max_attempts: int,
    run: RunHandle | None,
) -> Recovery:
    manager = app.job_manager
    recovery = Recovery()
    if run is not None:
        await run.progress(0, total=len(stalled))
    for done, job in enumerate(stalled, start=1):
        assert job.id is not None
        try:
            retried, reason = await _recover_one(manager, job, max_attempts)
        except ConnectorException:
            if await _still_doing(manager, job.id):
                raise
            continue  # another recovery (a supervisor's) took it first: once is enough
        (recovery.retried if retried else recovery.failed).append(job.id)
        recovery.runs_failed += await fail_lost_runs(sessions, job.id, reason)
        log.warning("job_recovered", job_id=job.id, task=job.task_name, reason=reason)
        if run is not None:
            level = LogLevel.WARNING if retried else LogLevel.ERROR
            await run.log(level, f"{job.task_name} (job {job.id}): {reason}")
            await run.progress(done)
    return recovery


async def _jobs(query: LiteralString, **arguments: object) -> list[Job]:
    rows = await app.connector.execute_query_all_async(query, **arguments)
    return [Job.from_row(row) for row in rows]


async def recover_stalled_jobs(
    sessions: async_sessionmaker[AsyncSession],
    *,
    seconds_since_heartbeat: float | None = None,
    max_attempts: int = MAX_ATTEMPTS,
    run: RunHandle | None = None,
) -> Recovery:
    """Retry (or, past the cap, fail) every running job whose worker is gone; then forget
    the gone workers."""
    seconds = seconds_since_heartbeat or get_settings().jobs_stalled_after_seconds
    recovery = await _recover(
        sessions, await _jobs(STALLED_JOBS, seconds=seconds), max_attempts, run
    )
    await app.connector.execute_query_all_async(PRUNE_GONE_WORKERS, seconds=seconds)
    return recovery


async def recover_jobs_of_worker(
    sessions: async_sessionmaker[AsyncSession], worker_id: int, *, max_attempts: int = MAX_ATTEMPTS
) -> Recovery:
    """A worker of this process stopped by itself and its jobs were cancelled: queue what it
    left running again now, and forget the worker."""
    jobs = await _jobs(JOBS_OF_WORKER, worker_id=worker_id)
    recovery = await _recover(sessions, jobs, max_attempts, None)
    await app.job_manager.unregister_worker(worker_id)
    return recovery


@app.periodic(cron="* * * * *", periodic_id="every_minute")
@app.task(
    name=TASK_NAME,
    pass_context=True,
    # One recovery at a time, and at most one waiting: overlapping runs would race on the
    # same stalled jobs.
    lock=TASK_NAME,
    queueing_lock=TASK_NAME,
    retry=procrastinate.RetryStrategy(max_attempts=2, wait=5),
)
@job_run_task
async def recover_stalled(run: RunHandle) -> int:
    recovery = await recover_stalled_jobs(run.sessions, run=run)
    return len(recovery.retried) + len(recovery.failed)
