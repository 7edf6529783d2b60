"""Actuals waiting in staging, built straight through the models for journal tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import dataclass
from decimal import Decimal

import pytest
from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from config import Settings
from db.models.actuals import Actual
from db.models.categories import TransactionClass
from db.models.expenses import ExpenseLine, ExpenseReport, ProjectExpense
from db.models.journals import JournalLine
from db.models.master_data import ExchangeRate, Project
from db.models.parameters import LegalEntityParameters
from tests.support.categories import expense_category, transaction_category
from tests.support.world import TODAY, World, build_world, truncate_domain


@dataclass
class Staging:
    """What a batch of actuals hangs from: one project, one report, one category."""

    legal_entity_id: int
    project_id: int
    category_id: int
    expense_category_id: int
    report_id: int
    currency: str


async def staging(session: AsyncSession, world: World, code: str = "USPM") -> Staging:
    company = world.companies[code]
    entity_id = company.entity.id
    # Through the domain, so the category has its five shared categories (M2).
    category, shared = await transaction_category(session, world, f"TRAVEL-{code}")
    travel = await expense_category(
        session, world, code, "TRAVEL", shared[TransactionClass.EXPENSE]
    )
    project = Project(
        legal_entity_id=entity_id,
        code="P1",
        name="Project 1",
        manager_user_id=world.users["manager"].id,
        billing_type="time_and_material",
        currency_code=company.entity.currency_code,
    )
    session.add(project)
    await session.flush()
    report = ExpenseReport(
        legal_entity_id=entity_id,
        number=f"EXP-{code}",
        employee_user_id=world.users["employee"].id,
        currency_code=company.entity.currency_code,
        status="posted",
    )
    session.add(report)
    await session.flush()
    return Staging(
        entity_id,
        project.id,
        category.id,
        travel.id,
        report.id,
        company.entity.currency_code,
    )


async def add_actuals(
    session: AsyncSession,
    base: Staging,
    amounts: list[Decimal],
    *,
    date: dt.date = TODAY,
    currency: str | None = None,
) -> list[int]:
    """One posted expense line, project expense and cost actual per amount (set-based)."""
    currency = currency or base.currency
    start = (
        await session.scalar(
            select(ExpenseLine.line_number)
            .where(ExpenseLine.report_id == base.report_id)
            .order_by(ExpenseLine.line_number.desc())
            .limit(1)
        )
    ) or 0
    line_ids = (
        await session.scalars(
            insert(ExpenseLine).returning(ExpenseLine.id),
            [
                {
                    "legal_entity_id": base.legal_entity_id,
                    "report_id": base.report_id,
                    "line_number": start + index,
                    "date": date,
                    "expense_category_id": base.expense_category_id,
                    "project_id": base.project_id,
                    "amount": abs(amount),
                    "currency_code": currency,
                    "approval_status": "approved",
                }
                for index, amount in enumerate(amounts, start=1)
            ],
        )
    ).all()
    expense_ids = (
        await session.scalars(
            insert(ProjectExpense).returning(ProjectExpense.id),
            [
                {
                    "legal_entity_id": base.legal_entity_id,
                    "expense_line_id": line_id,
                    "project_id": base.project_id,
                    "transaction_category_id": base.category_id,
                    "date": date,
                    "quantity": Decimal(1),
                    "cost_amount": abs(amount),
                    "currency_code": currency,
                    "chargeable": True,
                    # Its actual is made below: the automatic approval job must skip it.
                    "actuals_created_at": dt.datetime.now(dt.UTC),
                }
                for line_id, amount in zip(line_ids, amounts, strict=True)
            ],
        )
    ).all()
    actual_ids = (
        await session.scalars(
            insert(Actual).returning(Actual.id),
            [
                {
                    "legal_entity_id": base.legal_entity_id,
                    "actual_type": "cost",
                    "transaction_class": "expense",
                    "source_type": "expense",
                    "project_expense_id": expense_id,
                    "project_id": base.project_id,
                    "transaction_category_id": base.category_id,
                    "transaction_date": date,
                    "quantity": Decimal(1),
                    "currency_code": currency,
                    "unit_amount": amount,
                    "amount": amount,
                }
                for expense_id, amount in zip(expense_ids, amounts, strict=True)
            ],
        )
    ).all()
    return list(actual_ids)


async def add_rate(
    session: AsyncSession, source: str, target: str, rate: str, valid_from: dt.date
) -> None:
    session.add(
        ExchangeRate(
            from_currency=source, to_currency=target, rate=Decimal(rate), valid_from=valid_from
        )
    )
    await session.flush()


# Everything a committed journal test creates; TRUNCATE also passes the immutability guards.
DOMAIN_TABLES = "legal_entity, app_user, transaction_category, exchange_rate, unit_group, audit_log"


@pytest.fixture
async def committed_world(
    engine: AsyncEngine, settings: Settings, committed: async_sessionmaker[AsyncSession]
) -> AsyncIterator[World]:
    """The shared world, committed for real (jobs and concurrent posters see it)."""
    async with committed() as session:
        world = await build_world(session, settings)
    yield world
    await truncate_domain(engine)


LAST_MONTH = (TODAY.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


async def set_parameters(session: AsyncSession, entity_id: int, **values: object) -> None:
    await session.execute(
        update(LegalEntityParameters)
        .where(LegalEntityParameters.legal_entity_id == entity_id)
        .values(**values)
    )


async def journal_lines(session: AsyncSession, entity_id: int) -> list[JournalLine]:
    """The legal entity's journal lines in the order of their actuals."""
    return list(
        await session.scalars(
            select(JournalLine)
            .where(JournalLine.legal_entity_id == entity_id)
            .order_by(JournalLine.actual_id)
        )
    )
