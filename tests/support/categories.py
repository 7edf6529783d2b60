"""Category rows for tests (M2), made through the domain so they obey its rules."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.categories import (
    ExpenseCategory,
    ProjectCategory,
    SharedCategory,
    TransactionCategory,
    TransactionClass,
)
from db.models.expenses import ExpenseLine, ExpenseReport
from domain import categories, categories_entity
from tests.support.world import World


async def transaction_category(
    session: AsyncSession, world: World, code: str, *, usable_in_expense: bool = True
) -> tuple[TransactionCategory, dict[str, SharedCategory]]:
    """A transaction category and its shared categories by class; the expense one usable
    in expense unless told otherwise."""
    admin = world.actor("admin")
    category = await categories.create_transaction_category(
        session, admin, categories.NewTransactionCategory(code=code, name=f"{code} name")
    )
    shared = {
        row.transaction_class: row
        for row in await session.scalars(
            select(SharedCategory).where(SharedCategory.transaction_category_id == category.id)
        )
    }
    if usable_in_expense:
        await categories.update_shared_category(
            session,
            admin,
            categories.SharedCategoryChanges(
                shared[TransactionClass.EXPENSE].id, can_be_used_in_expense=True
            ),
        )
    return category, shared


async def expense_category(
    session: AsyncSession, world: World, entity: str, code: str, shared: SharedCategory
) -> ExpenseCategory:
    return await categories_entity.create_expense_category(
        session,
        world.actor("accountant"),
        categories_entity.NewExpenseCategory(entity, code, f"{code} name", shared.id),
    )


async def project_category(
    session: AsyncSession, world: World, entity: str, code: str, transaction_category_id: int
) -> ProjectCategory:
    return await categories_entity.create_project_category(
        session,
        world.actor("accountant"),
        categories_entity.NewProjectCategory(entity, code, f"{code} name", transaction_category_id),
    )


async def expense_line_using(
    session: AsyncSession, world: World, category: ExpenseCategory
) -> ExpenseLine:
    """A draft expense line of the category's legal entity that uses it."""
    report = ExpenseReport(
        legal_entity_id=category.legal_entity_id,
        number=f"T-{category.id}",
        employee_user_id=world.users["employee"].id,
        currency_code="USD",
    )
    session.add(report)
    await session.flush()
    line = ExpenseLine(
        legal_entity_id=category.legal_entity_id,
        report_id=report.id,
        line_number=1,
        date=dt.date.today(),
        expense_category_id=category.id,
        amount=Decimal("12.50"),
        currency_code="USD",
    )
    session.add(line)
    await session.flush()
    return line
