"""What still uses a category (M2): checked before a delete so the refusal can say what;
the foreign keys catch a user added since, and that is IN_USE too."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import ScalarSelect, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from db.base import Base
from db.models.actuals import Actual
from db.models.categories import ExpenseCategory, ProjectCategory
from db.models.expenses import ExpenseLine, ProjectExpense
from db.models.journals import JournalLine
from db.models.parameters import LegalEntityParameters
from db.models.prices import PriceListLine
from db.models.vendor_invoices import SubcontractLine, VendorInvoiceLine
from domain.errors import DomainError, ErrorCode

# What uses a row, in words -> how many rows of it there are.
Users = Mapping[str, ScalarSelect[Any]]


def _count(model: type[Base], column: Any, pk: int) -> ScalarSelect[Any]:
    return select(func.count()).select_from(model).where(column == pk).scalar_subquery()


def transaction_category_users(pk: int) -> Users:
    """Its shared categories are not users: they are deleted with it."""
    return {
        "expense categories": _count(ExpenseCategory, ExpenseCategory.transaction_category_id, pk),
        "project categories": _count(ProjectCategory, ProjectCategory.transaction_category_id, pk),
        "price list lines": _count(PriceListLine, PriceListLine.transaction_category_id, pk),
        "actuals": _count(Actual, Actual.transaction_category_id, pk),
        "project expenses": _count(ProjectExpense, ProjectExpense.transaction_category_id, pk),
        "vendor invoice lines": _count(
            VendorInvoiceLine, VendorInvoiceLine.transaction_category_id, pk
        ),
        "subcontract lines": _count(SubcontractLine, SubcontractLine.transaction_category_id, pk),
    }


def expense_category_users(pk: int) -> Users:
    return {"expense lines": _count(ExpenseLine, ExpenseLine.expense_category_id, pk)}


def project_category_users(pk: int) -> Users:
    return {
        "journal lines": _count(JournalLine, JournalLine.project_category_id, pk),
        "legal entity parameters (default project category)": _count(
            LegalEntityParameters, LegalEntityParameters.default_project_category_id, pk
        ),
    }


async def refuse_if_used(session: AsyncSession, what: str, users: Users) -> None:
    """One statement counts every kind of user; any user makes the delete IN_USE."""
    if not users:
        return
    counts = (await session.execute(select(*users.values()))).one()
    used = [f"{count} {label}" for label, count in zip(users, counts, strict=True) if count]
    if used:
        raise DomainError(ErrorCode.IN_USE, f"{what} is used by {', '.join(used)}.", ["id"])


async def delete_unless_used(session: AsyncSession, what: str, row: Base, users: Users) -> None:
    await refuse_if_used(session, what, users)
    await session.delete(row)
    try:
        await session.flush()
    except IntegrityError as exc:  # a user added after the check: the foreign key refuses
        raise DomainError(ErrorCode.IN_USE, f"{what} is in use.", ["id"]) from exc
