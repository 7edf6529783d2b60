"""Resolvers for project actuals: the list with its filters, the source document, reversal."""

from __future__ import annotations

from sqlalchemy import select

from db.models.actuals import Actual
from db.models.expenses import ExpenseLine, ExpenseReport, ProjectExpense
from db.models.journals import JournalLine
from domain import actuals
from domain.idempotency import IdempotencyRequest
from resolvers.context import Context
from resolvers.idempotency import row_codec, run_idempotent
from resolvers.mutations import Outcome
from resolvers.pagination import Page, Window, keyset_page


async def actuals_page(
    context: Context, data: actuals.ActualFilter, *, window: Window
) -> Page[Actual]:
    statement = select(Actual).where(*actuals.actual_filters(context.actor, data))
    return await keyset_page(context, statement, window)


async def expense_line_of(context: Context, project_expense_id: int) -> ExpenseLine | None:
    """The expense line an actual came from: two batched loads, whatever the page size."""
    expense = await context.loaders.by_id(ProjectExpense).load(project_expense_id)
    if expense is None:
        return None
    return await context.loaders.by_id(ExpenseLine).load(expense.expense_line_id)


async def expense_report_of(context: Context, project_expense_id: int) -> ExpenseReport | None:
    line = await expense_line_of(context, project_expense_id)
    if line is None:
        return None
    return await context.loaders.by_id(ExpenseReport).load(line.report_id)


async def journal_line_of(context: Context, actual_id: int) -> JournalLine | None:
    """The live journal line of an actual; None means pending import (A2)."""
    rows = await context.loaders.children(JournalLine, "actual_id").load(actual_id)
    return rows[0] if rows else None


async def actuals_of_expense_line(
    context: Context, line_id: int, first: int | None = None
) -> list[Actual]:
    """Cost first, then unbilled sales, then reversals (id order)."""
    expenses = await context.loaders.children(ProjectExpense, "expense_line_id").load(line_id)
    if not expenses:
        return []
    loader = context.loaders.children(Actual, "project_expense_id", first=first)
    return await loader.load(expenses[0].id)


async def reverse_actual(
    context: Context, actual_id: int, idempotency: IdempotencyRequest | None = None
) -> Outcome[Actual]:
    return await run_idempotent(
        context,
        idempotency,
        lambda session, actor: actuals.reverse_actual(session, actor, actual_id),
        row_codec(Actual),
    )
