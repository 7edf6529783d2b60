"""Resolvers for expense reports: the list and its filters, and every mutation of E1-E4.

Nested objects (lines, approvals, voucher, actuals) are loaded by the schema types through
`info.context.loaders`, so a page costs the same number of statements whatever its size.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, false, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.expenses import ExpenseLine, ExpenseReport, LineApproval, ReportStatus
from db.models.jobs import JobRun
from db.models.master_data import LegalEntity, Project, Role
from domain import expenses, expenses_approval, expenses_posting
from domain.actors import Actor
from domain.expenses_lines import ExpenseLineData
from domain.expenses_visibility import visible_reports
from domain.idempotency import IdempotencyRequest
from jobs.approval import defer_automatic_approval
from resolvers.context import Context
from resolvers.idempotency import Codec, run_idempotent
from resolvers.mutations import Outcome, run_mutation
from resolvers.pagination import Page, Window, keyset_page


@dataclass(frozen=True)
class ReportFilter:
    status: ReportStatus | None = None
    employee_id: int | None = None
    project_id: int | None = None
    legal_entity: str | None = None
    from_date: dt.date | None = None
    to_date: dt.date | None = None
    awaiting_my_approval: bool = False


def _has_line(*conditions: ColumnElement[bool]) -> ColumnElement[bool]:
    return exists().where(ExpenseLine.report_id == ExpenseReport.id, *conditions)


def awaiting(actor: Actor) -> ColumnElement[bool]:
    """Submitted reports of others with a pending line the caller may approve (E2)."""
    unassigned = actor.has_role(Role.PROJECT_MANAGER, Role.ACCOUNTANT)
    mine = (
        true()
        if actor.is_admin
        else or_(
            ExpenseLine.project_id.in_(
                select(Project.id).where(Project.manager_user_id == actor.user_id)
            ),
            and_(ExpenseLine.project_id.is_(None), true() if unassigned else false()),
        )
    )
    others = true() if actor.is_admin else ExpenseReport.employee_user_id != actor.user_id
    return and_(
        ExpenseReport.status == ReportStatus.SUBMITTED,
        others,
        _has_line(ExpenseLine.approval_status == LineApproval.PENDING, mine),
    )


def report_filters(actor: Actor, data: ReportFilter) -> list[ColumnElement[bool]]:
    clauses = [visible_reports(actor)]
    if data.status is not None:
        clauses.append(ExpenseReport.status == data.status)
    if data.employee_id is not None:
        clauses.append(ExpenseReport.employee_user_id == data.employee_id)
    if data.legal_entity is not None:
        clauses.append(
            ExpenseReport.legal_entity_id
            == select(LegalEntity.id)
            .where(LegalEntity.code == data.legal_entity.upper())
            .scalar_subquery()
        )
    if data.project_id is not None:
        clauses.append(_has_line(ExpenseLine.project_id == data.project_id))
    # One line inside the range, not one line after its start and another before its end.
    dated: list[ColumnElement[bool]] = []
    if data.from_date is not None:
        dated.append(ExpenseLine.date >= data.from_date)
    if data.to_date is not None:
        dated.append(ExpenseLine.date <= data.to_date)
    if dated:
        clauses.append(_has_line(*dated))
    if data.awaiting_my_approval:
        clauses.append(awaiting(actor))
    return clauses


async def expense_reports(
    context: Context,
    data: ReportFilter,
    *,
    window: Window,
) -> Page[ExpenseReport]:
    statement = select(ExpenseReport).where(*report_filters(context.actor, data))
    return await keyset_page(context, statement, window)


async def expense_report(context: Context, report_id: int) -> ExpenseReport | None:
    """One report, or None when it is not the caller's to see (the loader applies the rule)."""
    return await context.loaders.by_id(ExpenseReport).load(report_id)


async def create_expense_report(
    context: Context, data: expenses.NewExpenseReport
) -> Outcome[ExpenseReport]:
    return await run_mutation(
        context, lambda session, actor: expenses.create_expense_report(session, actor, data)
    )


async def add_expense_line(
    context: Context, report_id: int, data: ExpenseLineData
) -> Outcome[ExpenseLine]:
    return await run_mutation(
        context, lambda session, actor: expenses.add_expense_line(session, actor, report_id, data)
    )


async def update_expense_line(
    context: Context, change: expenses.LineChange
) -> Outcome[ExpenseLine]:
    return await run_mutation(
        context, lambda session, actor: expenses.update_expense_line(session, actor, change)
    )


async def delete_expense_line(context: Context, line_id: int) -> Outcome[ExpenseReport]:
    return await run_mutation(
        context, lambda session, actor: expenses.delete_expense_line(session, actor, line_id)
    )


async def submit_expense_report(
    context: Context, report_id: int, now: dt.datetime
) -> Outcome[ExpenseReport]:
    return await run_mutation(
        context,
        lambda session, actor: expenses_approval.submit_expense_report(
            session, actor, report_id, now
        ),
    )


async def approve_expense_lines(
    context: Context, data: expenses_approval.LineApprovalRequest
) -> Outcome[ExpenseReport]:
    return await run_mutation(
        context,
        lambda session, actor: expenses_approval.approve_expense_lines(session, actor, data),
    )


async def reject_expense_report(
    context: Context, data: expenses_approval.ReportDecision
) -> Outcome[ExpenseReport]:
    return await run_mutation(
        context,
        lambda session, actor: expenses_approval.reject_expense_report(session, actor, data),
    )


async def return_expense_report(
    context: Context, data: expenses_approval.ReportDecision
) -> Outcome[ExpenseReport]:
    return await run_mutation(
        context,
        lambda session, actor: expenses_approval.return_expense_report(session, actor, data),
    )


@dataclass(frozen=True)
class PostedReport:
    report: ExpenseReport
    approval_run: JobRun  # the automatic approval run queued by the posting (E5)


async def _posted_report(session: AsyncSession, data: dict[str, Any]) -> PostedReport:
    report = await session.get_one(ExpenseReport, data["report"])
    return PostedReport(report, await session.get_one(JobRun, data["approval_run"]))


POSTED_REPORT = Codec[PostedReport](
    dump=lambda posted: {"report": posted.report.id, "approval_run": posted.approval_run.id},
    load=_posted_report,
)


async def post_expense_report(
    context: Context,
    data: expenses_posting.Posting,
    idempotency: IdempotencyRequest | None = None,
) -> Outcome[PostedReport]:
    """Posts, then queues the automatic approval job in the same transaction (E5)."""

    async def operation(session: AsyncSession, actor: Actor) -> PostedReport:
        report = await expenses_posting.post_expense_report(session, actor, data)
        run = await defer_automatic_approval(session, actor, report.legal_entity_id)
        await session.refresh(run)  # server defaults (created_at) for the payload
        return PostedReport(report, run)

    return await run_idempotent(context, idempotency, operation, POSTED_REPORT)
