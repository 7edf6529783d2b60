"""Vendors and subcontracts (V2): who invoices, and what was ordered from them for projects.

A subcontract line orders services for an expense category (transaction class Expense), so its
project, task and category follow the rules of an invoice line (V3), checked the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.vendor_invoices import Subcontract, SubcontractLine, Vendor
from domain.actors import Actor
from domain.errors import DomainError, DomainErrors, ErrorCode
from domain.master_data import entity_by_code, get_currency
from domain.validation import Collector, check_decimal, require_code, require_text
from domain.vendor_invoices import require_procurement
from domain.vendor_invoices_references import category_of, project_of, task_of, units_of

MAX_LINES = 100  # one subcontract is entered in one call


@dataclass(frozen=True)
class NewVendor:
    legal_entity: str
    code: str
    name: str
    currency_code: str | None = None


@dataclass(frozen=True)
class OrderedLine:
    project_id: int
    transaction_category_id: int
    task_id: int | None = None
    quantity: Decimal | None = None
    unit_id: int | None = None
    unit_price: Decimal | None = None
    description: str = ""


@dataclass(frozen=True)
class NewSubcontract:
    legal_entity: str
    vendor_id: int
    number: str
    lines: list[OrderedLine]
    currency_code: str | None = None  # None: the vendor's, else the legal entity's


async def create_vendor(session: AsyncSession, actor: Actor, data: NewVendor) -> Vendor:
    require_procurement(actor)
    entity = await entity_by_code(session, actor, data.legal_entity, ["legalEntity"])
    code = require_code(data.code, ["code"])
    currency = None
    if data.currency_code is not None:
        currency = (await get_currency(session, data.currency_code, ["currencyCode"])).code
    taken = select(Vendor.id).where(Vendor.legal_entity_id == entity.id, Vendor.code == code)
    if await session.scalar(taken) is not None:
        raise DomainError(ErrorCode.DUPLICATE, f"Vendor {code} exists already.", ["code"])
    vendor = Vendor(
        legal_entity_id=entity.id,
        code=code,
        name=require_text(data.name, ["name"]),
        currency_code=currency,
    )
    session.add(vendor)
    await session.flush()
    return vendor


async def _ordered_line(
    session: AsyncSession, entity_id: int, line: OrderedLine, path: list[str]
) -> dict[str, object]:
    """One line's columns, or every failure of it with its path (`lines.2.projectId`)."""
    found = Collector()

    def at(error: DomainError) -> DomainError:
        return DomainError(error.code, error.message, [*path, *(error.field or [])])

    project = await found.run_async(project_of(session, entity_id, line.project_id))
    task_id = None
    if project is not None and line.task_id is not None:
        task_id = await found.run_async(task_of(session, project, line.task_id))
    category = await found.run_async(category_of(session, entity_id, line.transaction_category_id))
    units = await found.run_async(units_of(session, category, line.unit_id)) if category else None
    quantity = found.run(
        lambda: (
            check_decimal(line.quantity, ["quantity"], places=4, exclusive_minimum=True)
            if line.quantity is not None
            else None
        )
    )
    price = found.run(
        lambda: (
            check_decimal(line.unit_price, ["unitPrice"], places=6)
            if line.unit_price is not None
            else None
        )
    )
    description = found.run(
        lambda: (
            require_text(line.description, ["description"], 1000)
            if line.description.strip()
            else ""
        )
    )
    if found.errors:
        raise DomainErrors([at(error) for error in found.errors])
    assert project is not None and category is not None and units is not None
    return {
        "project_id": project.id,
        "task_id": task_id,
        "transaction_category_id": category.id,
        "quantity": quantity,
        "unit_id": units.unit.id if units.unit is not None else None,
        "unit_price": price,
        "description": description,
    }


async def _checked_lines(
    session: AsyncSession, entity_id: int, lines: list[OrderedLine]
) -> list[dict[str, object]]:
    if not 1 <= len(lines) <= MAX_LINES:
        raise DomainError(
            ErrorCode.OUT_OF_RANGE, f"A subcontract has 1 to {MAX_LINES} lines.", ["lines"]
        )
    errors: list[DomainError] = []
    checked = []
    for index, line in enumerate(lines):
        try:
            checked.append(await _ordered_line(session, entity_id, line, ["lines", str(index)]))
        except DomainErrors as failed:
            errors.extend(failed.errors)
    if errors:
        raise DomainErrors(errors)
    return checked


async def create_subcontract(
    session: AsyncSession, actor: Actor, data: NewSubcontract
) -> Subcontract:
    """A vendor's subcontract with its lines, numbered from 1 in the given order."""
    require_procurement(actor)
    entity = await entity_by_code(session, actor, data.legal_entity, ["legalEntity"])
    vendor = await session.scalar(
        select(Vendor).where(Vendor.id == data.vendor_id, Vendor.legal_entity_id == entity.id)
    )
    if vendor is None:
        raise DomainError(ErrorCode.NOT_FOUND, "The vendor does not exist.", ["vendorId"])
    number = require_text(data.number, ["number"], 40)
    taken = select(Subcontract.id).where(
        Subcontract.legal_entity_id == entity.id, Subcontract.number == number
    )
    if await session.scalar(taken) is not None:
        raise DomainError(ErrorCode.DUPLICATE, f"Subcontract {number} exists already.", ["number"])
    currency = data.currency_code or vendor.currency_code or entity.currency_code
    currency = (await get_currency(session, currency, ["currencyCode"])).code
    lines = await _checked_lines(session, entity.id, data.lines)
    subcontract = Subcontract(
        legal_entity_id=entity.id, vendor_id=vendor.id, number=number, currency_code=currency
    )
    session.add(subcontract)
    await session.flush()
    session.add_all(
        SubcontractLine(
            legal_entity_id=entity.id, subcontract_id=subcontract.id, line_number=number_, **values
        )
        for number_, values in enumerate(lines, start=1)
    )
    await session.flush()
    return subcontract
