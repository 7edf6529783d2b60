"""Deferring a task from a request: the API returns the job run the client can follow.

The run row is created in the request's transaction and the job through procrastinate's
async connector (its own connection); `jobs/claims.py` explains why a worker that fetches the
job before the request commits still reports to that same row.
"""

from __future__ import annotations

from typing import Any

from procrastinate import exceptions as procrastinate_errors
from procrastinate.tasks import Task
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.jobs import JobRun
from domain.errors import DomainError, ErrorCode
from domain.jobs import Deferrer, queue_run


def deferrer(task: Task[Any, Any, Any], *, queueing_lock: str | None = None) -> Deferrer:
    """Defers `task` for a queued run, with the run's arguments; returns the job id."""

    async def defer(run: JobRun) -> int:
        try:
            return await task.configure(queueing_lock=queueing_lock).defer_async(
                job_run_id=run.id, legal_entity_id=run.legal_entity_id, **run.arguments
            )
        except procrastinate_errors.AlreadyEnqueued as exc:
            raise DomainError(
                ErrorCode.INVALID_STATE, f"A run of {run.task_name} is already queued."
            ) from exc

    return defer


async def defer_with_run(
    session: AsyncSession,
    task: Task[Any, Any, Any],
    *,
    legal_entity_id: int | None = None,
    requested_by_user_id: int | None = None,
    queueing_lock: str | None = None,
    **arguments: Any,
) -> JobRun:
    """A `queued` job run linked to a newly deferred job of `task` (the caller commits).

    `arguments` must be JSON values; pass `now` as an ISO string to fix the task's clock.
    """
    run = await queue_run(
        session,
        task_name=task.name,
        arguments=arguments,
        legal_entity_id=legal_entity_id,
        requested_by_user_id=requested_by_user_id,
    )
    run.procrastinate_job_id = await deferrer(task, queueing_lock=queueing_lock)(run)
    await session.flush()
    return run
