"""Unit groups, units and quantity conversion inside one group (M3). Units are global."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.master_data import Role, Unit, UnitGroup
from domain.actors import Actor
from domain.errors import DomainError, ErrorCode
from domain.global_master_data import require_global_role
from domain.validation import check_decimal, require_code, require_text

BASE_FACTOR = Decimal("1.000000")
MAX_FACTOR = Decimal("9999999999999")  # NUMERIC(19,6) keeps 13 integer digits
# Global: changed only with access to every legal entity (domain/global_master_data.py).
UNITS = "Unit groups and units"


@dataclass(frozen=True)
class NewUnitGroup:
    code: str
    name: str
    base_unit_code: str
    base_unit_name: str


@dataclass(frozen=True)
class NewUnit:
    unit_group_id: int
    code: str
    name: str
    factor: Decimal


def convert_quantity(quantity: Decimal, from_unit: Unit, to_unit: Unit) -> Decimal:
    """`quantity` in `from_unit` expressed in `to_unit` (2 Week -> 14 Day), unrounded:
    the caller rounds once, when it stores the value. Refused across groups (M3)."""
    _same_group(from_unit, to_unit)
    if from_unit.id == to_unit.id:
        return quantity
    return quantity * from_unit.factor / to_unit.factor


def convert_unit_price(price: Decimal, from_unit: Unit, to_unit: Unit) -> Decimal:
    """A price per `from_unit` as a price per `to_unit` (70 per Week -> 10 per Day), unrounded."""
    _same_group(from_unit, to_unit)
    if from_unit.id == to_unit.id:
        return price
    return price * to_unit.factor / from_unit.factor


def _same_group(from_unit: Unit, to_unit: Unit) -> None:
    if from_unit.unit_group_id != to_unit.unit_group_id:
        raise DomainError(
            ErrorCode.INCOMPATIBLE_UNITS,
            f"Unit {from_unit.code} cannot be converted to {to_unit.code}: "
            "they belong to different unit groups.",
            ["unitId"],
        )


async def get_unit(session: AsyncSession, unit_id: int, field: list[str]) -> Unit:
    unit = await session.get(Unit, unit_id)
    if unit is None:
        raise DomainError(ErrorCode.NOT_FOUND, "The unit does not exist.", field)
    return unit


async def create_unit_group(session: AsyncSession, actor: Actor, data: NewUnitGroup) -> UnitGroup:
    """The group and its base unit (factor 1) together, so a group always has a base."""
    await require_global_role(session, actor, UNITS, Role.ADMIN)
    code = require_code(data.code, ["code"])
    name = require_text(data.name, ["name"])
    base_code = require_code(data.base_unit_code, ["baseUnitCode"])
    base_name = require_text(data.base_unit_name, ["baseUnitName"])
    if await session.scalar(select(UnitGroup.id).where(UnitGroup.code == code)):
        raise DomainError(ErrorCode.DUPLICATE, f"Unit group {code} exists already.", ["code"])
    group = UnitGroup(code=code, name=name)
    session.add(group)
    await session.flush()
    base = Unit(unit_group_id=group.id, code=base_code, name=base_name, factor=BASE_FACTOR)
    session.add(base)
    await session.flush()
    group.base_unit_id = base.id
    await session.flush()
    return group


async def create_unit(session: AsyncSession, actor: Actor, data: NewUnit) -> Unit:
    await require_global_role(session, actor, UNITS, Role.ADMIN)
    code = require_code(data.code, ["code"])
    name = require_text(data.name, ["name"])
    factor = check_decimal(
        data.factor,
        ["factor"],
        places=6,
        minimum=Decimal(0),
        exclusive_minimum=True,
        maximum=MAX_FACTOR,
    )
    if await session.get(UnitGroup, data.unit_group_id) is None:
        raise DomainError(ErrorCode.NOT_FOUND, "The unit group does not exist.", ["unitGroupId"])
    taken = await session.scalar(
        select(Unit.id).where(Unit.unit_group_id == data.unit_group_id, Unit.code == code)
    )
    if taken:
        raise DomainError(ErrorCode.DUPLICATE, f"Unit {code} exists in this group.", ["code"])
    # At the column's scale (exact: checked above), as a read-back would show it.
    factor = factor.quantize(Decimal("0.000001"))
    unit = Unit(unit_group_id=data.unit_group_id, code=code, name=name, factor=factor)
    session.add(unit)
    await session.flush()
    return unit
