"""Rows the project, unit and price tests build on: categories (inserted directly, their API
belongs to another module), units, projects with tasks, price lists with lines."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from db.models.categories import TransactionCategory
from db.models.master_data import BillingType, Project, Unit
from db.models.prices import PriceContext, PriceList, PriceListLine, PricingMethod
from domain import prices_edit, prices_lines, projects, projects_price_lists, projects_tasks, units
from schema.relay import encode_id
from tests.support.world import World


@dataclass
class TimeUnits:
    day: Unit
    week: Unit
    each: Unit  # another group: never converts to days


async def time_units(session: AsyncSession, world: World) -> TimeUnits:
    admin = world.actor("admin")
    time = await units.create_unit_group(
        session, admin, units.NewUnitGroup("TIME", "Time", "DAY", "Day")
    )
    week = await units.create_unit(
        session, admin, units.NewUnit(time.id, "WEEK", "Week", Decimal(7))
    )
    count = await units.create_unit_group(
        session, admin, units.NewUnitGroup("COUNT", "Count", "EA", "Each")
    )
    day = await session.get(Unit, time.base_unit_id)
    each = await session.get(Unit, count.base_unit_id)
    assert day is not None and each is not None
    return TimeUnits(day=day, week=week, each=each)


async def category(session: AsyncSession, code: str) -> TransactionCategory:
    row = TransactionCategory(code=code, name=code.title())
    session.add(row)
    await session.flush()
    return row


async def project(
    session: AsyncSession,
    world: World,
    code: str,
    *,
    entity: str = "USPM",
    manager: str = "manager",
    tasks: int = 0,
) -> Project:
    admin = world.actor("admin")
    row = await projects.create_project(
        session,
        admin,
        projects.NewProject(
            legal_entity_code=entity,
            code=code,
            name=f"Project {code}",
            manager_user_id=world.users[manager].id,
            billing_type=BillingType.TIME_AND_MATERIAL,
        ),
    )
    for number in range(1, tasks + 1):
        await projects_tasks.create_task(
            session, admin, projects_tasks.NewTask(row.id, f"T{number}", f"Task {number}")
        )
    return row


async def price_list(
    session: AsyncSession,
    world: World,
    name: str,
    *,
    context: PriceContext = PriceContext.SALES,
    valid_from: dt.date = dt.date(2024, 1, 1),
    valid_to: dt.date | None = None,
    is_default: bool = False,
    entity: str = "USPM",
    currency: str = "USD",
) -> PriceList:
    return await prices_edit.create_price_list(
        session,
        world.actor("admin"),
        prices_edit.NewPriceList(entity, name, context, currency, valid_from, valid_to, is_default),
    )


async def line(
    session: AsyncSession,
    world: World,
    price_list: PriceList,
    category: TransactionCategory,
    *,
    unit: Unit | None = None,
    method: PricingMethod = PricingMethod.PER_UNIT,
    price: str | None = None,
    markup: str | None = None,
) -> PriceListLine:
    return await prices_lines.add_price_list_line(
        session,
        world.actor("admin"),
        prices_lines.NewPriceListLine(
            price_list_id=price_list.id,
            transaction_category_id=category.id,
            unit_id=unit.id if unit else None,
            pricing_method=method,
            price=Decimal(price) if price is not None else None,
            markup_percent=Decimal(markup) if markup is not None else None,
        ),
    )


async def assign(session: AsyncSession, world: World, project: Project, plist: PriceList) -> None:
    await projects_price_lists.assign_price_list(
        session, world.actor("admin"), project.id, plist.id
    )


class HasId(Protocol):
    id: int


def gid(type_name: str, row: HasId) -> str:
    return str(encode_id(type_name, row.id))
