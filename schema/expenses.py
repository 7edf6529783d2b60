"""Expense report inputs, payloads and root fields (E1-E4). Types: schema/expenses_types.py."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any, TypeVar

import strawberry

from db.models import expenses as models
from domain import expenses as domain
from domain import expenses_approval as approval
from domain import expenses_posting as posting
from domain.errors import DomainError, DomainErrors
from domain.expenses_lines import ExpenseLineData
from resolvers import expenses as resolvers
from resolvers.context import Info
from resolvers.mutations import Outcome
from schema.errors import UserError
from schema.expenses_types import ExpenseLine, ExpenseReport, ExpenseReportStatus
from schema.pages import after_key, to_connection
from schema.relay import Connection, decode_id

T = TypeVar("T")


def _optional_id(gid: strawberry.ID | None, type_name: str, field: str) -> int | None:
    return decode_id(gid, type_name, field) if gid is not None else None


@strawberry.input
class CreateExpenseReportInput:
    legal_entity: str
    currency_code: str
    description: str = ""


@strawberry.input(description="A whole line: give `amount` (net) or `unitPrice`, not both.")
class ExpenseLineInput:
    date: dt.date
    expense_category_id: strawberry.ID
    project_id: strawberry.ID | None = None
    task_id: strawberry.ID | None = None
    quantity: Decimal = Decimal(1)
    unit_price: Decimal | None = None
    amount: Decimal | None = None
    currency_code: str | None = strawberry.field(
        default=None, description="Defaults to the report's currency."
    )
    sales_tax: Decimal = Decimal(0)
    non_recoverable_tax: Decimal = Decimal(0)
    merchant: str = ""
    description: str = ""
    chargeable: bool = True

    def to_domain(self) -> ExpenseLineData:
        return ExpenseLineData(
            date=self.date,
            expense_category_id=decode_id(
                self.expense_category_id, "ExpenseCategory", "expenseCategoryId"
            ),
            project_id=_optional_id(self.project_id, "Project", "projectId"),
            task_id=_optional_id(self.task_id, "Task", "taskId"),
            quantity=self.quantity,
            unit_price=self.unit_price,
            amount=self.amount,
            currency_code=self.currency_code,
            sales_tax=self.sales_tax,
            non_recoverable_tax=self.non_recoverable_tax,
            merchant=self.merchant,
            description=self.description,
            chargeable=self.chargeable,
        )


@strawberry.input
class ExpenseReportFilter:
    status: ExpenseReportStatus | None = None  # type: ignore[valid-type]
    employee_id: strawberry.ID | None = None
    project_id: strawberry.ID | None = strawberry.field(
        default=None, description="Reports with a line on this project."
    )
    legal_entity: str | None = None
    from_date: dt.date | None = strawberry.field(
        default=None, description="Reports with a line dated on or after."
    )
    to_date: dt.date | None = strawberry.field(
        default=None, description="Reports with a line dated on or before."
    )
    awaiting_my_approval: bool = False

    def to_resolver(self) -> resolvers.ReportFilter:
        return resolvers.ReportFilter(
            status=self.status,
            employee_id=_optional_id(self.employee_id, "User", "employeeId"),
            project_id=_optional_id(self.project_id, "Project", "projectId"),
            legal_entity=self.legal_entity,
            from_date=self.from_date,
            to_date=self.to_date,
            awaiting_my_approval=self.awaiting_my_approval,
        )


@strawberry.type
class ExpenseReportPayload:
    expense_report: ExpenseReport | None
    errors: list[UserError]

    @classmethod
    def of(cls, outcome: Outcome[models.ExpenseReport]) -> ExpenseReportPayload:
        report = ExpenseReport.from_row(outcome.value) if outcome.value else None
        return cls(expense_report=report, errors=_errors(outcome))


@strawberry.type
class ExpenseLinePayload:
    expense_line: ExpenseLine | None
    errors: list[UserError]

    @classmethod
    def of(cls, outcome: Outcome[models.ExpenseLine]) -> ExpenseLinePayload:
        line = ExpenseLine.from_row(outcome.value) if outcome.value else None
        return cls(expense_line=line, errors=_errors(outcome))


def _errors(outcome: Outcome[Any]) -> list[UserError]:
    return [UserError.from_domain(error) for error in outcome.errors]


async def _decoded(convert: Callable[[], T], call: Callable[[T], Awaitable[Outcome[Any]]]) -> Any:
    """Bad ids in the input are typed errors of the payload, like any domain failure."""
    try:
        value = convert()
    except DomainError as error:
        return Outcome(errors=[error])
    except DomainErrors as errors:
        return Outcome(errors=errors.errors)
    return await call(value)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@strawberry.type
class ExpensesQuery:
    @strawberry.field(description="Expense reports of your legal entities, oldest first.")
    async def expense_reports(
        self,
        info: Info,
        filter: ExpenseReportFilter | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[ExpenseReport]:
        where = (filter or ExpenseReportFilter()).to_resolver()
        page = await resolvers.expense_reports(
            info.context, where, first=first, after=after_key(after)
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
        outcome = await _decoded(
            lambda: (decode_id(report_id, "ExpenseReport", "reportId"), input.to_domain()),
            lambda args: resolvers.add_expense_line(info.context, *args),
        )
        return ExpenseLinePayload.of(outcome)

    @strawberry.mutation(description="Replace a line of your Draft report (E3).")
    async def update_expense_line(
        self, info: Info, id: strawberry.ID, input: ExpenseLineInput
    ) -> ExpenseLinePayload:
        outcome = await _decoded(
            lambda: domain.LineChange(decode_id(id, "ExpenseLine"), input.to_domain()),
            lambda change: resolvers.update_expense_line(info.context, change),
        )
        return ExpenseLinePayload.of(outcome)

    @strawberry.mutation(description="Delete a line of your Draft report; returns the report.")
    async def delete_expense_line(self, info: Info, id: strawberry.ID) -> ExpenseReportPayload:
        outcome = await _decoded(
            lambda: decode_id(id, "ExpenseLine"),
            lambda line_id: resolvers.delete_expense_line(info.context, line_id),
        )
        return ExpenseReportPayload.of(outcome)

    @strawberry.mutation(description="Draft -> Submitted (the report's employee).")
    async def submit_expense_report(self, info: Info, id: strawberry.ID) -> ExpenseReportPayload:
        outcome = await _decoded(
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
        outcome = await _decoded(
            lambda: approval.LineApprovalRequest(
                decode_id(report_id, "ExpenseReport", "reportId"),
                [decode_id(gid, "ExpenseLine", "lineIds") for gid in line_ids],
            ),
            lambda data: resolvers.approve_expense_lines(info.context, data),
        )
        return ExpenseReportPayload.of(outcome)

    @strawberry.mutation(description="Approve every pending line of the report that is yours.")
    async def approve_expense_report(self, info: Info, id: strawberry.ID) -> ExpenseReportPayload:
        outcome = await _decoded(
            lambda: approval.LineApprovalRequest(decode_id(id, "ExpenseReport")),
            lambda data: resolvers.approve_expense_lines(info.context, data),
        )
        return ExpenseReportPayload.of(outcome)

    @strawberry.mutation(description="Submitted -> Rejected, with the reason (required).")
    async def reject_expense_report(
        self, info: Info, id: strawberry.ID, reason: str
    ) -> ExpenseReportPayload:
        outcome = await _decoded(
            lambda: approval.ReportDecision(decode_id(id, "ExpenseReport"), reason),
            lambda data: resolvers.reject_expense_report(info.context, data),
        )
        return ExpenseReportPayload.of(outcome)

    @strawberry.mutation(description="Back to Draft for edits; line approvals start over.")
    async def return_expense_report(
        self, info: Info, id: strawberry.ID, reason: str | None = None
    ) -> ExpenseReportPayload:
        outcome = await _decoded(
            lambda: approval.ReportDecision(decode_id(id, "ExpenseReport"), reason),
            lambda data: resolvers.return_expense_report(info.context, data),
        )
        return ExpenseReportPayload.of(outcome)

    @strawberry.mutation(
        description="Accountant: Approved -> Posted (E4), dated today; queues the automatic "
        "approval job that makes the actuals (E5)."
    )
    async def post_expense_report(self, info: Info, id: strawberry.ID) -> ExpenseReportPayload:
        outcome = await _decoded(
            lambda: posting.Posting(decode_id(id, "ExpenseReport"), dt.date.today(), _now()),
            lambda data: resolvers.post_expense_report(info.context, data),
        )
        return ExpenseReportPayload.of(outcome)
