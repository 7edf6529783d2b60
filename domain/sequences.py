"""Voucher and journal numbers from a legal entity's number sequence (M7, J3).

The numbering lives in PostgreSQL (`next_number(sequence_id)`, migration 0004): one database
sequence per number_sequence row, so numbers are unique across every worker and API instance,
never reused after a rollback, and gaps are accepted. Set-based inserts may call the SQL
function directly: `INSERT ... SELECT next_number(:sequence_id), ... FROM ...`.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession


async def next_number(session: AsyncSession, sequence_id: int) -> str:
    """The next number of the sequence, e.g. "V-000042"."""
    number = await session.scalar(select(func.next_number(literal(sequence_id, BigInteger))))
    if number is None:  # the function raises rather than return NULL; this keeps mypy honest
        raise LookupError(f"number sequence {sequence_id} gave no number")
    return str(number)


async def next_numbers(session: AsyncSession, sequence_id: int, count: int) -> list[str]:
    """`count` new numbers in one statement, in drawing order."""
    if count <= 0:
        return []
    series = func.generate_series(1, count).table_valued("n").render_derived()
    rows = await session.scalars(
        select(func.next_number(literal(sequence_id, BigInteger)))
        .select_from(series)
        .order_by(series.c.n)
    )
    return [str(number) for number in rows]
