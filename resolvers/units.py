"""Resolvers for unit groups and units (M3). Units are global: every signed-in user reads them."""

from __future__ import annotations

from sqlalchemy import select

from db.models.master_data import Unit, UnitGroup
from domain import units
from resolvers.context import Context
from resolvers.mutations import Outcome, run_mutation
from resolvers.pagination import Page, Window, keyset_page


async def unit_groups_page(
    context: Context, *, code: str | None, window: Window
) -> Page[UnitGroup]:
    context.actor  # noqa: B018  (authentication is required to read anything)
    statement = select(UnitGroup)
    if code is not None:
        statement = statement.where(UnitGroup.code == code)
    return await keyset_page(context, statement, window)


async def units_of(context: Context, unit_group_id: int, first: int | None = None) -> list[Unit]:
    return await context.loaders.children(Unit, "unit_group_id", first=first).load(unit_group_id)


async def unit(context: Context, unit_id: int) -> Unit | None:
    return await context.loaders.by_id(Unit).load(unit_id)


async def unit_group(context: Context, unit_group_id: int) -> UnitGroup | None:
    return await context.loaders.by_id(UnitGroup).load(unit_group_id)


async def create_unit_group(context: Context, data: units.NewUnitGroup) -> Outcome[UnitGroup]:
    return await run_mutation(
        context, lambda session, actor: units.create_unit_group(session, actor, data)
    )


async def create_unit(context: Context, data: units.NewUnit) -> Outcome[Unit]:
    return await run_mutation(
        context, lambda session, actor: units.create_unit(session, actor, data)
    )
