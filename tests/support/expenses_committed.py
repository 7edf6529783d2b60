"""Committed expense data for the concurrency tests of the automatic approval job (E5).

Two job runs on two connections only see committed rows, so these rows are really committed,
under codes of their own, and removed afterwards with TRUNCATE (actuals refuse DELETE, A1).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from decimal import Decimal

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from db.models.categories import ExpenseCategory, SharedCategory, TransactionCategory
from db.models.expenses import ExpenseLine, ExpenseReport, ProjectExpense
from db.models.master_data import AppUser, LegalEntity, Project
from db.models.prices import PriceList, PriceListLine, ProjectPriceList
from tests.support.world import truncate_domain

TODAY = dt.date.today()


@dataclass
class Committed:
    entity_id: int
    user_id: int
    transaction_category_id: int
    expense_ids: list[int]


async def _master(session: AsyncSession, suffix: str) -> tuple[LegalEntity, AppUser, Project]:
    entity = LegalEntity(code=f"E5{suffix[:6]}", name="E5 Inc.", currency_code="USD")
    user = AppUser(email=f"e5-{suffix}@example.com", name="E5", roles=["employee"])
    session.add_all([entity, user])
    await session.flush()
    project = Project(
        legal_entity_id=entity.id,
        code="TM",
        name="T&M",
        manager_user_id=user.id,
        billing_type="time_and_material",
        currency_code="USD",
    )
    session.add(project)
    await session.flush()
    return entity, user, project


async def _category(session: AsyncSession, entity_id: int, suffix: str) -> ExpenseCategory:
    category = TransactionCategory(code=f"E5-{suffix}", name="E5 travel")
    session.add(category)
    await session.flush()
    shared = SharedCategory(
        transaction_category_id=category.id,
        transaction_class="expense",
        can_be_used_in_expense=True,
    )
    session.add(shared)
    await session.flush()
    expense_category = ExpenseCategory(
        legal_entity_id=entity_id,
        code="TRAVEL",
        name="Travel",
        shared_category_id=shared.id,
        transaction_category_id=category.id,
    )
    session.add(expense_category)
    await session.flush()
    return expense_category


async def _markup(session: AsyncSession, project: Project, category: ExpenseCategory) -> None:
    price_list = PriceList(
        legal_entity_id=project.legal_entity_id,
        name="Markup",
        context="sales",
        currency_code="USD",
        valid_from=TODAY - dt.timedelta(days=400),
    )
    session.add(price_list)
    await session.flush()
    session.add_all(
        [
            PriceListLine(
                legal_entity_id=project.legal_entity_id,
                price_list_id=price_list.id,
                transaction_category_id=category.transaction_category_id,
                pricing_method="markup",
                markup_percent=Decimal(25),
            ),
            ProjectPriceList(
                legal_entity_id=project.legal_entity_id,
                project_id=project.id,
                price_list_id=price_list.id,
            ),
        ]
    )


async def _posted_lines(
    session: AsyncSession, user: AppUser, project: Project, category: ExpenseCategory, count: int
) -> list[int]:
    """`count` posted lines of quantity 2 and cost 50.00 USD, as posting leaves them."""
    report = ExpenseReport(
        legal_entity_id=project.legal_entity_id,
        number="E5-1",
        employee_user_id=user.id,
        currency_code="USD",
        status="posted",
    )
    session.add(report)
    await session.flush()
    expenses = []
    for number in range(1, count + 1):
        line = ExpenseLine(
            legal_entity_id=project.legal_entity_id,
            report_id=report.id,
            line_number=number,
            date=TODAY,
            expense_category_id=category.id,
            project_id=project.id,
            quantity=Decimal(2),
            amount=Decimal("50.00"),
            currency_code="USD",
            approval_status="approved",
        )
        session.add(line)
        await session.flush()
        expense = ProjectExpense(
            legal_entity_id=project.legal_entity_id,
            expense_line_id=line.id,
            project_id=project.id,
            transaction_category_id=category.transaction_category_id,
            date=TODAY,
            quantity=Decimal(2),
            cost_amount=Decimal("50.00"),
            currency_code="USD",
            chargeable=True,
        )
        session.add(expense)
        await session.flush()
        expenses.append(expense.id)
    return expenses


@pytest.fixture
async def committed_expenses(engine: AsyncEngine) -> AsyncIterator[Committed]:
    """Four posted, chargeable expenses on a time-and-material project with a 25 % markup."""
    suffix = uuid.uuid4().hex[:8]
    async with AsyncSession(engine, expire_on_commit=False) as session:
        entity, user, project = await _master(session, suffix)
        category = await _category(session, entity.id, suffix)
        await _markup(session, project, category)
        expense_ids = await _posted_lines(session, user, project, category, 4)
        await session.commit()
    data = Committed(entity.id, user.id, category.transaction_category_id, expense_ids)
    try:
        yield data
    finally:
        await truncate_domain(engine)
