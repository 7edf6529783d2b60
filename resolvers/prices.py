"""Resolvers for price lists and their lines (M4)."""

from __future__ import annotations

from sqlalchemy import select

from db.models.master_data import LegalEntity
from db.models.prices import PriceContext, PriceList, PriceListLine
from domain import prices_edit, prices_lines
from domain.scope import in_callers_entities
from resolvers.context import Context
from resolvers.mutations import Outcome, run_mutation
from resolvers.pagination import Page, Window, keyset_page


async def price_lists_page(
    context: Context,
    *,
    legal_entity: str | None,
    price_context: PriceContext | None,
    window: Window,
) -> Page[PriceList]:
    statement = select(PriceList).where(
        in_callers_entities(PriceList.legal_entity_id, context.actor)
    )
    if legal_entity is not None:
        entity_id = select(LegalEntity.id).where(LegalEntity.code == legal_entity.upper())
        statement = statement.where(PriceList.legal_entity_id == entity_id.scalar_subquery())
    if price_context is not None:
        statement = statement.where(PriceList.context == price_context)
    return await keyset_page(context, statement, window)


async def lines_of(
    context: Context, price_list_id: int, first: int | None = None
) -> list[PriceListLine]:
    loader = context.loaders.children(PriceListLine, "price_list_id", first=first)
    return await loader.load(price_list_id)


async def price_list(context: Context, price_list_id: int) -> PriceList | None:
    return await context.loaders.by_id(PriceList).load(price_list_id)


async def create_price_list(context: Context, data: prices_edit.NewPriceList) -> Outcome[PriceList]:
    return await run_mutation(
        context, lambda session, actor: prices_edit.create_price_list(session, actor, data)
    )


async def update_price_list(
    context: Context, data: prices_edit.PriceListChanges
) -> Outcome[PriceList]:
    return await run_mutation(
        context, lambda session, actor: prices_edit.update_price_list(session, actor, data)
    )


async def add_price_list_line(
    context: Context, data: prices_lines.NewPriceListLine
) -> Outcome[PriceListLine]:
    return await run_mutation(
        context, lambda session, actor: prices_lines.add_price_list_line(session, actor, data)
    )


async def update_price_list_line(
    context: Context, data: prices_lines.PriceListLineChanges
) -> Outcome[PriceListLine]:
    return await run_mutation(
        context,
        lambda session, actor: prices_lines.update_price_list_line(session, actor, data),
    )


async def delete_price_list_line(context: Context, line_id: int) -> Outcome[int]:
    return await run_mutation(
        context,
        lambda session, actor: prices_lines.delete_price_list_line(session, actor, line_id),
    )
