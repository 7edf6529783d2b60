"""The journal's periodic processes: import from staging (J1) and posting (J5, J8).

Each unit of work is its own transaction: one legal entity's import, one journal's posting.
A worker killed mid-run loses at most the transaction in flight, which rolls back whole
(claim included), so the retry finds the work exactly as it was (K2).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import procrastinate
from sqlalchemy import select

from db.models.actuals import Actual
from db.models.journals import JournalLine
from db.models.master_data import LegalEntity
from domain.errors import DomainError, ErrorCode
from domain.journals_batch import BatchFilter, claim_next_draft_journal
from domain.journals_import import import_pending_actuals
from domain.journals_posting import post_journal
from domain.journals_requests import BATCH_TASK, IMPORT_TASK, POST_TASK
from jobs.app import app
from jobs.deferral import defer_with_run
from jobs.runs import RunHandle, job_run_task

BATCH_WORKER_TASK = "journals.post_batch_worker"
BATCH_PARALLELISM = 2


async def _entities_with_pending(run: RunHandle) -> list[tuple[int, str]]:
    """(id, code) of the run's legal entity, or of every one with actuals in staging."""
    pending = ~select(JournalLine.id).where(JournalLine.actual_id == Actual.id).exists()
    with_pending = select(Actual.legal_entity_id).where(pending)
    chosen = (
        LegalEntity.id == run.legal_entity_id
        if run.legal_entity_id is not None
        else LegalEntity.id.in_(with_pending)
    )
    async with run.sessions() as session:
        rows = await session.execute(
            select(LegalEntity.id, LegalEntity.code).where(chosen).order_by(LegalEntity.code)
        )
        return [(entity_id, code) for entity_id, code in rows]


@app.periodic(cron="*/5 * * * *", periodic_id="journal_import")
@app.task(
    name=IMPORT_TASK,
    pass_context=True,
    # Concurrent imports are harmless (advisory lock + unique line per actual); one at a
    # time and at most one waiting keeps the queue short.
    lock=IMPORT_TASK,
    queueing_lock=IMPORT_TASK,
    retry=procrastinate.RetryStrategy(max_attempts=3, wait=10),
)
@job_run_task
async def import_from_staging(run: RunHandle) -> int:
    entity_ids = await _entities_with_pending(run)
    await run.progress(0, total=len(entity_ids))
    imported = 0
    for done, (entity_id, code) in enumerate(entity_ids, start=1):
        async with run.sessions.begin() as session:
            result = await import_pending_actuals(session, entity_id)
        imported += result.imported
        for missing in result.missing_rates:
            await run.warning(missing.message, entity_type="actual", entity_id=missing.actual_id)
        await run.info(
            f"{code}: {result.imported} actuals imported into {len(result.journal_ids)} journals.",
            entity_type="legal_entity",
            entity_id=entity_id,
        )
        await run.progress(done)
    return imported


async def _post_one(run: RunHandle, journal_id: int) -> bool:
    """Post one journal in its own transaction; False when someone else already did."""
    try:
        async with run.sessions.begin() as session:
            result = await post_journal(session, journal_id, now=run.now)
    except DomainError as error:
        if error.code != ErrorCode.INVALID_STATE:
            raise
        await run.info(error.message, entity_type="journal", entity_id=journal_id)
        return False
    message = f"Journal {journal_id}: {result.posted} lines posted."
    if result.failed:
        message += (
            f" {result.failed} lines failed and moved to error journal {result.error_journal_id}."
        )
        await run.warning(message, entity_type="journal", entity_id=journal_id)
    else:
        await run.info(message, entity_type="journal", entity_id=journal_id)
    return True


@app.task(
    name=POST_TASK,
    pass_context=True,
    retry=procrastinate.RetryStrategy(max_attempts=3, wait=5),
)
@job_run_task
async def post_one_journal(run: RunHandle, *, journal_id: int) -> bool:
    await run.progress(0, total=1)
    posted = await _post_one(run, journal_id)
    await run.progress(1)
    return posted


def _batch_filter(run: RunHandle, filters: dict[str, str | None]) -> BatchFilter:
    period_start = filters.get("period_start")
    return BatchFilter(
        legal_entity_id=run.legal_entity_id,
        period_start=dt.date.fromisoformat(period_start) if period_start else None,
        journal_number=filters.get("journal_number"),
        original_journal_number=filters.get("original_journal_number"),
    )


class BatchPostingFailed(RuntimeError):
    """Some journals of a batch could not be posted (each is in the run's log)."""


@app.task(
    name=BATCH_WORKER_TASK,
    pass_context=True,
    retry=procrastinate.RetryStrategy(max_attempts=3, wait=5),
)
@job_run_task
async def post_batch_worker(run: RunHandle, **filters: str | None) -> int:
    """Posts Draft journals one by one until none is left that no other worker holds. A
    journal whose posting fails is logged and passed over, so it never stalls the ones after
    it; the run then fails, naming them, and its retry tries them again (K1)."""
    where = _batch_filter(run, filters)
    posted, after_id, failed = 0, 0, []
    while True:
        journal_id = None
        try:
            async with run.sessions.begin() as session:
                journal_id = await claim_next_draft_journal(session, where, after_id)
                if journal_id is None:
                    break
                after_id = journal_id
                result = await post_journal(session, journal_id, now=run.now)
        except Exception as error:  # rolled back whole: log it, go on with the next journal
            if journal_id is None:
                raise  # not one journal's fault (the claim itself failed)
            failed.append(after_id)
            await run.error(
                f"Journal {after_id} could not be posted: {error}",
                entity_type="journal",
                entity_id=after_id,
            )
            continue
        posted += 1
        await run.progress(posted)
        await run.info(
            f"Journal {journal_id}: {result.posted} posted, {result.failed} moved to errors.",
            entity_type="journal",
            entity_id=journal_id,
        )
    if failed:
        raise BatchPostingFailed(f"Journals {failed} could not be posted; see the log.")
    return posted


@app.periodic(cron="*/10 * * * *", periodic_id="journal_post_batch")
@app.task(name=BATCH_TASK, pass_context=True, queueing_lock=BATCH_TASK)
@job_run_task
async def post_batch(run: RunHandle, **filters: str | None) -> int:
    """J8: split the posting of every matching Draft journal over parallel worker tasks."""
    arguments: dict[str, Any] = {key: value for key, value in filters.items() if value}
    async with run.sessions.begin() as session:
        for _ in range(BATCH_PARALLELISM):
            worker_run = await defer_with_run(
                session,
                post_batch_worker,
                legal_entity_id=run.legal_entity_id,
                **arguments,
            )
            await run.info(
                f"Started posting worker run {worker_run.id}.",
                entity_type="job_run",
                entity_id=worker_run.id,
            )
    return BATCH_PARALLELISM
