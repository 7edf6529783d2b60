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


async def test_removing_a_row_something_still_points_at_is_in_use(
    session: AsyncSession, settings: Settings, world: World
) -> None:
    """The race a check cannot close: a reference appears between the check and the delete."""
    entity = world.entity_id("USPM")

    async def delete_used_account(session: AsyncSession, actor: Actor) -> object:
        account = await session.scalar(
            text(
                "SELECT project_cost_account_id FROM legal_entity_parameters "
                "WHERE legal_entity_id = :entity"
            ),
            {"entity": entity},
        )
        await session.execute(text("DELETE FROM account WHERE id = :id"), {"id": account})
        return account

    outcome = await run_mutation(
        _context(session, settings, world.actor("admin")), delete_used_account
    )
    (error,) = outcome.errors
    assert error.code == ErrorCode.IN_USE and "legal_entity_parameters" in error.message


async def test_a_unique_key_raced_past_is_a_duplicate(
    session: AsyncSession, settings: Settings, world: World
) -> None:
    async def second_usd_entity(session: AsyncSession, actor: Actor) -> object:
        return await session.execute(
            text("INSERT INTO legal_entity (code, name, currency_code) VALUES ('USPM', 'x', 'USD')")
        )

    outcome = await run_mutation(
        _context(session, settings, world.actor("admin")), second_usd_entity
    )
    assert [error.code for error in outcome.errors] == [ErrorCode.DUPLICATE]
