"""Root fields of expense reports (E1-E4): the queries, and the mutations that write a report
and its lines and post it; those of its approval are in schema/expenses_approval.py.

Types are in schema/expenses_types.py, inputs and payloads in schema/expenses_inputs.py.
"""

from __future__ import annotations

import enum
from typing import Annotated

import strawberry

from domain import expenses as domain
from resolvers import expenses as resolvers
from resolvers.context import Info
from schema.expenses_approval import ExpenseApprovalMutation
from schema.expenses_inputs import (
    AddExpenseLineInput,
    CreateExpenseReportInput,
    DeleteExpenseLineInput,
    ExpenseLinePayload,
    ExpenseReportFilter,
    ExpenseReportPayload,
    PostExpenseReportInput,
    PostExpenseReportPayload,
    UpdateExpenseLineInput,
)
from schema.expenses_types import ExpenseReport
from schema.idempotency import idempotency_of
from schema.mutations import decoded
from schema.orders import OrderBy, order_argument
from schema.pages import After, Before, First, Last, order_of, to_connection, window
from schema.relay import Connection, decode_id

SORT = strawberry.argument(
    description="Oldest (lowest id) or newest first, when no `orderBy` is given.",
    deprecation_reason="Use orderBy: {field: ID, direction: ASC or DESC}.",
)


@strawberry.enum(description="Order of `expenseReports`; the cursor keeps its place either way.")
class ExpenseReportSort(enum.Enum):
    OLDEST_FIRST = strawberry.enum_value(
        "oldest_first", description="Lowest id (earliest created) first."
    )
    NEWEST_FIRST = strawberry.enum_value(
        "newest_first", description="Highest id (latest created) first."
    )


@strawberry.type
class ExpensesQuery:
    @strawberry.field(
        description="Expense reports of your legal entities (an employee without an approving "
        "role sees only their own), oldest first unless `orderBy` says otherwise."
    )
    async def expense_reports(
        self,
        info: Info,
        filter: Annotated[
            ExpenseReportFilter | None,
            strawberry.argument(description="Narrows the list; omitted, every report you can see."),
        ] = None,
        sort: Annotated[ExpenseReportSort, SORT] = ExpenseReportSort.OLDEST_FIRST,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        order_by: Annotated[OrderBy | None, order_argument("ExpenseReport")] = None,
    ) -> Connection[ExpenseReport]:
        where = (filter or ExpenseReportFilter()).to_resolver()
        page = await resolvers.expense_reports(
            info.context,
            where,
            window=window(
                "ExpenseReport",
                *(first, after, last, before, order_of(order_by)),
                ("ID", sort == ExpenseReportSort.NEWEST_FIRST),
            ),
        )
        return to_connection(page.map(ExpenseReport.from_row))

    @strawberry.field(
        description="One expense report by its global id; null when it does not exist or is "
        "not in your legal entities."
    )
    async def expense_report(
        self,
        info: Info,
        id: Annotated[
            strawberry.ID, strawberry.argument(description="Global id of the ExpenseReport.")
        ],
    ) -> ExpenseReport | None:
        row = await resolvers.expense_report(info.context, decode_id(id, "ExpenseReport"))
        return ExpenseReport.from_row(row) if row is not None else None


@strawberry.type
class ExpensesMutation(ExpenseApprovalMutation):
    @strawberry.mutation(
        description="Start a Draft expense report of yours in one of your legal entities (E1); "
        "add its lines with `addExpenseLine`."
    )
    async def create_expense_report(
        self,
        info: Info,
        input: Annotated[
            CreateExpenseReportInput,
            strawberry.argument(
                description="The legal entity, currency and description of the report."
            ),
        ],
    ) -> ExpenseReportPayload:
        data = domain.NewExpenseReport(input.legal_entity, input.currency_code, input.description)
        return ExpenseReportPayload.of(await resolvers.create_expense_report(info.context, data))

    @strawberry.mutation(description="Add a line to your Draft report (E3).")
    async def add_expense_line(
        self,
        info: Info,
        input: Annotated[
            AddExpenseLineInput, strawberry.argument(description="The report and the line.")
        ],
    ) -> ExpenseLinePayload:
        outcome = await decoded(
            input.to_request, lambda args: resolvers.add_expense_line(info.context, *args)
        )
        return ExpenseLinePayload.of(outcome)

    @strawberry.mutation(description="Replace a line of your Draft report (E3).")
    async def update_expense_line(
        self,
        info: Info,
        input: Annotated[
            UpdateExpenseLineInput,
            strawberry.argument(description="The line and every field it is to have."),
        ],
    ) -> ExpenseLinePayload:
        outcome = await decoded(
            input.to_change, lambda change: resolvers.update_expense_line(info.context, change)
        )
        return ExpenseLinePayload.of(outcome)

    @strawberry.mutation(description="Delete a line of your Draft report; returns the report.")
    async def delete_expense_line(
        self,
        info: Info,
        input: Annotated[
            DeleteExpenseLineInput, strawberry.argument(description="The line to delete.")
        ],
    ) -> ExpenseReportPayload:
        outcome = await decoded(
            lambda: decode_id(input.id, "ExpenseLine"),
            lambda line_id: resolvers.delete_expense_line(info.context, line_id),
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
