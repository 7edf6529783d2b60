"""Benchmark of the journal import (J1-J3, issue 5 "Speed").

Ours: `import_pending_actuals` on N pending actuals, commit included. Baseline: the same rows
into journal_line by one hand-written INSERT ... SELECT (one pre-created journal, voucher
numbers from next_number(), rate 1), commit included, on an identical fresh data set.
Aim: ours at least half the baseline's rows/s.

    .venv/bin/python bench/bench_journal_import.py [N]     (or BENCH_ROWS=N; default 100000)
"""

from __future__ import annotations

import asyncio
import time

from common import (
    Company,
    build_company,
    generate_actuals,
    reset_data,
    scratch_database,
)
from report import print_table, rows_wanted, server_label
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from config import Settings
from db.models.journals import JournalLine
from db.models.parameters import LegalEntityParameters
from db.urls import asyncpg_url
from domain.journals_import import import_pending_actuals

_BASELINE_JOURNAL = """
INSERT INTO journal (legal_entity_id, number, status, period_start, period_unit, line_count)
VALUES (:le, next_number(:journal_sequence), 'draft', NULL, 'all', 0)
RETURNING id
"""

_BASELINE_LINES = """
INSERT INTO journal_line (legal_entity_id, journal_id, actual_id, status, date,
                          accounting_date, voucher_number, exchange_rate)
SELECT a.legal_entity_id, :journal, a.id, 'draft', a.transaction_date, a.transaction_date,
       next_number(:voucher_sequence), 1
FROM actual a
WHERE a.legal_entity_id = :le
"""


async def _line_count(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(JournalLine)) or 0)


async def _ours(session: AsyncSession, company: Company) -> tuple[int, float]:
    started = time.perf_counter()
    result = await import_pending_actuals(session, company.legal_entity_id)
    await session.commit()
    seconds = time.perf_counter() - started
    lines = await _line_count(session)
    if lines != result.imported:
        raise SystemExit(f"import reported {result.imported} lines, the table has {lines}")
    return lines, seconds


async def _baseline(session: AsyncSession, company: Company) -> tuple[int, float]:
    parameters = await session.get(LegalEntityParameters, company.legal_entity_id)
    if parameters is None:
        raise SystemExit("the company has no parameters")
    journal = await session.scalar(
        text(_BASELINE_JOURNAL),
        {"le": company.legal_entity_id, "journal_sequence": parameters.journal_sequence_id},
    )
    await session.commit()
    started = time.perf_counter()
    await session.execute(
        text(_BASELINE_LINES),
        {
            "le": company.legal_entity_id,
            "journal": journal,
            "voucher_sequence": parameters.voucher_sequence_id,
        },
    )
    await session.commit()
    seconds = time.perf_counter() - started
    return await _line_count(session), seconds


async def run(url: str, n: int) -> None:
    engine = create_async_engine(asyncpg_url(url))
    sessions = async_sessionmaker(engine, expire_on_commit=False, autoflush=False)
    try:
        async with sessions() as session:
            company = await build_company(session)
            await generate_actuals(session, company, n)
            ours_rows, ours_seconds = await _ours(session, company)
            await reset_data(session)
            await generate_actuals(session, company, n)
            base_rows, base_seconds = await _baseline(session, company)
    finally:
        await engine.dispose()
    ratio = (ours_rows / ours_seconds) / (base_rows / base_seconds)
    verdict = "met" if ratio >= 0.5 else "NOT met"
    print_table(
        f"Journal import, N={n} pending actuals, on {server_label(url)}",
        [
            ("ours: import_pending_actuals + commit", ours_rows, ours_seconds),
            ("baseline: one INSERT ... SELECT into journal_line + commit", base_rows, base_seconds),
        ],
        f"ratio ours/baseline (rows/s): {ratio:.2f}  (aim >= 0.50: {verdict})",
    )


def main() -> None:
    n = rows_wanted()
    with scratch_database(Settings(env="test", run_worker=False)) as url:
        asyncio.run(run(url, n))


if __name__ == "__main__":
    main()
