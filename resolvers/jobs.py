"""Resolvers for job runs (K1): the list, one run, its log, and the demo job."""

from __future__ import annotations

from sqlalchemy import select

from db.models.jobs import JobLogEntry, JobRun
from domain import jobs
from jobs.deferral import deferrer
from jobs.demo_tasks import count_to
from resolvers.context import Context
from resolvers.mutations import Outcome, run_mutation
from resolvers.pagination import Page, Window, keyset_page


async def job_runs(
    context: Context,
    *,
    window: Window,
    status: str | None,
    task_name: str | None,
) -> Page[JobRun]:
    clauses = jobs.run_filters(context.actor, status=status, task_name=task_name)
    statement = select(JobRun).where(*clauses)
    return await keyset_page(context, statement, window)


async def job_run(context: Context, run_id: int) -> JobRun | None:
    """One run, or None when it does not exist or is not the caller's."""
    statement = select(JobRun).where(JobRun.id == run_id, jobs.visible_runs(context.actor))
    return (await context.read(lambda session: session.scalars(statement))).one_or_none()


async def log_of(context: Context, run_id: int, first: int | None = None) -> list[JobLogEntry]:
    """A run's log, oldest first, batched over every run of the response (one statement)."""
    loader = context.loaders.children(JobLogEntry, "job_run_id", first=first)
    return await loader.load(run_id)


async def start_demo_job(context: Context, data: jobs.DemoJob) -> Outcome[JobRun]:
    return await run_mutation(
        context,
        lambda session, actor: jobs.start_demo_job(session, actor, data, deferrer(count_to)),
    )
