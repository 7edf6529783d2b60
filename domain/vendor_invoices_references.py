"""V2, V3, V4 (units): what an invoice line refers to, checked against its invoice.

A subcontract line defaults project, task and transaction category, and a value it has may not
be overridden (V2). Project and task are the invoice's legal entity's; another entity's id
answers exactly like a made-up one (M1).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.categories import ExpenseCategory, TransactionCategory
from db.models.master_data import LegalEntity, Project, Task, Unit, UnitGroup
from db.models.vendor_invoices import Subcontract, SubcontractLine, VendorInvoice
from domain.errors import DomainError, ErrorCode


@dataclass(frozen=True)
class Units:
    group_id: int | None
    unit: Unit | None


async def subcontract_line_of(
    session: AsyncSession, invoice: VendorInvoice, line_id: int
) -> SubcontractLine:
    """V2: a line of the invoice's own subcontract."""
    field = ["subcontractLineId"]
    line = await session.scalar(
        select(SubcontractLine).where(
            SubcontractLine.id == line_id,
            SubcontractLine.legal_entity_id == invoice.legal_entity_id,
        )
    )
    if line is None:
        raise DomainError(ErrorCode.NOT_FOUND, "The subcontract line does not exist.", field)
    if invoice.subcontract_id is None:
        raise DomainError(
            ErrorCode.INVALID,
            f"Vendor invoice {invoice.number} has no subcontract: its lines reference none (V2).",
            field,
        )
    if line.subcontract_id != invoice.subcontract_id:
        number = await session.scalar(
            select(Subcontract.number).where(Subcontract.id == invoice.subcontract_id)
        )
        raise DomainError(
            ErrorCode.INVALID,
            f"The subcontract line is not a line of subcontract {number}, the invoice's (V2).",
            field,
        )
    return line


def defaulted(given: int | None, ordered: int | None, what: str, field: str) -> int | None:
    """V2: the subcontract line's value when none is given; a different one is refused."""
    if given is not None and ordered is not None and given != ordered:
        raise DomainError(
            ErrorCode.INVALID,
            f"The {what} may not differ from the subcontract line's (V2).",
            [field],
        )
    return given if given is not None else ordered


async def project_of(session: AsyncSession, legal_entity_id: int, project_id: int) -> Project:
    project = await session.scalar(
        select(Project).where(Project.id == project_id, Project.legal_entity_id == legal_entity_id)
    )
    if project is None:
        raise DomainError(ErrorCode.NOT_FOUND, "The project does not exist.", ["projectId"])
    return project


async def task_of(session: AsyncSession, project: Project, task_id: int) -> int:
    """V3: a task of the line's project."""
    task = await session.scalar(
        select(Task).where(Task.id == task_id, Task.legal_entity_id == project.legal_entity_id)
    )
    if task is None:
        raise DomainError(ErrorCode.NOT_FOUND, "The task does not exist.", ["taskId"])
    if task.project_id != project.id:
        raise DomainError(
            ErrorCode.INVALID, f"The task is not a task of project {project.code}.", ["taskId"]
        )
    return task.id


async def category_of(
    session: AsyncSession, legal_entity_id: int, category_id: int
) -> TransactionCategory:
    """V3: a transaction category that has an expense category in the invoice's entity."""
    field = ["transactionCategoryId"]
    category = await session.get(TransactionCategory, category_id)
    if category is None:
        raise DomainError(ErrorCode.NOT_FOUND, "The transaction category does not exist.", field)
    expense = await session.scalar(
        select(ExpenseCategory.id).where(
            ExpenseCategory.transaction_category_id == category.id,
            ExpenseCategory.legal_entity_id == legal_entity_id,
        )
    )
    if expense is None:
        entity = await session.scalar(
            select(LegalEntity.code).where(LegalEntity.id == legal_entity_id)
        )
        raise DomainError(
            ErrorCode.NOT_USABLE_IN_EXPENSE,
            f"Transaction category {category.code} has no expense category in {entity} (V3).",
            field,
        )
    return category


async def units_of(
    session: AsyncSession, category: TransactionCategory, unit_id: int | None
) -> Units:
    """V4: the category's unit group, and the given unit (of that group) or its base unit."""
    group_id = category.unit_group_id
    if unit_id is None:
        if group_id is None:
            return Units(None, None)
        base = await session.scalar(select(UnitGroup.base_unit_id).where(UnitGroup.id == group_id))
        return Units(group_id, await session.get(Unit, base) if base else None)
    unit = await session.get(Unit, unit_id)
    if unit is None:
        raise DomainError(ErrorCode.NOT_FOUND, "The unit does not exist.", ["unitId"])
    if group_id is not None and unit.unit_group_id != group_id:
        raise DomainError(
            ErrorCode.INCOMPATIBLE_UNITS,
            f"Unit {unit.code} is not in the unit group of category {category.code} (V4).",
            ["unitId"],
        )
    return Units(unit.unit_group_id, unit)
