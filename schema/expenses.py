"""Root fields of expense reports (E1-E4): the queries and every mutation.

Types are in schema/expenses_types.py, inputs and payloads in schema/expenses_inputs.py.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable
from typing import Annotated, TypeVar

import strawberry

from domain import expenses as domain
from domain import expenses_approval as approval
from resolvers import expenses as resolvers
from resolvers.context import Info
from schema.expenses_inputs import (
    CreateExpenseReportInput,
    ExpenseLineInput,
    ExpenseLinePayload,
    ExpenseReportFilter,
    ExpenseReportPayload,
    PostExpenseReportInput,
    PostExpenseReportPayload,
)
from schema.expenses_types import ExpenseReport
from schema.idempotency import idempotency_of
from schema.mutations import decoded
from schema.pages import after_key, to_connection
from schema.relay import Connection, decode_id

T = TypeVar("T")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@strawberry.enum(description="Order of `expenseReports`; the cursor keeps its place either way.")
class ExpenseReportSort(enum.Enum):
    OLDEST_FIRST = "oldest_first"
    NEWEST_FIRST = "newest_first"


@strawberry.type
class ExpensesQuery:
    @strawberry.field(description="Expense reports of your legal entities, oldest first.")
    async def expense_reports(
        self,
        info: Info,
        filter: ExpenseReportFilter | None = None,
        sort: ExpenseReportSort = ExpenseReportSort.OLDEST_FIRST,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[ExpenseReport]:
        where = (filter or ExpenseReportFilter()).to_resolver()
        page = await resolvers.expense_reports(
            info.context,
            where,
            first=first,
            after=after_key(after),
            newest_first=sort == ExpenseReportSort.NEWEST_FIRST,
        )
        return to_connection(page.map(ExpenseReport.from_row))

    @strawberry.field
    async def expense_report(self, info: Info, id: strawberry.ID) -> ExpenseReport | None:
        row = await resolvers.expense_report(info.context, decode_id(id, "ExpenseReport"))
        return ExpenseReport.from_row(row) if row is not None else None


def _report_id(gid: strawberry.ID, field: str = "id") -> Callable[[], int]:
    return lambda: decode_id(gid, "ExpenseReport", field)


@strawberry.type
class ExpensesMutation:
    @strawberry.mutation(description="A Draft report of yours (E1).")
    async def create_expense_report(
        self, info: Info, input: CreateExpenseReportInput
    ) -> ExpenseReportPayload:
        data = domain.NewExpenseReport(input.legal_entity, input.currency_code, input.description)
        return ExpenseReportPayload.of(await resolvers.create_expense_report(info.context, data))

    @strawberry.mutation(description="Add a line to your Draft report (E3).")
    async def add_expense_line(
        self, info: Info, report_id: strawberry.ID, input: ExpenseLineInput
    ) -> ExpenseLinePayload:
        outcome = await decoded(
            lambda: (decode_id(report_id, "ExpenseReport", "reportId"), input.to_domain()),
            lambda args: resolvers.add_expense_line(info.context, *args),
        )
        return ExpenseLinePayload.of(outcome)

    @strawberry.mutation(description="Replace a line of your Draft report (E3).")
    async def update_expense_line(
        self, info: Info, id: strawberry.ID, input: ExpenseLineInput
    ) -> ExpenseLinePayload:
        outcome = await decoded(
            lambda: domain.LineChange(decode_id(id, "ExpenseLine"), input.to_domain()),
            lambda change: resolvers.update_expense_line(info.context, change),
        )
        return ExpenseLinePayload.of(outcome)

    @strawberry.mutation(description="Delete a line of your Draft report; returns the report.")
    async def delete_expense_line(self, info: Info, id: strawberry.ID) -> ExpenseReportPayload:
        outcome = await decoded(
            lambda: decode_id(id, "ExpenseLine"),
            lambda line_id: resolvers.delete_expense_line(info.context, line_id),
        )
        return ExpenseReportPayload.of(outcome)

    @strawberry.mutation(description="Draft -> Submitted (the report's employee).")
    async def submit_expense_report(self, info: Info, id: strawberry.ID) -> ExpenseReportPayload:
        outcome = await decoded(
            _report_id(id),
            lambda pk: resolvers.submit_expense_report(info.context, pk, _now()),
        )
        return ExpenseReportPayload.of(outcome)

    @strawberry.mutation(
        description="Approve lines of a Submitted report that you may approve (E2); the report "
        "is Approved when every line is."
    )
    async def approve_expense_lines(
        self, info: Info, report_id: strawberry.ID, line_ids: list[strawberry.ID]
    ) -> ExpenseReportPayload:
        outcome = await decoded(
            lambda: approval.LineApprovalRequest(
                decode_id(report_id, "ExpenseReport", "reportId"),
                [decode_id(gid, "ExpenseLine", "lineIds") for gid in line_ids],
            ),
            lambda data: resolvers.approve_expense_lines(info.context, data),
        )
        return ExpenseReportPayload.of(outcome)

    @strawberry.mutation(description="Approve every pending line of the report that is yours.")
    async def approve_expense_report(self, info: Info, id: strawberry.ID) -> ExpenseReportPayload:
        outcome = await decoded(
            lambda: approval.LineApprovalRequest(decode_id(id, "ExpenseReport")),
            lambda data: resolvers.approve_expense_lines(info.context, data),
        )
        return ExpenseReportPayload.of(outcome)

    @strawberry.mutation(description="Submitted -> Rejected, with the reason (required).")
    async def reject_expense_report(
        self, info: Info, id: strawberry.ID, reason: str
    ) -> ExpenseReportPayload:
        outcome = await decoded(
            lambda: approval.ReportDecision(decode_id(id, "ExpenseReport"), reason),
            lambda data: resolvers.reject_expense_report(info.context, data),
        )
        return ExpenseReportPayload.of(outcome)

    @strawberry.mutation(description="Back to Draft for edits; line approvals start over.")
    async def return_expense_report(
        self, info: Info, id: strawberry.ID, reason: str | None = None
    ) -> ExpenseReportPayload:
        outcome = await decoded(
            lambda: approval.ReportDecision(decode_id(id, "ExpenseReport"), reason),
            lambda data: resolvers.return_expense_report(info.context, data),
        )
        return ExpenseReportPayload.of(outcome)

    @strawberry.mutation(
        description="Accountant: Approved -> Posted (E4) on the accounting date; queues the "
        "automatic approval job that makes the actuals (E5)."
    )
    async def post_expense_report(
        self,
        info: Info,
        input: Annotated[
            PostExpenseReportInput,
            strawberry.argument(description="The report, its accounting date, a key if wanted."),
        ],
    ) -> PostExpenseReportPayload:
        outcome = await decoded(
            lambda: (input.to_domain(), idempotency_of(info, input)),
            lambda args: resolvers.post_expense_report(info.context, *args),
        )
        return PostExpenseReportPayload.of(outcome)
