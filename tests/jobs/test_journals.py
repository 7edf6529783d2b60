"""The journal's jobs on a real queue: concurrent imports (J1), parallel batch posting (J7,
J8) and a posting worker killed mid-run (K2) — every line posted exactly once."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from pathlib import Path
from typing import Any

import procrastinate
import pytest
from sqlalchemy import func, select, text, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

import jobs.journals
from db.models.jobs import JobStatus
from db.models.journals import Journal, JournalLine
from db.models.ledger import SubledgerTransaction, Voucher, VoucherLine
from db.models.parameters import LegalEntityParameters
from domain.journals_import import import_pending_actuals
from domain.journals_posting import post_journal
from jobs.app import task_sessions
from jobs.deferral import defer_with_run
from jobs.journals import import_from_staging, post_batch, post_batch_worker, post_one_journal
from jobs.recovery import recover_stalled_jobs
from tests.support.jobs import Sessions, drain, eventually, log_of, run_row, start_worker_process
from tests.support.journals import Staging, add_actuals, committed_world, staging
from tests.support.world import World

__all__ = ["committed_world"]


async def _stage(
    committed: Sessions, world: World, amounts: list[Decimal], *, lines_per_journal: int = 200
) -> Staging:
    async with committed() as session:
        base = await staging(session, world)
        await session.execute(
            update(LegalEntityParameters)
            .where(LegalEntityParameters.legal_entity_id == base.legal_entity_id)
            .values(lines_per_journal=lines_per_journal)
        )
        await add_actuals(session, base, amounts)
        await session.commit()
    return base


async def _import(committed: Sessions, base: Staging) -> set[int]:
    async with committed.begin() as session:
        return (await import_pending_actuals(session, base.legal_entity_id)).journal_ids


async def _posted_exactly_once(committed: Sessions, expected: int) -> None:
    async with committed() as session:
        statuses = dict(
            (
                await session.execute(
                    select(JournalLine.status, func.count()).group_by(JournalLine.status)
                )
            ).all()
        )
        vouchers = await session.scalar(select(func.count(Voucher.journal_line_id.distinct())))
        voucher_rows = await session.scalar(select(func.count()).select_from(Voucher))
        subledger = await session.scalar(select(func.count()).select_from(SubledgerTransaction))
        unbalanced = await session.scalar(
            select(func.count()).select_from(
                select(VoucherLine.voucher_id)
                .group_by(VoucherLine.voucher_id)
                .having(func.sum(VoucherLine.debit) != func.sum(VoucherLine.credit))
                .subquery()
            )
        )
    assert statuses == {"posted": expected}
    assert (vouchers, voucher_rows, subledger, unbalanced) == (expected, expected, expected, 0)


async def test_j1_two_imports_at_once_add_each_actual_once(
    committed: Sessions, committed_world: World
) -> None:
    base = await _stage(
        committed, committed_world, [Decimal(n) for n in range(1, 41)], lines_per_journal=7
    )
    await asyncio.gather(_import(committed, base), _import(committed, base))
    async with committed() as session:
        lines = await session.scalar(select(func.count(JournalLine.actual_id.distinct())))
        counted = await session.scalar(select(func.sum(Journal.line_count)))
        journals = await session.scalar(select(func.count()).select_from(Journal))
    assert (lines, counted, journals) == (40, 40, 6)


async def test_j1_import_job_logs_the_actual_without_a_rate(
    committed: Sessions, committed_world: World, jobs_app: procrastinate.App
) -> None:
    base = await _stage(committed, committed_world, [Decimal("12.34")])
    async with committed() as session:
        (euro,) = await add_actuals(session, base, [Decimal(9)], currency="EUR")
        run = await defer_with_run(session, import_from_staging)
        await session.commit()
    await drain(jobs_app)
    finished = await run_row(committed, run.id)
    log = await log_of(committed, run.id)
    assert (finished.status, finished.progress_done, finished.progress_total) == (
        JobStatus.SUCCEEDED,
        1,
        1,
    )
    warning = next(message for level, message in log if level == "warning")
    assert f"Actual {euro}" in warning and "EUR->USD" in warning
    summary = next(message for level, message in log if level == "info")
    assert summary == "USPM: 1 actuals imported into 1 journals."


async def test_j7_j8_parallel_batch_posting_posts_every_line_once(
    committed: Sessions, committed_world: World, jobs_app: procrastinate.App
) -> None:
    base = await _stage(
        committed, committed_world, [Decimal(n) for n in range(1, 31)], lines_per_journal=4
    )
    assert len(await _import(committed, base)) == 8
    async with committed() as session:
        batch = await defer_with_run(session, post_batch)
        await session.commit()
    await drain(jobs_app, concurrency=3)
    assert (await run_row(committed, batch.id)).status == JobStatus.SUCCEEDED
    await _posted_exactly_once(committed, 30)


async def test_j7_several_posting_tasks_on_the_same_journals_post_each_line_once(
    committed: Sessions, committed_world: World, jobs_app: procrastinate.App
) -> None:
    base = await _stage(
        committed, committed_world, [Decimal(n) for n in range(1, 13)], lines_per_journal=4
    )
    journal_ids = sorted(await _import(committed, base))
    async with committed() as session:
        runs = [
            await defer_with_run(session, post_one_journal, journal_id=journal_id)
            for journal_id in journal_ids
            for _ in range(3)  # three tasks race for every journal
        ]
        runs.append(await defer_with_run(session, post_batch))
        await session.commit()
    await drain(jobs_app, concurrency=4)
    await _posted_exactly_once(committed, 12)
    finished = [await run_row(committed, run.id) for run in runs]
    assert {run.status for run in finished} == {JobStatus.SUCCEEDED}  # losing a race is no error


async def test_j8_a_journal_that_cannot_post_does_not_stall_the_batch(
    committed: Sessions,
    committed_world: World,
    jobs_app: procrastinate.App,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    base = await _stage(
        committed, committed_world, [Decimal(n) for n in range(1, 10)], lines_per_journal=3
    )
    first, *rest = sorted(await _import(committed, base))

    async def broken_first(session: AsyncSession, journal_id: int, **kwargs: Any) -> Any:
        if journal_id == first:
            raise RuntimeError("disk on fire")
        return await post_journal(session, journal_id, **kwargs)

    monkeypatch.setattr(jobs.journals, "post_journal", broken_first)
    async with committed() as session:
        run = await defer_with_run(session, post_batch_worker)
        await session.commit()
    # One attempt (its retry, five seconds on, is the same story).
    await jobs_app.run_worker_async(wait=False, install_signal_handlers=False, concurrency=1)
    async with committed() as session:
        statuses = dict((await session.execute(select(Journal.id, Journal.status))).all())
    assert statuses == {first: "draft", **{journal_id: "posted" for journal_id in rest}}
    finished = await run_row(committed, run.id)
    assert finished.status == JobStatus.FAILED  # logged, never swallowed (K1)
    assert (
        "error",
        f"Journal {first} could not be posted: disk on fire",
    ) in await log_of(committed, run.id)


async def test_k2_posting_worker_killed_mid_run_then_recovered_posts_once(
    committed: Sessions,
    committed_world: World,
    jobs_app: procrastinate.App,
    database_url: str,
    engine: AsyncEngine,
    tmp_path: Path,
) -> None:
    base = await _stage(committed, committed_world, [Decimal(n) for n in range(1, 6)])
    (journal_id,) = await _import(committed, base)
    async with committed() as session:
        run = await defer_with_run(session, post_one_journal, journal_id=journal_id)
        await session.commit()
    # Hold the journal's lines so the worker's posting blocks inside its transaction.
    async with engine.connect() as blocker:
        await blocker.execute(
            text("SELECT id FROM journal_line WHERE journal_id = :id FOR UPDATE"),
            {"id": journal_id},
        )
        with (tmp_path / "worker.log").open("wb") as stderr:
            worker = start_worker_process(database_url, heartbeat=0.5, stderr=stderr)
            try:
                await eventually(lambda: _is_running(committed, run.id))
                await eventually(lambda: _waits_on_lock(committed))
            finally:
                worker.kill()
                worker.wait()
        await blocker.rollback()
    async with committed() as session:
        journal = await session.get(Journal, journal_id)
        posted = await session.scalar(select(func.count()).select_from(Voucher))
    assert journal is not None and (journal.status, posted) == ("draft", 0)  # nothing half-done
    await asyncio.sleep(1.5)
    recovery = await recover_stalled_jobs(task_sessions(), seconds_since_heartbeat=1.0)
    assert run.id in recovery.runs_failed  # (the periodic jobs the worker took are lost too)
    await drain(jobs_app)
    await _posted_exactly_once(committed, 5)


async def _is_running(committed: Sessions, run_id: int) -> bool:
    return (await run_row(committed, run_id)).status == JobStatus.RUNNING


async def _waits_on_lock(committed: Sessions) -> bool:
    async with committed() as session:
        waiting = await session.scalar(
            text(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                "AND query LIKE '%journal_line%'"
            )
        )
    return bool(waiting)
