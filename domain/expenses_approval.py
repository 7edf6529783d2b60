"""E1 transitions and E2 approval of expense reports.

Who decides a line: the manager of the line's project. A line without a project has no
manager, so any project manager or accountant of the legal entity decides it. An admin may
decide any line. Nobody decides lines of their own report unless they are an admin (E2).
A report is Approved when every line is; rejecting or returning concerns the whole report.
Every decision is an ExpenseApproval row (who, when, decision, reason).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.expenses import (
    ApprovalDecision,
    ExpenseApproval,
    ExpenseLine,
    ExpenseReport,
    LineApproval,
    ReportStatus,
)
from db.models.master_data import Project, Role
from domain.actors import Actor
from domain.errors import DomainError, ErrorCode
from domain.expenses import locked_report, require_owner, require_state
from domain.validation import require_text


@dataclass(frozen=True)
class LineApprovalRequest:
    report_id: int
    line_ids: list[int] | None = None  # None: every pending line the caller may approve


@dataclass(frozen=True)
class ReportDecision:
    report_id: int
    reason: str | None = None


def may_decide(actor: Actor, manager_user_id: int | None) -> bool:
    """E2: the project's manager; for a line without project any manager or accountant."""
    if actor.is_admin:
        return True
    if manager_user_id is None:
        return actor.has_role(Role.PROJECT_MANAGER, Role.ACCOUNTANT)
    return manager_user_id == actor.user_id


def refuse_self_approval(actor: Actor, report: ExpenseReport) -> None:
    if report.employee_user_id == actor.user_id and not actor.is_admin:
        raise DomainError(
            ErrorCode.SELF_APPROVAL, "You cannot decide on your own expense report.", ["id"]
        )


async def lines_with_managers(
    session: AsyncSession, report_id: int
) -> list[tuple[ExpenseLine, int | None]]:
    """Each line of the report with its project's manager (None without a project)."""
    rows = await session.execute(
        select(ExpenseLine, Project.manager_user_id)
        .outerjoin(Project, Project.id == ExpenseLine.project_id)
        .where(ExpenseLine.report_id == report_id)
        .order_by(ExpenseLine.line_number)
    )
    return [(line, manager) for line, manager in rows]


def _record(
    report: ExpenseReport, actor: Actor, decision: ApprovalDecision, **values: object
) -> ExpenseApproval:
    return ExpenseApproval(
        legal_entity_id=report.legal_entity_id,
        report_id=report.id,
        user_id=actor.user_id,
        decision=decision.value,
        **values,
    )


async def submit_expense_report(
    session: AsyncSession, actor: Actor, report_id: int, now: dt.datetime
) -> ExpenseReport:
    report = await locked_report(session, actor, report_id)
    require_owner(actor, report)
    require_state(report, ReportStatus.DRAFT)
    if not await lines_with_managers(session, report.id):
        raise DomainError(ErrorCode.REQUIRED, "A report needs at least one line.", ["id"])
    report.status = ReportStatus.SUBMITTED.value
    report.submitted_at = now
    report.rejection_reason = None
    await session.flush()
    return report


def _chosen_lines(
    actor: Actor, lines: list[tuple[ExpenseLine, int | None]], wanted: list[int] | None
) -> list[ExpenseLine]:
    """The pending lines to approve; naming a line the caller may not decide is refused."""
    if wanted is None:
        return [
            line
            for line, manager in lines
            if line.approval_status == LineApproval.PENDING and may_decide(actor, manager)
        ]
    by_id = {line.id: (line, manager) for line, manager in lines}
    chosen = []
    for line_id in dict.fromkeys(wanted):
        if line_id not in by_id:
            raise DomainError(
                ErrorCode.NOT_FOUND, "The line is not a line of this report.", ["lineIds"]
            )
        line, manager = by_id[line_id]
        if not may_decide(actor, manager):
            raise DomainError(
                ErrorCode.FORBIDDEN,
                f"Line {line.line_number} is approved by its project's manager.",
                ["lineIds"],
            )
        if line.approval_status != LineApproval.PENDING:
            raise DomainError(
                ErrorCode.INVALID_STATE,
                f"Line {line.line_number} is {line.approval_status}, not pending.",
                ["lineIds"],
            )
        chosen.append(line)
    return chosen


async def approve_expense_lines(
    session: AsyncSession, actor: Actor, data: LineApprovalRequest
) -> ExpenseReport:
    """The caller approves their lines; the last approval makes the report Approved."""
    report = await locked_report(session, actor, data.report_id, "reportId")
    require_state(report, ReportStatus.SUBMITTED)
    refuse_self_approval(actor, report)
    lines = await lines_with_managers(session, report.id)
    chosen = _chosen_lines(actor, lines, data.line_ids)
    if not chosen:
        raise DomainError(
            ErrorCode.FORBIDDEN, "No pending line of this report is yours to approve.", ["id"]
        )
    for line in chosen:
        line.approval_status = LineApproval.APPROVED.value
        session.add(_record(report, actor, ApprovalDecision.APPROVED, line_id=line.id))
    if all(line.approval_status == LineApproval.APPROVED for line, _ in lines):
        report.status = ReportStatus.APPROVED.value
    await session.flush()
    return report


async def _require_decider(session: AsyncSession, actor: Actor, report: ExpenseReport) -> None:
    """Rejecting needs the right to decide at least one of the report's lines."""
    lines = await lines_with_managers(session, report.id)
    if not any(may_decide(actor, manager) for _, manager in lines):
        raise DomainError(
            ErrorCode.FORBIDDEN, "Only an approver of this report's lines may do this.", ["id"]
        )


async def reject_expense_report(
    session: AsyncSession, actor: Actor, data: ReportDecision
) -> ExpenseReport:
    reason = require_text(data.reason or "", ["reason"], 1000)
    report = await locked_report(session, actor, data.report_id)
    require_state(report, ReportStatus.SUBMITTED)
    refuse_self_approval(actor, report)
    await _require_decider(session, actor, report)
    report.status = ReportStatus.REJECTED.value
    report.rejection_reason = reason
    session.add(_record(report, actor, ApprovalDecision.REJECTED, reason=reason))
    await session.flush()
    return report


async def return_expense_report(
    session: AsyncSession, actor: Actor, data: ReportDecision
) -> ExpenseReport:
    """Back to Draft for edits: the employee recalls it, or an approver/accountant sends it
    back. Every line's approval starts over, since the lines may change."""
    report = await locked_report(session, actor, data.report_id)
    require_state(report, ReportStatus.SUBMITTED, ReportStatus.APPROVED, ReportStatus.REJECTED)
    if report.employee_user_id != actor.user_id and not actor.has_role(Role.ACCOUNTANT):
        await _require_decider(session, actor, report)
    reason = require_text(data.reason, ["reason"], 1000) if data.reason else None
    report.status = ReportStatus.DRAFT.value
    report.rejection_reason = None
    await session.execute(
        update(ExpenseLine)
        .where(ExpenseLine.report_id == report.id)
        .values(approval_status=LineApproval.PENDING.value)
        .execution_options(synchronize_session="fetch")
    )
    session.add(_record(report, actor, ApprovalDecision.RETURNED, reason=reason))
    await session.flush()
    return report
