"""Benchmark of batch posting (J5, J7, J8, issue 5 "Speed").

Ours: N imported actuals (lines_per_journal 200 -> N/200 journals) posted by two real worker
processes (`python -m jobs.worker --concurrency 1`, DATABASE_URL = the scratch database): time
from deferring `post_batch` (which fans out to `post_batch_worker` tasks) until every line is
posted. Baseline: the same vouchers, voucher lines and subledger rows (and line/journal
statuses) by hand-written INSERT ... SELECT statements in one transaction, on an identical data
set. Both runs are then checked: every line posted exactly once, every voucher balanced.
Aim: 100,000 lines with two workers in under a minute.

    .venv/bin/python bench/bench_journal_post.py [N]   (BENCH_ROWS=N, BENCH_LINES_PER_JOURNAL)
"""

from __future__ import annotations

import asyncio
import os
import time

from common import (
    Company,
    analyze,
    build_company,
    generate_actuals,
    reset_data,
    scratch_database,
)
from report import print_table, rows_wanted, server_label
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from workers import clear_of_batch_tick, count, wait_for, worker_processes

from config import Settings
from db.urls import asyncpg_url
from domain.journals_import import import_pending_actuals
from jobs.app import open_jobs, task_sessions
from jobs.deferral import defer_with_run
from jobs.journals import post_batch

WORKERS = 2

_BASELINE = [
    """INSERT INTO voucher (legal_entity_id, number, accounting_date, source_type,
                            journal_line_id, description, posted_at)
       SELECT legal_entity_id, voucher_number, accounting_date, 'journal_line', id,
              format('Integration journal line %s (actual %s)', id, actual_id), now()
       FROM journal_line WHERE legal_entity_id = :le AND status = 'draft'""",
    """INSERT INTO voucher_line (legal_entity_id, voucher_id, account_id, debit, credit,
                                 currency_code, amount_currency, exchange_rate, description)
       SELECT v.legal_entity_id, v.id, side.account_id, side.debit, side.credit,
              a.currency_code, side.amount_currency, jl.exchange_rate, jl.voucher_number
       FROM voucher v JOIN journal_line jl ON jl.id = v.journal_line_id
       JOIN actual a ON a.id = jl.actual_id
       JOIN legal_entity_parameters p ON p.legal_entity_id = jl.legal_entity_id
       CROSS JOIN LATERAL (SELECT round(a.amount * jl.exchange_rate, 2) AS amount) acc
       CROSS JOIN LATERAL (VALUES
           (CASE a.actual_type WHEN 'cost' THEN p.project_cost_account_id
                 ELSE p.wip_sales_value_account_id END, acc.amount, 0, a.amount),
           (CASE a.actual_type WHEN 'cost' THEN p.expense_integration_account_id
                 ELSE p.accrued_revenue_account_id END, 0, acc.amount, -a.amount)
       ) AS side(account_id, debit, credit, amount_currency)
       WHERE jl.legal_entity_id = :le AND jl.status = 'draft'""",
    """INSERT INTO subledger_transaction (legal_entity_id, journal_line_id, actual_id,
           project_id, voucher_id, transaction_type, accounting_date, quantity, amount,
           amount_accounting, currency_code)
       SELECT jl.legal_entity_id, jl.id, a.id, a.project_id, v.id, a.actual_type,
              jl.accounting_date, a.quantity, a.amount, round(a.amount * jl.exchange_rate, 2),
              a.currency_code
       FROM journal_line jl JOIN actual a ON a.id = jl.actual_id
       JOIN voucher v ON v.journal_line_id = jl.id
       WHERE jl.legal_entity_id = :le AND jl.status = 'draft'""",
    """UPDATE journal_line SET status = 'posted', posted_at = now()
       WHERE legal_entity_id = :le AND status = 'draft'""",
    """UPDATE journal SET status = 'posted', posted_at = now()
       WHERE legal_entity_id = :le AND status = 'draft'""",
]

_WORKER_SHARES = """SELECT progress_done FROM job_run
    WHERE task_name = 'journals.post_batch_worker' AND id > :after ORDER BY id"""

