"""Financial dimensions and values for tests (J4), made through the domain as an accountant."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from db.models.dimensions import FinancialDimension, FinancialDimensionValue
from domain import dimensions
from tests.support.world import World


async def add_dimension(
    session: AsyncSession, world: World, entity: str, code: str, *values: str
) -> tuple[FinancialDimension, dict[str, FinancialDimensionValue]]:
    """An active dimension of the legal entity with its active values, by value."""
    accountant = world.actor("accountant")
    dimension = await dimensions.create_dimension(
        session, accountant, dimensions.NewDimension(entity, code, f"{code} name")
    )
    made = {
        value: await dimensions.add_dimension_value(
            session, accountant, dimensions.NewDimensionValue(dimension.id, value)
        )
        for value in values
    }
    return dimension, made
