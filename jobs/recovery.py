"""Recovery of work whose worker is gone (K2), a periodic task every minute.

A worker killed mid-job leaves its job in `doing` and stops its heartbeat. procrastinate
lists such jobs (`get_stalled_jobs`: `doing` jobs of workers with an outdated heartbeat);
recovery puts each back in the queue, up to MAX_ATTEMPTS attempts, after which the job is
failed. The lost attempt's job run is marked failed with a log entry; the retry reports to a
new run. Tasks are idempotent and commit their work in transactions, so retrying is safe.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import procrastinate
from procrastinate.jobs import Job, Status
from procrastinate.manager import JobManager
from sqlalchemy import func, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.models.jobs import JobLogEntry, JobRun, JobStatus, LogLevel
from jobs.app import app
from jobs.runs import RunHandle, job_run_task

TASK_NAME = "jobs.recover_stalled"
# Attempts of one job in all (the first run and its retries) before recovery gives up.
MAX_ATTEMPTS = 3
# procrastinate workers beat every 10 s by default; three missed beats mean the worker is gone.
STALLED_AFTER_SECONDS = 30.0


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


async def recover_stalled_jobs(
    sessions: async_sessionmaker[AsyncSession],
    *,
    seconds_since_heartbeat: float = STALLED_AFTER_SECONDS,
    max_attempts: int = MAX_ATTEMPTS,
    run: RunHandle | None = None,
) -> Recovery:
    """Retry (or, past the cap, fail) every job whose worker stopped beating."""
    manager = app.job_manager
    stalled = list(await manager.get_stalled_jobs(seconds_since_heartbeat=seconds_since_heartbeat))
    recovery = Recovery()
    if run is not None:
        await run.progress(0, total=len(stalled))
    for done, job in enumerate(stalled, start=1):
        assert job.id is not None
        retried, reason = await _recover_one(manager, job, max_attempts)
        (recovery.retried if retried else recovery.failed).append(job.id)
        recovery.runs_failed += await fail_lost_runs(sessions, job.id, reason)
        if run is not None:
            level = LogLevel.WARNING if retried else LogLevel.ERROR
            await run.log(level, f"{job.task_name} (job {job.id}): {reason}")
            await run.progress(done)
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
