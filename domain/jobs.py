"""Job runs (K1): who sees which run, and how an on-demand run is requested.

The job runner itself (procrastinate, the execution log) lives in `jobs/`; this module holds
the rules that do not depend on it, so the API and the tasks share them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, or_
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.jobs import JobRun, JobStatus
from db.models.master_data import Role
from domain.actors import Actor
from domain.errors import DomainError, ErrorCode
from domain.scope import in_callers_entities

DEMO_TASK = "demo.count_to"
MAX_DEMO_STEPS = 1000

# Defers the procrastinate job of a queued run and returns the job's id. Injected by the
# caller so that this module does not depend on the job runner.
Deferrer = Callable[[JobRun], Awaitable[int]]


def visible_runs(actor: Actor) -> ColumnElement[bool]:
    """Runs of the caller's legal entities; global runs only for admins and accountants."""
    own = in_callers_entities(JobRun.legal_entity_id, actor)
    if not actor.has_role(Role.ADMIN, Role.ACCOUNTANT):
        return and_(JobRun.legal_entity_id.is_not(None), own)
    return or_(JobRun.legal_entity_id.is_(None), own)


def run_filters(actor: Actor, *, status: str | None, task_name: str | None) -> list[Any]:
    """WHERE clauses of the `jobRuns` list: scope first, then the optional filters."""
    clauses: list[Any] = [visible_runs(actor)]
    if status is not None:
        clauses.append(JobRun.status == status)
    if task_name is not None:
        clauses.append(JobRun.task_name == task_name)
    return clauses


async def queue_run(
    session: AsyncSession,
    *,
    task_name: str,
    arguments: dict[str, Any],
    legal_entity_id: int | None = None,
    requested_by_user_id: int | None = None,
) -> JobRun:
    """A `queued` run, flushed so its id can travel to the job as an argument."""
    run = JobRun(
        task_name=task_name,
        arguments=arguments,
        legal_entity_id=legal_entity_id,
        requested_by_user_id=requested_by_user_id,
        status=JobStatus.QUEUED,
        progress_done=0,
        attempt=1,
    )
    session.add(run)
    await session.flush()
    return run


@dataclass(frozen=True)
class DemoJob:
    n: int


async def start_demo_job(
    session: AsyncSession, actor: Actor, data: DemoJob, defer: Deferrer
) -> JobRun:
    """Admin: queue `count_to(n)`, the job that shows progress and the execution log."""
    actor.require_role(Role.ADMIN)
    if not 1 <= data.n <= MAX_DEMO_STEPS:
        raise DomainError(
            ErrorCode.OUT_OF_RANGE, f"'n' must be between 1 and {MAX_DEMO_STEPS}.", ["n"]
        )
    run = await queue_run(
        session,
        task_name=DEMO_TASK,
        arguments={"n": data.n},
        requested_by_user_id=actor.user_id,
    )
    run.procrastinate_job_id = await defer(run)
    await session.flush()
    return run