# name -> count that must be 0 for the run to be right (J7, L1, L2).
_CHECKS = {
    "lines not posted": "SELECT count(*) FROM journal_line WHERE status <> 'posted'",
    "posted lines without exactly one voucher": """SELECT count(*) FROM journal_line jl
        WHERE (SELECT count(*) FROM voucher v WHERE v.journal_line_id = jl.id) <> 1""",
    "posted lines without exactly one subledger row": """SELECT count(*) FROM journal_line jl
        WHERE (SELECT count(*) FROM subledger_transaction s
               WHERE s.journal_line_id = jl.id) <> 1""",
    "unbalanced vouchers": """SELECT count(*) FROM (SELECT v.id FROM voucher v
        LEFT JOIN voucher_line l ON l.voucher_id = v.id GROUP BY v.id
        HAVING count(l.id) < 2 OR sum(l.debit) <> sum(l.credit)) unbalanced""",
    "journals not posted": "SELECT count(*) FROM journal WHERE status <> 'posted'",
}


async def _fresh_import(session: AsyncSession, company: Company, n: int) -> int:
    """Identical data for each run: N actuals generated and imported (not timed)."""
    await reset_data(session)
    await generate_actuals(session, company, n)
    await import_pending_actuals(session, company.legal_entity_id)
    await session.commit()
    await analyze(session)
    return await count(session, "SELECT count(*) FROM journal_line WHERE status = 'draft'")


async def _verify(session: AsyncSession, label: str) -> None:
    problems = {name: await count(session, sql) for name, sql in _CHECKS.items()}
    lines = await count(session, "SELECT count(*) FROM journal_line")
    vouchers = await count(session, "SELECT count(*) FROM voucher")
    verdict = "OK" if not any(problems.values()) else "FAILED"
    print(f"check {label}: {lines} lines, {vouchers} vouchers; {problems} -> {verdict}")


async def _ours(session: AsyncSession, settings: Settings, url: str, company: Company) -> float:
    """Defer post_batch for the company; seconds until every line is posted."""
    lines = await count(session, "SELECT count(*) FROM journal_line")
    if lines != await count(session, "SELECT count(*) FROM journal_line WHERE status = 'draft'"):
        raise SystemExit("some lines were no longer draft before the timer started")
    last_run = await count(session, "SELECT coalesce(max(id), 0) FROM job_run")
    async with open_jobs(settings, url=url):
        started = time.perf_counter()
        async with task_sessions()() as deferring:
            await defer_with_run(deferring, post_batch, legal_entity_id=company.legal_entity_id)
            await deferring.commit()
        posted = "SELECT count(*) FROM journal_line WHERE status = 'posted'"
        await wait_for(session, posted, lines, "every line posted")
        seconds = time.perf_counter() - started
    shares = await session.scalars(text(_WORKER_SHARES), {"after": last_run})
    print(f"journals posted per post_batch_worker task: {list(shares)}")
    return seconds


async def _baseline(session: AsyncSession, company: Company) -> float:
    started = time.perf_counter()
    for statement in _BASELINE:
        await session.execute(text(statement), {"le": company.legal_entity_id})
    await session.commit()
    return time.perf_counter() - started


async def run(settings: Settings, url: str, n: int) -> None:
    per_journal = int(os.environ.get("BENCH_LINES_PER_JOURNAL", "200"))
    engine = create_async_engine(asyncpg_url(url))
    sessions = async_sessionmaker(engine, expire_on_commit=False, autoflush=False)
    try:
        async with sessions() as session:
            company = await build_company(session, lines_per_journal=per_journal)
            async with worker_processes(session, url, count=WORKERS, concurrency=1):
                await clear_of_batch_tick(session, margin_seconds=20 + n / 5000)
                ours_rows = await _fresh_import(session, company, n)
                journals = await count(session, "SELECT count(*) FROM journal")
                ours_seconds = await _ours(session, settings, url, company)
            await _verify(session, "ours")
            base_rows = await _fresh_import(session, company, n)
            base_seconds = await _baseline(session, company)
            await _verify(session, "baseline")
    finally:
        await engine.dispose()
    ratio = (ours_rows / ours_seconds) / (base_rows / base_seconds)
    verdict = "met" if ours_seconds < 60 else "NOT met"
    print_table(
        f"Journal posting, N={n} lines in {journals} journals, on {server_label(url)}",
        [
            (
                f"ours: post_batch, {WORKERS} worker processes x concurrency 1",
                ours_rows,
                ours_seconds,
            ),
            ("baseline: set-based INSERT ... SELECT, one transaction", base_rows, base_seconds),
        ],
        f"ratio ours/baseline (rows/s): {ratio:.2f}; "
        f"under a minute: {'yes' if ours_seconds < 60 else 'no'} (aim: {verdict})",
    )


def main() -> None:
    n = rows_wanted()
    settings = Settings(env="test", run_worker=False)
    with scratch_database(settings) as url:
        asyncio.run(run(settings, url, n))


if __name__ == "__main__":
    main()
