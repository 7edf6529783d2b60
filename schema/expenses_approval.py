"""The mutations that move an expense report through its approval (E1, E2): submit, approve,
reject, return; each takes one input and answers the report."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry

from domain import expenses_approval as approval
from resolvers import expenses as resolvers
from resolvers.context import Info
from schema.expenses_inputs import ExpenseReportPayload
from schema.mutations import decoded
from schema.relay import decode_id


def _report_id(gid: strawberry.ID, field: str = "id") -> int:
    return decode_id(gid, "ExpenseReport", field)


@strawberry.input(description="Your Draft report to submit for approval.")
class SubmitExpenseReportInput:
    id: strawberry.ID = strawberry.field(description="The ExpenseReport, Draft.")


@strawberry.input(description="Lines of a Submitted report to approve (E2).")
class ApproveExpenseLinesInput:
    report_id: strawberry.ID = strawberry.field(description="The ExpenseReport, Submitted.")
    line_ids: list[strawberry.ID] = strawberry.field(
        description="ExpenseLines of that report, each one you may approve (E2)."
    )

    def to_domain(self) -> approval.LineApprovalRequest:
        return approval.LineApprovalRequest(
            _report_id(self.report_id, "reportId"),
            [decode_id(gid, "ExpenseLine", "lineIds") for gid in self.line_ids],
        )


@strawberry.input(description="A Submitted report whose pending lines you may approve (E2).")
class ApproveExpenseReportInput:
    id: strawberry.ID = strawberry.field(description="The ExpenseReport, Submitted.")


@strawberry.input(description="A Submitted report to reject, and why.")
class RejectExpenseReportInput:
    id: strawberry.ID = strawberry.field(description="The ExpenseReport, Submitted.")
    reason: str = strawberry.field(description="Why it is rejected; the employee reads it.")

    def to_domain(self) -> approval.ReportDecision:
        return approval.ReportDecision(_report_id(self.id), self.reason)


@strawberry.input(description="A report to send back to Draft for edits, and why.")
class ReturnExpenseReportInput:
    id: strawberry.ID = strawberry.field(description="The ExpenseReport, Submitted.")
    reason: str | None = strawberry.field(
        default=None, description="Why it goes back, for the employee (optional)."
    )

    def to_domain(self) -> approval.ReportDecision:
        return approval.ReportDecision(_report_id(self.id), self.reason)


@strawberry.type
class ExpenseApprovalMutation:
    @strawberry.mutation(description="Draft -> Submitted (the report's employee).")
    async def submit_expense_report(
        self,
        info: Info,
        input: Annotated[
            SubmitExpenseReportInput, strawberry.argument(description="The report to submit.")
        ],
    ) -> ExpenseReportPayload:
        outcome = await decoded(
            lambda: _report_id(input.id),
            lambda pk: resolvers.submit_expense_report(info.context, pk, dt.datetime.now(dt.UTC)),
        )
        return ExpenseReportPayload.of(outcome)

    @strawberry.mutation(
        description="Approve lines of a Submitted report that you may approve (E2); the report "
        "is Approved when every line is."
    )
    async def approve_expense_lines(
        self,
        info: Info,
        input: Annotated[
            ApproveExpenseLinesInput,
            strawberry.argument(description="The report and the lines to approve."),
        ],
    ) -> ExpenseReportPayload:
        outcome = await decoded(
            input.to_domain, lambda data: resolvers.approve_expense_lines(info.context, data)
        )
        return ExpenseReportPayload.of(outcome)

    @strawberry.mutation(description="Approve every pending line of the report that is yours.")
    async def approve_expense_report(
        self,
        info: Info,
        input: Annotated[
            ApproveExpenseReportInput, strawberry.argument(description="The report to approve.")
        ],
    ) -> ExpenseReportPayload:
        outcome = await decoded(
            lambda: approval.LineApprovalRequest(_report_id(input.id)),
            lambda data: resolvers.approve_expense_lines(info.context, data),
        )
        return ExpenseReportPayload.of(outcome)

    @strawberry.mutation(description="Submitted -> Rejected, with the reason (required).")
    async def reject_expense_report(
        self,
        info: Info,
        input: Annotated[
            RejectExpenseReportInput, strawberry.argument(description="The report and why.")
        ],
    ) -> ExpenseReportPayload:
        outcome = await decoded(
            input.to_domain, lambda data: resolvers.reject_expense_report(info.context, data)
        )
        return ExpenseReportPayload.of(outcome)

    @strawberry.mutation(description="Back to Draft for edits; line approvals start over.")
    async def return_expense_report(
        self,
        info: Info,
        input: Annotated[
            ReturnExpenseReportInput,
            strawberry.argument(description="The report and, if you like, why."),
        ],
    ) -> ExpenseReportPayload:
        outcome = await decoded(
            input.to_domain, lambda data: resolvers.return_expense_report(info.context, data)
        )
        return ExpenseReportPayload.of(outcome)
