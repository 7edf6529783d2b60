"""Batch posting's claim (J7, J8): the next Draft journal no other poster holds."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.journals import Journal


@dataclass(frozen=True)
class BatchFilter:
    """J8: the periodic posting's optional filters."""

    legal_entity_id: int | None = None
    period_start: dt.date | None = None
    journal_number: str | None = None
    original_journal_number: str | None = None


async def claim_next_draft_journal(
    session: AsyncSession, where: BatchFilter, after_id: int = 0
) -> int | None:
    """The next Draft journal after `after_id` that no other poster holds (`FOR UPDATE SKIP
    LOCKED`), or None."""
    original = Journal.__table__.alias("original")
    statement = (
        select(Journal.id)
        .where(Journal.status == "draft", Journal.line_count > 0, Journal.id > after_id)
        .order_by(Journal.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    if where.legal_entity_id is not None:
        statement = statement.where(Journal.legal_entity_id == where.legal_entity_id)
    if where.period_start is not None:
        statement = statement.where(Journal.period_start == where.period_start)
    if where.journal_number is not None:
        statement = statement.where(Journal.number == where.journal_number)
    if where.original_journal_number is not None:
        statement = statement.where(
            Journal.original_journal_id.in_(
                select(original.c.id).where(original.c.number == where.original_journal_number)
            )
        )
    return await session.scalar(statement)
