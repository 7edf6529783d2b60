"""Posting (J5, J7) and the batch claim (J8) against real PostgreSQL:
`domain/journals_posting.py`, `domain/journals_batch.py`."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.journals import Journal, JournalLine
from db.models.ledger import SubledgerTransaction, Voucher, VoucherLine
from domain.errors import DomainError, ErrorCode
from domain.journals_import import import_pending_actuals
from domain.journals_posting import post_journal
from tests.support.journals import (
    LAST_MONTH,
    add_actuals,
    journal_lines,
    set_parameters,
    staging,
)
from tests.support.world import TODAY, World

NOW = dt.datetime.now(dt.UTC)


async def test_j5_posting_makes_balanced_vouchers_and_subledger(
    session: AsyncSession, world: World
) -> None:
    base = await staging(session, world)
    await add_actuals(session, base, [Decimal("10.00"), Decimal("0"), Decimal("-4.25")])
    (journal_id,) = (await import_pending_actuals(session, base.legal_entity_id)).journal_ids
    result = await post_journal(session, journal_id, now=NOW)
    await session.execute(text("SET CONSTRAINTS ALL IMMEDIATE"))  # run the L1 trigger now
    assert (result.posted, result.failed) == (3, 0)
    sums = (
        await session.execute(
            select(func.sum(VoucherLine.debit), func.sum(VoucherLine.credit), func.count()).where(
                VoucherLine.legal_entity_id == base.legal_entity_id
            )
        )
    ).one()
    assert sums == (Decimal("14.2500"), Decimal("14.2500"), 4)  # zero line: no voucher (L2)
    subledger = await session.scalar(select(func.count()).select_from(SubledgerTransaction))
    vouchers = await session.scalar(select(func.count()).select_from(Voucher))
    assert (subledger, vouchers) == (3, 2)
    journal = await session.get(Journal, journal_id)
    assert journal is not None and journal.status == "posted"


async def test_j5_failing_lines_move_to_an_error_journal(
    session: AsyncSession, world: World
) -> None:
    base = await staging(session, world)
    await set_parameters(
        session, base.legal_entity_id, move_to_next_open_period=False, journal_period_unit="all"
    )
    (good,), (bad,) = (
        await add_actuals(session, base, [Decimal(1)]),
        await add_actuals(session, base, [Decimal(2)], date=LAST_MONTH),
    )
    (journal_id,) = (await import_pending_actuals(session, base.legal_entity_id)).journal_ids
    result = await post_journal(session, journal_id, now=NOW)
    assert (result.posted, result.failed) == (1, 1) and result.error_journal_id is not None
    error_journal = await session.get(Journal, result.error_journal_id)
    (error_line,) = await session.scalars(
        select(JournalLine).where(JournalLine.journal_id == result.error_journal_id)
    )
    assert error_journal is not None and error_journal.status == "error"
    assert error_journal.original_journal_id == journal_id
    assert error_line.actual_id == bad and error_line.status == "error"
    posted = await session.scalar(select(JournalLine.status).where(JournalLine.actual_id == good))
    assert posted == "posted"
    assert "on_hold" in (error_line.error_text or "")


async def test_j7_a_journal_is_posted_once(session: AsyncSession, world: World) -> None:
    base = await staging(session, world)
    await add_actuals(session, base, [Decimal(1)])
    (journal_id,) = (await import_pending_actuals(session, base.legal_entity_id)).journal_ids
    await post_journal(session, journal_id, now=NOW)
    with pytest.raises(DomainError) as refused:
        await post_journal(session, journal_id, now=NOW)
    assert refused.value.code == ErrorCode.INVALID_STATE and "posted" in refused.value.message
    assert await session.scalar(select(func.count()).select_from(Voucher)) == 1


async def test_j8_batch_claim_honours_its_filters(session: AsyncSession, world: World) -> None:
    from domain.journals_batch import BatchFilter, claim_next_draft_journal

    base = await staging(session, world)
    await set_parameters(session, base.legal_entity_id, journal_period_unit="days")
    await add_actuals(session, base, [Decimal(1)], date=TODAY)
    await add_actuals(session, base, [Decimal(2)], date=TODAY - dt.timedelta(days=1))
    await import_pending_actuals(session, base.legal_entity_id)
    journals = {
        j.period_start: j for j in await session.scalars(select(Journal).order_by(Journal.id))
    }
    today, yesterday = journals[TODAY], journals[TODAY - dt.timedelta(days=1)]
    by_date = await claim_next_draft_journal(session, BatchFilter(period_start=TODAY))
    by_number = await claim_next_draft_journal(
        session, BatchFilter(journal_number=yesterday.number)
    )
    other_entity = await claim_next_draft_journal(
        session, BatchFilter(legal_entity_id=world.entity_id("DEPM"))
    )
    by_original = await claim_next_draft_journal(
        session, BatchFilter(original_journal_number=today.number)
    )
    assert (by_date, by_number, other_entity, by_original) == (today.id, yesterday.id, None, None)


async def test_j6_a_line_whose_actual_no_longer_matches_is_invalid_actuals(
    session: AsyncSession, world: World
) -> None:
    base = await staging(session, world)
    await add_actuals(session, base, [Decimal(5)])
    (journal_id,) = (await import_pending_actuals(session, base.legal_entity_id)).journal_ids
    # A line that drifted from its actual (say, restored from an old backup).
    await session.execute(update(JournalLine).values(date=TODAY - dt.timedelta(days=3)))
    result = await post_journal(session, journal_id, now=NOW)
    (line,) = await journal_lines(session, base.legal_entity_id)
    assert (result.posted, result.failed) == (0, 1)
    assert line.status == "invalid_actuals" and "no longer matches" in (line.error_text or "")
    assert line.journal_id == result.error_journal_id


async def test_j5_a_line_too_large_for_the_ledger_moves_to_errors_the_rest_posts(
    session: AsyncSession, world: World
) -> None:
    """A line whose accounting amount NUMERIC(19,4) cannot hold fails alone (J5): the valid
    line posts, the large one goes to the error journal with its reason."""
    from tests.support.journals import add_rate

    base = await staging(session, world)
    await add_rate(session, "EUR", "USD", "100000", TODAY - dt.timedelta(days=1))
    (huge,) = await add_actuals(session, base, [Decimal("100000000000")], currency="EUR")
    (good,) = await add_actuals(session, base, [Decimal(5)])
    (journal_id,) = (await import_pending_actuals(session, base.legal_entity_id)).journal_ids
    result = await post_journal(session, journal_id, now=NOW)
    await session.execute(text("SET CONSTRAINTS ALL IMMEDIATE"))
    assert (result.posted, result.failed) == (1, 1)
    lines = {line.actual_id: line for line in await journal_lines(session, base.legal_entity_id)}
    assert lines[good].status == "posted"
    assert lines[huge].status == "error" and lines[huge].journal_id == result.error_journal_id
    assert "too large" in (lines[huge].error_text or "")
