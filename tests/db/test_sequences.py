"""Number sequences (J3, M7): unique under concurrency, never reused, gaps accepted."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from db.guards import Guard, guard_of
from domain.sequences import next_number, next_numbers
from tests.db.rows import committing, company, insert
from tests.support.counter import StatementCounter


async def test_j3_numbers_have_prefix_and_width(session: AsyncSession) -> None:
    owner = await company(await session.connection(), "SEQ")
    assert await next_number(session, owner.sequence_id) == "SEQ-000001"
    assert await next_numbers(session, owner.sequence_id, 3) == [
        "SEQ-000002",
        "SEQ-000003",
        "SEQ-000004",
    ]
    assert await next_numbers(session, owner.sequence_id, 0) == []


async def test_j3_number_wider_than_width_is_not_cut(connection: AsyncConnection) -> None:
    owner = await company(connection)
    narrow = await insert(
        connection,
        "number_sequence",
        legal_entity_id=owner.entity_id,
        code="n",
        prefix="N",
        width=1,
    )
    numbers = (
        (
            await connection.execute(
                text("SELECT next_number(:id) FROM generate_series(1, 11)"), {"id": narrow}
            )
        )
        .scalars()
        .all()
    )
    assert numbers[0] == "N1" and numbers[-1] == "N11"  # lpad alone would give "N1" twice


async def test_j3_next_numbers_is_one_statement(
    session: AsyncSession, statements: StatementCounter
) -> None:
    owner = await company(await session.connection())
    statements.reset()
    numbers = await next_numbers(session, owner.sequence_id, 250)
    assert statements.count == 1
    assert len(set(numbers)) == 250 and numbers == sorted(numbers)


async def test_j3_unknown_sequence_is_a_typed_error(connection: AsyncConnection) -> None:
    with pytest.raises(DBAPIError) as info:
        await connection.execute(text("SELECT next_number(-1)"))
    assert guard_of(info.value) is Guard.UNKNOWN_SEQUENCE


async def test_j3_sequence_follows_its_row(connection: AsyncConnection) -> None:
    owner = await company(connection)
    exists = text("SELECT to_regclass(:name) IS NOT NULL")
    name = {"name": f"number_sequence_{owner.sequence_id}"}
    assert await connection.scalar(exists, name)
    await connection.execute(text(f"DELETE FROM number_sequence WHERE id = {owner.sequence_id}"))
    assert not await connection.scalar(exists, name)


async def _draw(engine: AsyncEngine, sequence_id: int, rounds: int) -> list[str]:
    drawn: list[str] = []
    async with engine.connect() as conn:
        for _ in range(rounds):
            async with conn.begin():
                session = AsyncSession(bind=conn)
                drawn.extend(await next_numbers(session, sequence_id, 5))
                drawn.append(await next_number(session, sequence_id))
            await asyncio.sleep(0)  # let the other connection draw in between
    return drawn


async def test_j3_numbers_unique_under_concurrency_and_never_reused(engine: AsyncEngine) -> None:
    async with committing(engine) as conn:
        owner = await company(conn)
        await conn.commit()
        first, second = await asyncio.gather(
            _draw(engine, owner.sequence_id, 40), _draw(engine, owner.sequence_id, 40)
        )
        assert len(set(first) | set(second)) == len(first) + len(second) == 480
        # A rolled-back transaction's numbers are gone for good: the next one is past them.
        draw = text("SELECT next_number(:id) FROM generate_series(1, :n)")
        lost = (await conn.execute(draw, {"id": owner.sequence_id, "n": 3})).scalars().all()
        await conn.rollback()
        after = (await conn.execute(draw, {"id": owner.sequence_id, "n": 1})).scalar_one()
        await conn.rollback()
        assert after not in lost and after > max(lost) > max(first + second)
