"""Expense reports (E1, E3): creating a report and editing its lines while it is Draft.

Approval lives in expenses_approval.py, posting in expenses_posting.py.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.expenses import ExpenseLine, ExpenseReport, ReportStatus
from db.models.master_data import NumberSequence
from domain.actors import Actor
from domain.errors import DomainError, ErrorCode
from domain.expenses_lines import CheckedLine, ExpenseLineData, check_line
from domain.master_data import entity_by_code, get_currency
from domain.scope import in_callers_entities
from domain.sequences import next_number
from domain.validation import require_text

REPORT_SEQUENCE = "expense_report"  # the NumberSequence code every legal entity gets


@dataclass(frozen=True)
class NewExpenseReport:
    legal_entity: str
    currency_code: str
    description: str = ""


@dataclass(frozen=True)
class LineChange:
    line_id: int
    data: ExpenseLineData


def state_label(status: str) -> str:
    return ReportStatus(status).value.title()


def require_state(report: ExpenseReport, *allowed: ReportStatus) -> None:
    """E1: an illegal transition names the state the report is in."""
    if report.status not in allowed:
        wanted = " or ".join(state_label(state) for state in allowed)
        raise DomainError(
            ErrorCode.INVALID_STATE,
            f"Expense report {report.number} is {state_label(report.status)}; this needs {wanted}.",
            ["id"],
        )


def require_owner(actor: Actor, report: ExpenseReport) -> None:
    """Only the employee edits or submits their own report (an admin may act for them)."""
    if report.employee_user_id != actor.user_id and not actor.is_admin:
        raise DomainError(ErrorCode.FORBIDDEN, "Only the report's employee may do this.", ["id"])


async def locked_report(
    session: AsyncSession, actor: Actor, report_id: int, field: str = "id"
) -> ExpenseReport:
    """The caller's report, locked until commit so concurrent transitions run one at a time."""
    report = await session.scalar(
        select(ExpenseReport)
        .where(
            ExpenseReport.id == report_id,
            in_callers_entities(ExpenseReport.legal_entity_id, actor),
        )
        .with_for_update()
    )
    if report is None:
        raise DomainError(ErrorCode.NOT_FOUND, "The expense report does not exist.", [field])
    return report


async def _report_number(session: AsyncSession, legal_entity_id: int) -> str:
    sequence_id = await session.scalar(
        select(NumberSequence.id).where(
            NumberSequence.legal_entity_id == legal_entity_id,
            NumberSequence.code == REPORT_SEQUENCE,
        )
    )
    if sequence_id is None:
        raise DomainError(
            ErrorCode.INVALID, "The legal entity has no expense report number sequence."
        )
    return await next_number(session, sequence_id)


async def create_expense_report(
    session: AsyncSession, actor: Actor, data: NewExpenseReport
) -> ExpenseReport:
    """A Draft report of the caller's, in one of their legal entities."""
    entity = await entity_by_code(session, actor, data.legal_entity, ["legalEntity"])
    currency = await get_currency(session, data.currency_code, ["currencyCode"])
    description = (
        require_text(data.description, ["description"], 1000) if data.description.strip() else ""
    )
    report = ExpenseReport(
        legal_entity_id=entity.id,
        number=await _report_number(session, entity.id),
        employee_user_id=actor.user_id,
        currency_code=currency.code,
        description=description,
        status=ReportStatus.DRAFT.value,
    )
    session.add(report)
    await session.flush()
    return report


def _apply(line: ExpenseLine, checked: CheckedLine) -> None:
    line.date = checked.date
    line.expense_category_id = checked.category.id
    line.project_id = checked.project.id if checked.project else None
    line.task_id = checked.task_id
    line.quantity = checked.quantity
    line.unit_id = checked.unit_id
    line.unit_price = checked.unit_price
    line.amount = checked.amount
    line.currency_code = checked.currency_code
    line.sales_tax = checked.sales_tax
    line.non_recoverable_tax = checked.non_recoverable_tax
    line.merchant = checked.merchant
    line.description = checked.description
    line.chargeable = checked.chargeable


async def _draft_of(session: AsyncSession, actor: Actor, report_id: int) -> ExpenseReport:
    report = await locked_report(session, actor, report_id, "reportId")
    require_owner(actor, report)
    require_state(report, ReportStatus.DRAFT)
    return report


async def add_expense_line(
    session: AsyncSession, actor: Actor, report_id: int, data: ExpenseLineData
) -> ExpenseLine:
    report = await _draft_of(session, actor, report_id)
    checked = await check_line(session, report, data)
    # The report row is locked, so max + 1 cannot race with another add.
    last = await session.scalar(
        select(func.coalesce(func.max(ExpenseLine.line_number), 0)).where(
            ExpenseLine.report_id == report.id
        )
    )
    line = ExpenseLine(legal_entity_id=report.legal_entity_id, report_id=report.id)
    line.line_number = int(last or 0) + 1
    _apply(line, checked)
    session.add(line)
    await session.flush()
    await session.refresh(line)  # the stored values, at the columns' scale
    return line


async def _line_of_draft(session: AsyncSession, actor: Actor, line_id: int) -> ExpenseLine:
    line = await session.scalar(
        select(ExpenseLine).where(
            ExpenseLine.id == line_id, in_callers_entities(ExpenseLine.legal_entity_id, actor)
        )
    )
    if line is None:
        raise DomainError(ErrorCode.NOT_FOUND, "The expense line does not exist.", ["id"])
    await _draft_of(session, actor, line.report_id)
    return line


async def update_expense_line(
    session: AsyncSession, actor: Actor, change: LineChange
) -> ExpenseLine:
    """Replaces every field of a Draft report's line (the input is the whole line)."""
    line = await _line_of_draft(session, actor, change.line_id)
    report = await session.get_one(ExpenseReport, line.report_id)
    _apply(line, await check_line(session, report, change.data))
    await session.flush()
    await session.refresh(line)
    return line


async def delete_expense_line(session: AsyncSession, actor: Actor, line_id: int) -> ExpenseReport:
    line = await _line_of_draft(session, actor, line_id)
    report = await session.get_one(ExpenseReport, line.report_id)
    await session.delete(line)
    await session.flush()
    return report
