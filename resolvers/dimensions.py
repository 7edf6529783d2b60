"""Resolvers of financial dimensions and their values (J4): one legal entity's dimensions by
keyset page, their values through the request's loaders, and the four mutations."""

from __future__ import annotations

from sqlalchemy import select

from db.models.dimensions import FinancialDimension, FinancialDimensionValue
from domain import dimensions
from domain.master_data import entity_by_code
from resolvers.context import Context
from resolvers.mutations import Outcome, run_mutation
from resolvers.pagination import Page, Window, keyset_page


async def financial_dimensions(
    context: Context, *, legal_entity: str, window: Window
) -> Page[FinancialDimension]:
    """The dimensions of one of the caller's legal entities (else NOT_FOUND, M1), oldest first."""
    actor = context.actor
    entity = await context.read(
        lambda session: entity_by_code(session, actor, legal_entity, ["legalEntity"])
    )
    statement = select(FinancialDimension).where(FinancialDimension.legal_entity_id == entity.id)
    return await keyset_page(context, statement, window)


async def values_of(
    context: Context, dimension_id: int, first: int | None = None
) -> list[FinancialDimensionValue]:
    """A dimension's values in the order they were added (one statement per request level)."""
    loader = context.loaders.children(FinancialDimensionValue, "dimension_id", first=first)
    return await loader.load(dimension_id)


async def create_dimension(
    context: Context, data: dimensions.NewDimension
) -> Outcome[FinancialDimension]:
    return await run_mutation(
        context, lambda session, actor: dimensions.create_dimension(session, actor, data)
    )


async def update_dimension(
    context: Context, data: dimensions.DimensionChanges
) -> Outcome[FinancialDimension]:
    return await run_mutation(
        context, lambda session, actor: dimensions.update_dimension(session, actor, data)
    )


async def add_dimension_value(
    context: Context, data: dimensions.NewDimensionValue
) -> Outcome[FinancialDimensionValue]:
    return await run_mutation(
        context, lambda session, actor: dimensions.add_dimension_value(session, actor, data)
    )


async def update_dimension_value(
    context: Context, data: dimensions.DimensionValueChanges
) -> Outcome[FinancialDimensionValue]:
    return await run_mutation(
        context, lambda session, actor: dimensions.update_dimension_value(session, actor, data)
    )
