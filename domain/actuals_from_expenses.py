"""E5: the actuals of a posted project expense, made by the automatic approval job.

One cost actual (net + non-recoverable tax, exactly the amount the voucher debited, so the
integration account clears when the journal posts it, L5) and, for a time-and-material project
and a chargeable line, one unbilled sales actual priced by the sales price list (M4).
Exactly one of each per expense: the expense row is claimed FOR UPDATE SKIP LOCKED, and the
partial unique index uq_actual_expense_type makes a concurrent or repeated insert do nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.actuals import Actual, ActualSource, ActualType, AdjustmentStatus
from db.models.categories import TransactionClass
from db.models.expenses import ExpenseLine, ProjectExpense
from db.models.master_data import BillingType, Project
from domain.errors import DomainError
from domain.prices import round_price
from domain.prices_sales import SalesQuery, unbilled_sales

# The predicate of the partial unique index, for ON CONFLICT to infer it.
EXPENSE_INDEX_WHERE = text("reverses_actual_id IS NULL AND project_expense_id IS NOT NULL")


@dataclass(frozen=True)
class ExpenseActuals:
    """What one expense produced: how many actuals were inserted, any pricing warning, and
    why its unbilled sales actual could not be made yet (it stays pending for that)."""

    expense_id: int
    inserted: int
    pricing_warning: str | None
    sales_pending: DomainError | None = None


async def pending_expense_count(session: AsyncSession) -> int:
    pending = select(func.count()).where(ProjectExpense.actuals_created_at.is_(None))
    return int(await session.scalar(pending) or 0)


async def pending_expense_ids(session: AsyncSession, limit: int, after_id: int = 0) -> list[int]:
    """Posted project expenses whose actuals are not made yet, by id after `after_id`."""
    rows = await session.scalars(
        select(ProjectExpense.id)
        .where(ProjectExpense.actuals_created_at.is_(None), ProjectExpense.id > after_id)
        .order_by(ProjectExpense.id)
        .limit(limit)
    )
    return list(rows)


def _base(expense: ProjectExpense, unit_id: int | None) -> dict[str, Any]:
    return {
        "legal_entity_id": expense.legal_entity_id,
        "transaction_class": TransactionClass.EXPENSE.value,
        "source_type": ActualSource.EXPENSE.value,
        "project_expense_id": expense.id,
        "project_id": expense.project_id,
        "task_id": expense.task_id,
        "transaction_category_id": expense.transaction_category_id,
        "transaction_date": expense.date,
        "quantity": expense.quantity,
        "unit_id": unit_id,
        "adjustment_status": AdjustmentStatus.ADJUSTABLE.value,
    }


def _unit_cost(expense: ProjectExpense) -> Decimal:
    return round_price(expense.cost_amount / expense.quantity)


async def _line_unit(session: AsyncSession, expense: ProjectExpense) -> int | None:
    """The unit of the expense's quantity: the expense line's (a project expense keeps none)."""
    unit_id: int | None = await session.scalar(
        select(ExpenseLine.unit_id).where(ExpenseLine.id == expense.expense_line_id)
    )
    return unit_id


async def _sales_values(
    session: AsyncSession, expense: ProjectExpense, unit_id: int | None
) -> dict[str, Any]:
    """Priced by the project's sales price list valid on the line's date (prices_sales.py), per
    the line's unit: a price kept in another unit of its group is converted (M3)."""
    query = SalesQuery(
        project_id=expense.project_id,
        transaction_category_id=expense.transaction_category_id,
        unit_id=unit_id,
        date=expense.date,
        quantity=expense.quantity,
        unit_cost=_unit_cost(expense),
        cost_currency=expense.currency_code,
    )
    sales = await unbilled_sales(session, query)
    return {
        "actual_type": ActualType.UNBILLED_SALES.value,
        "currency_code": sales.currency_code,
        "unit_amount": sales.unit_amount,
        "amount": sales.amount,
        "pricing_warning": sales.pricing_warning,
    }


async def _insert(session: AsyncSession, values: dict[str, Any]) -> int:
    result = await session.execute(
        insert(Actual)
        .values(values)
        .on_conflict_do_nothing(
            index_elements=["project_expense_id", "actual_type"],
            index_where=EXPENSE_INDEX_WHERE,
        )
        .returning(Actual.id)
    )
    return len(result.all())


async def _claim(session: AsyncSession, expense_id: int) -> ProjectExpense | None:
    """The expense if nobody else is making its actuals and they are not made yet."""
    expense: ProjectExpense | None = await session.scalar(
        select(ProjectExpense)
        .where(ProjectExpense.id == expense_id, ProjectExpense.actuals_created_at.is_(None))
        .with_for_update(skip_locked=True)
    )
    return expense


async def create_expense_actuals(
    session: AsyncSession, expense_id: int, now: dt.datetime
) -> ExpenseActuals | None:
    """The expense's actuals (the caller commits); None when another run has it or had it.
    The cost actual is made at once; an unbilled sales actual that cannot be priced yet (a
    missing rate, say) is left for the next run, and the result says why."""
    expense = await _claim(session, expense_id)
    if expense is None:
        return None
    unit_id = await _line_unit(session, expense)
    base = _base(expense, unit_id)
    inserted = await _insert(
        session,
        base
        | {
            "actual_type": ActualType.COST.value,
            "currency_code": expense.currency_code,
            "unit_amount": _unit_cost(expense),
            "amount": expense.cost_amount,
        },
    )
    warning, sales_pending = None, None
    billing_type = await session.scalar(
        select(Project.billing_type).where(Project.id == expense.project_id)
    )
    if billing_type == BillingType.TIME_AND_MATERIAL and expense.chargeable:
        try:
            sales = await _sales_values(session, expense, unit_id)  # reads only
        except DomainError as error:
            # The cost is known whatever the sales price: it is kept, and the expense stays
            # pending so a later run makes the sales actual once its rate exists.
            sales_pending = error
        else:
            warning = sales["pricing_warning"]
            inserted += await _insert(session, base | sales)
    if sales_pending is None:
        await session.execute(
            update(ProjectExpense)
            .where(ProjectExpense.id == expense.id)
            .values(actuals_created_at=now)
        )
    return ExpenseActuals(expense.id, inserted, warning, sales_pending)
