"""Units of expense categories and their lines (M3, M4): a category's unit group and default
unit, and the unit an expense line's quantity is in, which prices it (E5)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.categories import ExpenseCategory
from db.models.master_data import Unit, UnitGroup
from domain.categories import KEEP, Keep
from domain.errors import DomainError, ErrorCode
from domain.units import get_unit


async def set_category_units(
    session: AsyncSession,
    category: ExpenseCategory,
    unit_group_id: int | Keep | None,
    default_unit_id: int | Keep | None,
) -> None:
    """Sets the category's unit group and default unit (KEEP leaves one as it is). The default
    unit must be of the group; given without a group, it names the group. Clearing the group
    clears a kept default unit, which would otherwise name the group again."""
    group = category.unit_group_id if unit_group_id is KEEP else unit_group_id
    unit = category.default_unit_id if default_unit_id is KEEP else default_unit_id
    if unit_group_id is None and default_unit_id is KEEP:
        unit = None
    assert not isinstance(group, Keep) and not isinstance(unit, Keep)
    if group is not None and await session.get(UnitGroup, group) is None:
        raise DomainError(ErrorCode.NOT_FOUND, "The unit group does not exist.", ["unitGroupId"])
    if unit is not None:
        default = await get_unit(session, unit, ["defaultUnitId"])
        if group is not None and default.unit_group_id != group:
            raise _outside_group(default, "the category's unit group", ["defaultUnitId"])
        group = default.unit_group_id
    category.unit_group_id = group
    category.default_unit_id = unit


async def line_unit(
    session: AsyncSession, category: ExpenseCategory, unit_id: int | None
) -> int | None:
    """The unit of an expense line: the one given, which must be of the category's unit group
    (M3); else the category's default unit, else its group's base unit, else none."""
    if unit_id is None:
        if category.default_unit_id is not None or category.unit_group_id is None:
            return category.default_unit_id
        base: int | None = await session.scalar(
            select(UnitGroup.base_unit_id).where(UnitGroup.id == category.unit_group_id)
        )
        return base
    unit = await get_unit(session, unit_id, ["unitId"])
    if category.unit_group_id is not None and unit.unit_group_id != category.unit_group_id:
        where = f"the unit group of expense category {category.code}"
        raise _outside_group(unit, where, ["unitId"])
    return unit.id


def _outside_group(unit: Unit, where: str, field: list[str]) -> DomainError:
    message = f"Unit {unit.code} is not in {where}: units convert only inside one group (M3)."
    return DomainError(ErrorCode.INCOMPATIBLE_UNITS, message, field)
