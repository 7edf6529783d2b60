"""M3: units convert through their group's base unit, never across groups."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.master_data import UnitGroup
from domain import units
from domain.errors import DomainError, ErrorCode
from tests.support.projects import time_units
from tests.support.world import World


async def test_m3_group_gets_base_unit_with_factor_one(session: AsyncSession, world: World) -> None:
    found = await time_units(session, world)
    group = await session.get(UnitGroup, found.day.unit_group_id)
    assert group is not None and group.base_unit_id == found.day.id
    assert found.day.factor == Decimal(1)
    assert found.week.factor == Decimal(7)


async def test_m3_week_converts_to_days_and_back(session: AsyncSession, world: World) -> None:
    found = await time_units(session, world)
    assert units.convert_quantity(Decimal(2), found.week, found.day) == Decimal(14)
    assert units.convert_quantity(Decimal("10.5"), found.day, found.week) == Decimal("1.5")
    assert units.convert_quantity(Decimal(3), found.day, found.day) == Decimal(3)
    # A price per week is a seventh of it per day.
    assert units.convert_unit_price(Decimal(700), found.week, found.day) == Decimal(100)


async def test_m3_conversion_across_groups_is_refused(session: AsyncSession, world: World) -> None:
    found = await time_units(session, world)
    with pytest.raises(DomainError) as refused:
        units.convert_quantity(Decimal(1), found.week, found.each)
    assert refused.value.code == ErrorCode.INCOMPATIBLE_UNITS
    with pytest.raises(DomainError):
        units.convert_unit_price(Decimal(1), found.each, found.day)


@pytest.mark.parametrize(
    ("factor", "code"),
    [
        (Decimal(0), ErrorCode.OUT_OF_RANGE),
        (Decimal(-7), ErrorCode.OUT_OF_RANGE),
        (Decimal("1.0000001"), ErrorCode.TOO_PRECISE),
    ],
)
async def test_m3_bad_factor_is_refused(
    session: AsyncSession, world: World, factor: Decimal, code: ErrorCode
) -> None:
    found = await time_units(session, world)
    with pytest.raises(DomainError) as refused:
        await units.create_unit(
            session,
            world.actor("admin"),
            units.NewUnit(found.day.unit_group_id, "MONTH", "Month", factor),
        )
    assert (refused.value.code, refused.value.field) == (code, ["factor"])


async def test_m3_only_admins_create_units(session: AsyncSession, world: World) -> None:
    with pytest.raises(DomainError) as refused:
        await units.create_unit_group(
            session, world.actor("accountant"), units.NewUnitGroup("T", "T", "D", "Day")
        )
    assert refused.value.code == ErrorCode.FORBIDDEN
    assert await session.scalar(select(func.count()).select_from(UnitGroup)) == 0
