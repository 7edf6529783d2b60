"""GraphQL object types of expense reports, their lines and approvals (E1-E5).

Every nested field loads through `info.context.loaders`, so the statement count of a page of
reports depends on the shape of the query, never on how many reports or lines it holds.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

import strawberry

from db.models import categories as category_models
from db.models import expenses as models
from db.models import ledger as ledger_models
from db.models import master_data as master_models
from resolvers import actuals as actual_resolvers
from resolvers.context import Info
from resolvers.money import in_currency
from schema.actuals import Actual
from schema.categories_types import ExpenseCategory
from schema.ledger_vouchers import Voucher
from schema.master_data import LegalEntity
from schema.money import IN_CURRENCY, PER_UNIT
from schema.nested_lists import ALL, NestedFirst, nested_first
from schema.node import register_node, related
from schema.projects_totals import described_enum
from schema.projects_types import Project, Task, User
from schema.relay import Node
from schema.units import Unit

ExpenseReportStatus = described_enum(
    models.ReportStatus,
    "ExpenseReportStatus",
    "Where an expense report is in its workflow: Draft -> Submitted -> Approved -> Posted, "
    "or Rejected; a returned report is Draft again (E1).",
    {
        "DRAFT": "Being written by its employee: the only status in which lines change.",
        "SUBMITTED": "Waiting for the project managers' approval (E2).",
        "APPROVED": "Every line approved: ready to post.",
        "REJECTED": "Refused by an approver, with a reason; it goes no further.",
        "POSTED": "Posted to the ledger (E4); its actuals follow (E5). Final.",
    },
)
ExpenseLineApproval = described_enum(
    models.LineApproval,
    "ExpenseLineApproval",
    "A line's approval by its project's manager (E2).",
    {
        "PENDING": "Not decided yet.",
        "APPROVED": "Approved by the project manager (or an admin).",
        "REJECTED": "Rejected with the report.",
    },
)
ApprovalDecision = described_enum(
    models.ApprovalDecision,
    "ApprovalDecision",
    "What an approver decided on an expense report or one of its lines (E2).",
    {
        "APPROVED": "The line was approved; the report is approved once every line is.",
        "REJECTED": "The whole report was rejected, with a reason.",
        "RETURNED": "The report went back to Draft for its employee to change and resubmit.",
    },
)


@strawberry.type(description="An amount with its currency.")
class CurrencyAmount:
    currency_code: str = strawberry.field(
        description="ISO 4217 code of the amount's currency, e.g. EUR."
    )
    amount: Decimal = strawberry.field(description=IN_CURRENCY)


async def _user(info: Info, user_id: int) -> User | None:
    return await related(info, master_models.AppUser, user_id, User.from_row)


@strawberry.type(description="Who decided what, when and why (E2).")
class ExpenseApproval:
    decision: ApprovalDecision = strawberry.field(  # type: ignore[valid-type]
        description="Approved, rejected or returned."
    )
    reason: str | None = strawberry.field(
        description="Why the report was rejected or returned; null for an approval."
    )
    decided_at: dt.datetime = strawberry.field(
        description="When the decision was made (ISO 8601 date-time, UTC)."
    )
    line_number: int | None = strawberry.field(description="Null for the whole report.")
    user_pk: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: models.ExpenseApproval, line_number: int | None) -> ExpenseApproval:
        return cls(
            decision=models.ApprovalDecision(row.decision),
            reason=row.reason,
            decided_at=row.decided_at,
            line_number=line_number,
            user_pk=row.user_id,
        )

    @strawberry.field(description="Who decided; null if you may not see that user.")
    async def user(self, info: Info) -> User | None:
        return await _user(info, self.user_pk)


@strawberry.type(description="One expense (E3); `amount` is net of sales tax.")
class ExpenseLine(Node):
    line_number: int = strawberry.field(description="Position of the line in its report, from 1.")
    date: dt.date = strawberry.field(
        description="Date of the expense (ISO 8601 date); its exchange rate is that of this "
        "date (M6)."
    )
    quantity: Decimal = strawberry.field(
        description="How many units (nights, kilometres, ...), more than 0; 1 unless given."
    )
    currency_code: str = strawberry.field(
        description="ISO 4217 code of the currency the expense was paid in, e.g. EUR."
    )
    merchant: str = strawberry.field(
        description="Who was paid (hotel, airline, ...); may be empty."
    )
    description: str = strawberry.field(description="What the expense was for; may be empty.")
    chargeable: bool = strawberry.field(
        description="True when the customer may be invoiced for it (time and material "
        "projects, E5)."
    )
    approval_status: ExpenseLineApproval = strawberry.field(  # type: ignore[valid-type]
        description="Whether the project manager has approved this line yet (E2)."
    )
    row: strawberry.Private[models.ExpenseLine]

    @classmethod
    def from_row(cls, row: models.ExpenseLine) -> ExpenseLine:
        return cls(
            pk=row.id,
            line_number=row.line_number,
            date=row.date,
            quantity=row.quantity,
            currency_code=row.currency_code,
            merchant=row.merchant,
            description=row.description,
            chargeable=row.chargeable,
            approval_status=models.LineApproval(row.approval_status),
            row=row,
        )

    @strawberry.field(description=f"Price per unit; null when the amount was entered. {PER_UNIT}")
    async def unit_price(self, info: Info) -> Decimal | None:
        return await in_currency(info.context, self.row.unit_price, self.currency_code)

    @strawberry.field(
        description="Net of sales tax: as entered, or quantity x unit price rounded half-up. "
        + IN_CURRENCY
    )
    async def amount(self, info: Info) -> Decimal:
        return await in_currency(info.context, self.row.amount, self.currency_code)

    @strawberry.field(description=f"Sales tax, recoverable or not. {IN_CURRENCY}")
    async def sales_tax(self, info: Info) -> Decimal:
        return await in_currency(info.context, self.row.sales_tax, self.currency_code)

    @strawberry.field(description=f"The part of the sales tax that is a cost. {IN_CURRENCY}")
    async def non_recoverable_tax(self, info: Info) -> Decimal:
        row = self.row
        return await in_currency(info.context, row.non_recoverable_tax, self.currency_code)

    @strawberry.field(description=f"Net amount plus sales tax. {IN_CURRENCY}")
    async def total(self, info: Info) -> Decimal:
        total = self.row.amount + self.row.sales_tax
        return await in_currency(info.context, total, self.currency_code)

    @strawberry.field(description="The expense category; null if you may not see it.")
    async def category(self, info: Info) -> ExpenseCategory | None:
        return await related(
            info,
            category_models.ExpenseCategory,
            self.row.expense_category_id,
            ExpenseCategory.from_row,
        )

    @strawberry.field(description="The unit the quantity is in (M3); null without units.")
    async def unit(self, info: Info) -> Unit | None:
        return await related(info, master_models.Unit, self.row.unit_id, Unit.from_row)

    @strawberry.field(
        description="The project the expense is for; null for an expense without a project."
    )
    async def project(self, info: Info) -> Project | None:
        return await related(info, master_models.Project, self.row.project_id, Project.from_row)

    @strawberry.field(description="The project task; null when none was given.")
    async def task(self, info: Info) -> Task | None:
        return await related(info, master_models.Task, self.row.task_id, Task.from_row)

    @strawberry.field(description="The actuals made from this line once posted (E5).")
    async def actuals(self, info: Info, first: NestedFirst = ALL) -> list[Actual]:
        rows = await actual_resolvers.actuals_of_expense_line(
            info.context, self.pk, nested_first(first)
        )
        return [Actual.from_row(row) for row in rows]


@strawberry.type(description="An employee's expense report (E1).")
class ExpenseReport(Node):
    number: str = strawberry.field(
        description="Number from the legal entity's expense report sequence, unique in the "
        "legal entity."
    )
    currency_code: str = strawberry.field(
        description="ISO 4217 code of the report currency, which line amounts are converted "
        "to (E3)."
    )
    description: str = strawberry.field(
        description="What the report covers, e.g. a trip; may be empty."
    )
    status: ExpenseReportStatus = strawberry.field(  # type: ignore[valid-type]
        description="Where the report is in its workflow (E1)."
    )
    rejection_reason: str | None = strawberry.field(
        description="The approver's reason; null unless the report was rejected."
    )
    submitted_at: dt.datetime | None = strawberry.field(
        description="When it was last submitted (ISO 8601 date-time, UTC); null while never "
        "submitted."
    )
    posted_at: dt.datetime | None = strawberry.field(
        description="When it was posted (ISO 8601 date-time, UTC); null until posted."
    )
    accounting_date: dt.date | None = strawberry.field(
        description="The date the posting voucher carries (E4); null until posted."
    )
    created_at: dt.datetime = strawberry.field(
        description="When the report was created (ISO 8601 date-time, UTC)."
    )
    row: strawberry.Private[models.ExpenseReport]

    @classmethod
    def from_row(cls, row: models.ExpenseReport) -> ExpenseReport:
        return cls(
            pk=row.id,
            number=row.number,
            currency_code=row.currency_code,
            description=row.description,
            status=models.ReportStatus(row.status),
            rejection_reason=row.rejection_reason,
            submitted_at=row.submitted_at,
            posted_at=row.posted_at,
            accounting_date=row.accounting_date,
            created_at=row.created_at,
            row=row,
        )

    async def _lines(self, info: Info) -> list[models.ExpenseLine]:
        loader = info.context.loaders.children(models.ExpenseLine, "report_id", "line_number")
        return await loader.load(self.pk)

    @strawberry.field(description="The legal entity the report belongs to (M1).")
    async def legal_entity(self, info: Info) -> LegalEntity | None:
        return await related(
            info, master_models.LegalEntity, self.row.legal_entity_id, LegalEntity.from_row
        )

    @strawberry.field(
        description="The employee who owns the report; null if you may not see that user."
    )
    async def employee(self, info: Info) -> User | None:
        return await _user(info, self.row.employee_user_id)

    @strawberry.field(description="In line number order.")
    async def lines(self, info: Info, first: NestedFirst = ALL) -> list[ExpenseLine]:
        loader = info.context.loaders.children(
            models.ExpenseLine, "report_id", "line_number", nested_first(first)
        )
        return [ExpenseLine.from_row(row) for row in await loader.load(self.pk)]

    @strawberry.field(description="Net + sales tax of the lines, per line currency.")
    async def totals(self, info: Info) -> list[CurrencyAmount]:
        sums: dict[str, Decimal] = defaultdict(Decimal)
        for line in await self._lines(info):
            sums[line.currency_code] += line.amount + line.sales_tax
        return [
            CurrencyAmount(
                currency_code=code, amount=await in_currency(info.context, sums[code], code)
            )
            for code in sorted(sums)
        ]

    @strawberry.field(description="Every decision, oldest first.")
    async def approvals(self, info: Info, first: NestedFirst = ALL) -> list[ExpenseApproval]:
        loader = info.context.loaders.children(
            models.ExpenseApproval, "report_id", first=nested_first(first)
        )
        numbers = {line.id: line.line_number for line in await self._lines(info)}
        return [
            ExpenseApproval.from_row(row, numbers.get(row.line_id) if row.line_id else None)
            for row in await loader.load(self.pk)
        ]

    @strawberry.field(description="The posting voucher (E4); null until posted.")
    async def voucher(self, info: Info) -> Voucher | None:
        loader = info.context.loaders.children(ledger_models.Voucher, "expense_report_id")
        rows = await loader.load(self.pk)
        return Voucher.from_row(rows[0]) if rows else None


register_node("ExpenseReport", models.ExpenseReport, ExpenseReport.from_row)
register_node("ExpenseLine", models.ExpenseLine, ExpenseLine.from_row)
