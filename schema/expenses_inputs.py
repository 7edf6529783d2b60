"""Inputs and payloads of the expense report mutations and the report filter (E1-E4)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import strawberry

from db.models import expenses as models
from domain.expenses import LineChange
from domain.expenses_lines import ExpenseLineData
from domain.expenses_posting import Posting
from resolvers import expenses as resolvers
from resolvers.mutations import Outcome
from schema.errors import UserError
from schema.expenses_types import ExpenseLine, ExpenseReport, ExpenseReportStatus
from schema.idempotency import IDEMPOTENCY_KEY
from schema.jobs import JobRun
from schema.mutations import errors_of
from schema.relay import decode_id, decode_optional_id


@strawberry.input(
    description="A new Draft expense report of yours (E1); add lines with `addExpenseLine`."
)
class CreateExpenseReportInput:
    legal_entity: str = strawberry.field(
        description="Code of one of your legal entities (e.g. USMF); the report belongs to it."
    )
    currency_code: str = strawberry.field(
        description="ISO 4217 code of the report currency (e.g. EUR); line amounts are "
        "converted to it."
    )
    description: str = strawberry.field(
        default="", description="What the report covers, e.g. a trip; default empty."
    )


@strawberry.input(description="A whole expense line: give `amount` (net) or `unitPrice`, not both.")
class ExpenseLineFields:
    date: dt.date = strawberry.field(description="The day the expense was incurred.")
    expense_category_id: strawberry.ID = strawberry.field(
        description="The ExpenseCategory: what was spent on, and how it is accounted for."
    )
    project_id: strawberry.ID | None = strawberry.field(
        default=None, description="The Project the expense is for, if any."
    )
    task_id: strawberry.ID | None = strawberry.field(
        default=None, description="A Task of that project (optional)."
    )
    quantity: Decimal = strawberry.field(default=Decimal(1), description="In the line's unit.")
    unit_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="A unit of the category's unit group; default the category's default"
        " unit, else the group's base unit (M3).",
    )
    unit_price: Decimal | None = strawberry.field(
        default=None,
        description="Price of one unit, up to 6 decimals; the amount is then quantity x unit "
        "price, rounded half-up once to the currency's decimals.",
    )
    amount: Decimal | None = strawberry.field(
        default=None,
        description="The net amount, when no unit price is given; at most the currency's "
        "decimals (more is refused with TOO_PRECISE).",
    )
    currency_code: str | None = strawberry.field(
        default=None, description="Defaults to the report's currency."
    )
    sales_tax: Decimal = strawberry.field(
        default=Decimal(0),
        description="Sales tax paid, on top of the net amount; at most the currency's decimals.",
    )
    non_recoverable_tax: Decimal = strawberry.field(
        default=Decimal(0),
        description="The part of the sales tax that cannot be reclaimed; at most the "
        "currency's decimals.",
    )
    merchant: str = strawberry.field(default="", description="Where the money was spent.")
    description: str = strawberry.field(default="", description="Free text.")
    chargeable: bool = strawberry.field(
        default=True, description="Whether the customer is billed for it."
    )

    def to_domain(self) -> ExpenseLineData:
        return ExpenseLineData(
            date=self.date,
            expense_category_id=decode_id(
                self.expense_category_id, "ExpenseCategory", "expenseCategoryId"
            ),
            project_id=decode_optional_id(self.project_id, "Project", "projectId"),
            task_id=decode_optional_id(self.task_id, "Task", "taskId"),
            quantity=self.quantity,
            unit_id=decode_optional_id(self.unit_id, "Unit", "unitId"),
            unit_price=self.unit_price,
            amount=self.amount,
            currency_code=self.currency_code,
            sales_tax=self.sales_tax,
            non_recoverable_tax=self.non_recoverable_tax,
            merchant=self.merchant,
            description=self.description,
            chargeable=self.chargeable,
        )


@strawberry.input(description="A new line of your Draft report (E3).")
class AddExpenseLineInput(ExpenseLineFields):
    report_id: strawberry.ID = strawberry.field(description="The ExpenseReport, Draft.")

    def to_request(self) -> tuple[int, ExpenseLineData]:
        return decode_id(self.report_id, "ExpenseReport", "reportId"), self.to_domain()


@strawberry.input(description="Replaces every field of a line of your Draft report (E3).")
class UpdateExpenseLineInput(ExpenseLineFields):
    id: strawberry.ID = strawberry.field(description="The ExpenseLine.")

    def to_change(self) -> LineChange:
        return LineChange(decode_id(self.id, "ExpenseLine"), self.to_domain())


@strawberry.input(description="A line of your Draft report to delete.")
class DeleteExpenseLineInput:
    id: strawberry.ID = strawberry.field(description="The ExpenseLine.")


@strawberry.input(description="The Approved report to post and when it is booked (E4).")
class PostExpenseReportInput:
    id: strawberry.ID = strawberry.field(description="The ExpenseReport, Approved.")
    accounting_date: dt.date | None = strawberry.field(
        default=None,
        description="The voucher's date: defaults to today (UTC) and must lie in an Open "
        "ledger period (M5). Each line keeps the exchange rate of its own date (M6).",
    )
    idempotency_key: str | None = strawberry.field(default=None, description=IDEMPOTENCY_KEY)

    def to_domain(self) -> Posting:
        now = dt.datetime.now(dt.UTC)
        report_id = decode_id(self.id, "ExpenseReport")
        return Posting(report_id, self.accounting_date or now.date(), now)


@strawberry.input(description="Every filter is optional and they combine (all must hold).")
class ExpenseReportFilter:
    status: ExpenseReportStatus | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Only reports in this status."
    )
    employee_id: strawberry.ID | None = strawberry.field(
        default=None, description="Global id of a User: only that employee's reports."
    )
    project_id: strawberry.ID | None = strawberry.field(
        default=None, description="Reports with a line on this project."
    )
    legal_entity: str | None = strawberry.field(
        default=None, description="Code of a legal entity (e.g. USMF): only its reports."
    )
    from_date: dt.date | None = strawberry.field(
        default=None, description="Reports with a line dated on or after."
    )
    to_date: dt.date | None = strawberry.field(
        default=None, description="Reports with a line dated on or before."
    )
    awaiting_my_approval: bool = strawberry.field(
        default=False,
        description="true: only others' Submitted reports with a pending line you may approve "
        "(as its project's manager, or an admin) (E2); default false.",
    )

    def to_resolver(self) -> resolvers.ReportFilter:
        return resolvers.ReportFilter(
            status=self.status,
            employee_id=decode_optional_id(self.employee_id, "User", "employeeId"),
            project_id=decode_optional_id(self.project_id, "Project", "projectId"),
            legal_entity=self.legal_entity,
            from_date=self.from_date,
            to_date=self.to_date,
            awaiting_my_approval=self.awaiting_my_approval,
        )


@strawberry.type(description="The result of a change to an expense report.")
class ExpenseReportPayload:
    expense_report: ExpenseReport | None = strawberry.field(
        description="The report after the change; null when `errors` says why nothing changed."
    )
    errors: list[UserError] = strawberry.field(
        description="Why nothing changed (e.g. INVALID_STATE naming the report's status); "
        "empty on success."
    )

    @classmethod
    def of(cls, outcome: Outcome[models.ExpenseReport]) -> ExpenseReportPayload:
        report = ExpenseReport.from_row(outcome.value) if outcome.value else None
        return cls(expense_report=report, errors=errors_of(outcome))


@strawberry.type(description="The result of adding or changing an expense line.")
class ExpenseLinePayload:
    expense_line: ExpenseLine | None = strawberry.field(
        description="The line as saved; null when `errors` says why not."
    )
    errors: list[UserError] = strawberry.field(
        description="Why nothing was saved, each with the path of the input field at fault; "
        "empty on success."
    )

    @classmethod
    def of(cls, outcome: Outcome[models.ExpenseLine]) -> ExpenseLinePayload:
        line = ExpenseLine.from_row(outcome.value) if outcome.value else None
        return cls(expense_line=line, errors=errors_of(outcome))


@strawberry.type(description="The posted report and the job that makes its actuals.")
class PostExpenseReportPayload:
    expense_report: ExpenseReport | None = strawberry.field(
        description="The report, now Posted; null when `errors` says why not."
    )
    automatic_approval_run: JobRun | None = strawberry.field(
        description="The queued job that makes the actuals (E5); follow it with node(id:)."
    )
    errors: list[UserError] = strawberry.field(
        description="Why nothing was posted (e.g. PERIOD_NOT_OPEN, MISSING_EXCHANGE_RATE, "
        "MISSING_ACCOUNT); empty on success."
    )

    @classmethod
    def of(cls, outcome: Outcome[resolvers.PostedReport]) -> PostExpenseReportPayload:
        posted = outcome.value
        return cls(
            expense_report=ExpenseReport.from_row(posted.report) if posted else None,
            automatic_approval_run=JobRun.from_row(posted.approval_run) if posted else None,
            errors=errors_of(outcome),
        )
