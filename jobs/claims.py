"""The first step of every task run: the `job_run` row it reports to (K1).

A run requested through the API already has a `queued` row (created in the request's
transaction, its id passed to the job as `job_run_id`). A worker may fetch the job before
that transaction commits, so the worker inserts the same id with ON CONFLICT DO NOTHING: the
unique index makes that insert wait for the request's transaction, then do nothing if it
committed, or create the row if it rolled back. Either way the job reports to exactly one row.

A retry (procrastinate's own, or the recovery of a lost worker, both of which raise the job's
`attempts`) gets a row of its own, so every attempt keeps its own status and log.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from procrastinate.jobs import Job
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.jobs import JobRun, JobStatus

BOOKKEEPING_ARGUMENTS = frozenset({"job_run_id", "legal_entity_id", "now", "timestamp"})


def _arguments(job: Job) -> dict[str, Any]:
    return {k: v for k, v in job.task_kwargs.items() if k not in BOOKKEEPING_ARGUMENTS}


async def _claim_requested(
    session: AsyncSession, job: Job, job_run_id: int, legal_entity_id: int | None
) -> JobRun:
    await session.execute(
        insert(JobRun)
        .values(
            id=job_run_id,
            task_name=job.task_name,
            procrastinate_job_id=job.id,
            legal_entity_id=legal_entity_id,
            arguments=_arguments(job),
            status=JobStatus.QUEUED,
            progress_done=0,
            attempt=1,
        )
        .on_conflict_do_nothing(index_elements=[JobRun.id])
    )
    run = await session.get(JobRun, job_run_id, with_for_update=True, populate_existing=True)
    assert run is not None  # inserted or already there, and never deleted by a job
    return run


async def _new_attempt(
    session: AsyncSession, job: Job, job_run_id: int | None, legal_entity_id: int | None
) -> JobRun:
    first = await session.get(JobRun, job_run_id) if job_run_id is not None else None
    run = JobRun(
        task_name=job.task_name,
        legal_entity_id=first.legal_entity_id if first else legal_entity_id,
        requested_by_user_id=first.requested_by_user_id if first else None,
        arguments=_arguments(job),
        progress_done=0,
    )
    session.add(run)
    return run


async def claim_run(
    session: AsyncSession,
    job: Job,
    job_run_id: int | None,
    legal_entity_id: int | None,
    started_at: dt.datetime,
) -> JobRun:
    """The `running` row of this attempt of `job` (flushed; the caller commits)."""
    attempt = job.attempts + 1
    if job_run_id is not None and attempt == 1:
        run = await _claim_requested(session, job, job_run_id, legal_entity_id)
    else:
        run = await _new_attempt(session, job, job_run_id, legal_entity_id)
    run.status = JobStatus.RUNNING
    run.attempt = attempt
    run.procrastinate_job_id = job.id
    run.started_at = started_at
    await session.flush()
    return run
