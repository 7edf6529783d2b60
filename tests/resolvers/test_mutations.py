"""run_mutation: one transaction per mutation, and database refusals as typed errors."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from config import Settings
from domain.actors import Actor
from domain.errors import ErrorCode
from resolvers.context import Context
from resolvers.mutations import run_mutation
from tests.support.world import World


def _context(session: AsyncSession, settings: Settings, actor: Actor) -> Context:
    return Context(settings=settings, session=session, request_id="t", actor_or_none=actor)


async def test_a_value_the_database_refuses_is_a_typed_invalid_error(
    session: AsyncSession, settings: Settings, world: World
) -> None:
    async def overflow(session: AsyncSession, actor: Actor) -> object:
        statement = text("SELECT CAST(CAST(:value AS text) AS integer)")
        return await session.scalar(statement, {"value": str(2**40)})

    outcome = await run_mutation(_context(session, settings, world.actor("admin")), overflow)
    assert outcome.value is None
    (error,) = outcome.errors
    assert error.code == ErrorCode.INVALID and "out of range" in error.message


async def test_an_unbalanced_voucher_is_a_typed_unbalanced_error(
    session: AsyncSession, settings: Settings, world: World
) -> None:
    entity = world.entity_id("USPM")

    async def unbalanced(session: AsyncSession, actor: Actor) -> object:
        voucher_id = await session.scalar(
            text(
                "INSERT INTO voucher (legal_entity_id, number, accounting_date, source_type, "
                "description, posted_at) VALUES (:entity, 'V-X', current_date, "
                "'expense_report', '', now()) RETURNING id"
            ),
            {"entity": entity},
        )
        await session.execute(text("SET CONSTRAINTS ALL IMMEDIATE"))
        return voucher_id

    outcome = await run_mutation(_context(session, settings, world.actor("admin")), unbalanced)
    (error,) = outcome.errors
    assert error.code == ErrorCode.UNBALANCED and "V-X" in error.message
