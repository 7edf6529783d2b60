"""The automatic approval process (E5): posted project expenses become actuals.

A procrastinate periodic task, also deferred right after a report is posted. Each expense is
its own short transaction, so a worker killed mid-run loses at most the expense it was on, and
that one is simply done by the next run (K2). Exactly one cost and at most one sales actual per
expense however many runs overlap: see domain/actuals_from_expenses.py.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import procrastinate
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.guards import is_data_exception
from db.models.jobs import JobRun
from domain.actors import Actor
from domain.actuals_from_expenses import (
    create_expense_actuals,
    pending_expense_count,
    pending_expense_ids,
)
from domain.errors import DomainError
from jobs.app import app
from jobs.deferral import defer_with_run
from jobs.runs import RunHandle, job_run_task

TASK_NAME = "expenses.automatic_approval"
# Expenses read per statement; a run goes on batch after batch until none is left, so
# expenses that keep failing never hold back the ones behind them.
BATCH_SIZE = 1000


@dataclass
class ApprovalOutcome:
    processed: list[int] = field(default_factory=list)  # expenses whose actuals this run made
    failed: list[int] = field(default_factory=list)  # left for a later run, each logged
    skipped: list[int] = field(default_factory=list)  # another run had them


async def _one(
    sessions: async_sessionmaker[AsyncSession],
    expense_id: int,
    now: dt.datetime,
    outcome: ApprovalOutcome,
    run: RunHandle | None,
) -> None:
    try:
        async with sessions.begin() as session:
            made = await create_expense_actuals(session, expense_id, now)
    except (DomainError, DBAPIError) as error:
        if isinstance(error, DBAPIError) and not is_data_exception(error):
            raise  # the database is unwell, not this expense: the run fails and is retried
        # Rolled back: no actual of this expense exists, and the next run tries again.
        outcome.failed.append(expense_id)
        if run is not None:
            reason = error.message if isinstance(error, DomainError) else str(error.orig)
            await run.error(
                f"Project expense {expense_id} has no actuals yet: {reason}",
                entity_type="project_expense",
                entity_id=expense_id,
            )
        return
    if made is None:
        outcome.skipped.append(expense_id)
        return
    if made.sales_pending is not None:
        outcome.failed.append(expense_id)
        if run is not None:
            await run.error(
                f"Project expense {expense_id}: cost actual made; the unbilled sales actual "
                f"waits for the next run: {made.sales_pending.message}",
                entity_type="project_expense",
                entity_id=expense_id,
            )
        return
    outcome.processed.append(expense_id)
    if made.pricing_warning and run is not None:
        await run.warning(
            f"Project expense {expense_id}: {made.pricing_warning}",
            entity_type="project_expense",
            entity_id=expense_id,
        )


async def _next_batch(
    sessions: async_sessionmaker[AsyncSession], batch_size: int, after_id: int
) -> list[int]:
    async with sessions() as session:
        return await pending_expense_ids(session, batch_size, after_id)


async def approve_expenses(
    sessions: async_sessionmaker[AsyncSession],
    *,
    now: dt.datetime,
    run: RunHandle | None = None,
    batch_size: int = BATCH_SIZE,
) -> ApprovalOutcome:
    """The body of the task: every pending project expense, each in its own transaction."""
    async with sessions() as session:
        total = await pending_expense_count(session)
    outcome = ApprovalOutcome()
    if run is not None:
        await run.progress(0, total=total)
    done, after_id = 0, 0
    while expense_ids := await _next_batch(sessions, batch_size, after_id):
        for expense_id in expense_ids:
            await _one(sessions, expense_id, now, outcome, run)
            done += 1
            if run is not None:
                await run.progress(done)
        after_id = expense_ids[-1]
    return outcome


@app.periodic(cron="*/5 * * * *", periodic_id="every_five_minutes")
@app.task(
    name=TASK_NAME,
    pass_context=True,
    retry=procrastinate.RetryStrategy(max_attempts=3, wait=30),
)
@job_run_task
async def automatic_approval(run: RunHandle) -> int:
    outcome = await approve_expenses(run.sessions, now=run.now, run=run)
    return len(outcome.processed)


async def defer_automatic_approval(
    session: AsyncSession, actor: Actor, legal_entity_id: int
) -> JobRun:
    """A queued run right after a posting (the caller's transaction commits it). The task
    works on every pending expense; the legal entity only says whose run it is."""
    return await defer_with_run(
        session,
        automatic_approval,
        legal_entity_id=legal_entity_id,
        requested_by_user_id=actor.user_id,
    )
