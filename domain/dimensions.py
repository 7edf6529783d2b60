"""Financial dimensions as master data (J4, J5): per legal entity, dimensions (Department) and
their allowed values (Sales, Ops), each active or not. A journal line's distribution names
active ones only (dimensions_check.py), and posting refuses a line whose value has since
become inactive or gone. Nothing is deleted here: deactivating keeps the history readable."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.dimensions import FinancialDimension, FinancialDimensionValue
from db.models.master_data import Role
from domain.actors import Actor
from domain.errors import DomainError, ErrorCode
from domain.master_data import entity_by_code
from domain.scope import callers_row
from domain.validation import require_code, require_text

VALUE_LIMIT = 60  # financial_dimension_value.value and journal_line_dimension.value
NAME_LIMIT = 200


@dataclass(frozen=True)
class NewDimension:
    legal_entity: str
    code: str
    name: str


@dataclass(frozen=True)
class DimensionChanges:
    """None keeps a field as it is."""

    dimension_id: int
    name: str | None = None
    active: bool | None = None


@dataclass(frozen=True)
class NewDimensionValue:
    dimension_id: int
    value: str
    name: str = ""


@dataclass(frozen=True)
class DimensionValueChanges:
    """None keeps a field as it is."""

    value_id: int
    name: str | None = None
    active: bool | None = None


async def create_dimension(
    session: AsyncSession, actor: Actor, data: NewDimension
) -> FinancialDimension:
    actor.require_role(Role.ACCOUNTANT)
    entity = await entity_by_code(session, actor, data.legal_entity, ["legalEntity"])
    code = require_code(data.code, ["code"])
    name = require_text(data.name, ["name"], NAME_LIMIT)
    taken = select(FinancialDimension.id).where(
        FinancialDimension.legal_entity_id == entity.id, FinancialDimension.code == code
    )
    if await session.scalar(taken) is not None:
        message = f"{entity.code} has financial dimension {code} already."
        raise DomainError(ErrorCode.DUPLICATE, message, ["code"])
    dimension = FinancialDimension(legal_entity_id=entity.id, code=code, name=name, active=True)
    session.add(dimension)
    await session.flush()
    return dimension


async def update_dimension(
    session: AsyncSession, actor: Actor, data: DimensionChanges
) -> FinancialDimension:
    """A new name, or (de)activation: an inactive dimension takes no new distributions and
    its lines no longer post (J4, J5)."""
    actor.require_role(Role.ACCOUNTANT)
    dimension = await _callers_dimension(session, actor, data.dimension_id, ["id"])
    if data.name is not None:
        dimension.name = require_text(data.name, ["name"], NAME_LIMIT)
    if data.active is not None:
        dimension.active = data.active
    await session.flush()
    return dimension


async def add_dimension_value(
    session: AsyncSession, actor: Actor, data: NewDimensionValue
) -> FinancialDimensionValue:
    actor.require_role(Role.ACCOUNTANT)
    dimension = await _callers_dimension(session, actor, data.dimension_id, ["dimensionId"])
    value = require_text(data.value, ["value"], VALUE_LIMIT)
    name = _optional_name(data.name)
    taken = select(FinancialDimensionValue.id).where(
        FinancialDimensionValue.dimension_id == dimension.id,
        FinancialDimensionValue.value == value,
    )
    if await session.scalar(taken) is not None:
        message = f"Financial dimension {dimension.code} has value {value} already."
        raise DomainError(ErrorCode.DUPLICATE, message, ["value"])
    row = FinancialDimensionValue(
        legal_entity_id=dimension.legal_entity_id,
        dimension_id=dimension.id,
        value=value,
        name=name,
        active=True,
    )
    session.add(row)
    await session.flush()
    return row


async def update_dimension_value(
    session: AsyncSession, actor: Actor, data: DimensionValueChanges
) -> FinancialDimensionValue:
    """A new name, or (de)activation: an inactive value takes no new distributions and its
    lines no longer post (J4, J5)."""
    actor.require_role(Role.ACCOUNTANT)
    row = await callers_row(
        session,
        actor,
        FinancialDimensionValue,
        data.value_id,
        missing="The financial dimension value does not exist.",
        field=["id"],
        for_update=True,
    )
    if data.name is not None:
        row.name = _optional_name(data.name)
    if data.active is not None:
        row.active = data.active
    await session.flush()
    return row


async def _callers_dimension(
    session: AsyncSession, actor: Actor, dimension_id: int, field: list[str]
) -> FinancialDimension:
    """A dimension of the caller's legal entities, locked until commit; else NOT_FOUND (M1)."""
    return await callers_row(
        session,
        actor,
        FinancialDimension,
        dimension_id,
        missing="The financial dimension does not exist.",
        field=field,
        for_update=True,
    )


def _optional_name(name: str) -> str:
    """A value's name may be blank (the value says it all), never too long."""
    return require_text(name, ["name"], NAME_LIMIT) if name.strip() else ""
